"""The hand-built hashing gives exactly the columns and values of scikit-learn's HashingVectorizer."""

from __future__ import annotations

import numpy as np

from declutter.features import Featurizer, FeatureSettings, _transform_unique
from declutter.segment import segment_html


def test_word_and_dom_hashing_equal_hashing_vectorizer(seed_page):
    paragraphs = segment_html(seed_page)
    featurizer = Featurizer(FeatureSettings())
    texts = [p.text for p in paragraphs] + ["Ünïcode — «quotes» and 漢字", "", "Remind me later."] * 2
    tokens = [p.dom.tokens for p in paragraphs]
    for vectorizer, strings in ((featurizer._words, texts), (featurizer._dom, tokens)):
        ours, theirs = _transform_unique(vectorizer, strings), vectorizer.transform(strings)
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        assert (ours != theirs).nnz == 0
        assert np.array_equal(ours.indptr, theirs.indptr) and np.array_equal(ours.indices, theirs.indices)
