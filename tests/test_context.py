"""The second stage's context: where each paragraph sits against the story, on the seed document."""

from __future__ import annotations

import numpy as np

from declutter.features import shape_matrix
from declutter.segment import segment_text


def test_context_from_end_places_the_appeal_after_the_story(cleaner, seed_text, seed_expected):
    model = cleaner.model
    assert model.context_from_end  # the shipped model is built with it
    document, _ = segment_text(seed_text)
    story = len(seed_expected.split("\n"))  # the seed's article paragraphs come first, then the appeal
    shape = shape_matrix([document])
    proba = model._first_stage_proba(model.featurizer_.lexical_parts([document]), shape)
    context = model._context(proba, np.array([len(document)]), shape)
    n_classes = len(model.classes_)
    from_here = context[:, 7 * n_classes : 8 * n_classes]
    before, after = context[:, 8 * n_classes], context[:, 8 * n_classes + 1]

    assert np.allclose(from_here, np.maximum.accumulate(proba[::-1], axis=0)[::-1])
    assert before[0] == 0 and np.all(np.diff(before) >= 0) and np.all(np.diff(after) <= 1e-6)
    assert np.all(before + after <= 1 + 1e-6)
    assert abs(after[-1]) < 1e-6
    # most of the document's article text (as the first stage sees it) is the story, before the appeal
    assert before[story] > 0.5 and after[story] < 0.5 * after[0]


def test_first_stage_applies_its_weights_block_by_block_as_on_the_whole_input(cleaner, seed_text, seed_page):
    """Prediction skips building the first stage's input; its probabilities must equal the fitted
    linear model's own ``predict_proba`` on that input, for text and HTML."""
    from declutter.cleaner import segment_document

    model = cleaner.model
    for document, format in ((seed_text, "text"), (seed_page, "html")):
        paragraphs = list(segment_document(document, format))
        shape = shape_matrix([paragraphs])
        whole = model._first_input(model.featurizer_.lexical([paragraphs]), shape)
        expected = np.zeros((len(paragraphs), len(model.classes_)))
        expected[:, np.searchsorted(model.classes_, model.linear_.classes_)] = model.linear_.predict_proba(whole)
        assert whole.shape[1] == model.linear_.coef_.shape[1]
        assert np.allclose(model._first_stage_proba(model.featurizer_.lexical_parts([paragraphs]), shape), expected, atol=1e-5)
