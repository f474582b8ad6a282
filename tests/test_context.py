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
    proba = model._first_stage_proba(model._first_input(model.featurizer_.lexical([document]), shape))
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
