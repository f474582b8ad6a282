"""The hand-built hashing gives exactly the columns and values of scikit-learn's HashingVectorizer."""

from __future__ import annotations

import numpy as np

from declutter.features import Featurizer, FeatureSettings, WordNgramHasher, _transform_unique
from declutter.segment import segment_html


def test_word_and_dom_hashing_equal_hashing_vectorizer(seed_page):
    """The path of models built with ``word_hashing="joined"`` (and of all DOM tokens)."""
    paragraphs = segment_html(seed_page)
    featurizer = Featurizer(FeatureSettings(word_hashing="joined"))
    texts = [p.text for p in paragraphs] + ["Ünïcode — «quotes» and 漢字", "", "Remind me later."] * 2
    tokens = [p.dom.tokens for p in paragraphs]
    for vectorizer, strings in ((featurizer._words, texts), (featurizer._dom, tokens)):
        ours, theirs = _transform_unique(vectorizer, strings), vectorizer.transform(strings)
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        assert (ours != theirs).nnz == 0
        assert np.array_equal(ours.indptr, theirs.indptr) and np.array_equal(ours.indices, theirs.indices)


def test_word_hashing_by_tokens_counts_the_n_grams_scikit_learn_finds(seed_page):
    """Hashing tokens and mixing their hashes gives each row the counts of scikit-learn's word
    unigrams and bigrams (other columns, the same l2-normalised values), never joins the last
    word of one text to the first of the next, and gives a repeated text the same row."""
    from sklearn.feature_extraction.text import HashingVectorizer

    texts = [p.text for p in segment_html(seed_page)] + [
        "Ünïcode — «quotes» and 漢字", "", "a", "Remind me later.", "later remind me", "the the the the",
        "Remind me later.", "x y z x y z",
    ]
    ours = WordNgramHasher(2**24, (1, 2)).transform(texts)
    theirs = HashingVectorizer(n_features=2**24, ngram_range=(1, 2), alternate_sign=False).transform(texts)
    assert ours.shape == theirs.shape and ours.dtype == np.float32
    for i in range(len(texts)):
        assert np.allclose(np.sort(ours[i].data), np.sort(theirs[i].data), atol=1e-6), texts[i]
    assert np.array_equal(np.diff(ours.indptr), np.diff(theirs.indptr))
    assert (ours[-5] != ours[-2]).nnz == 0 and (ours[-5] != ours[-4]).nnz > 0  # the same text; same words, other bigrams
    assert ours.has_canonical_format
    assert Featurizer(FeatureSettings()).lexical_parts([segment_html(seed_page)])[0].shape[1] == FeatureSettings().word_features


def test_text_shape_columns_follow_their_regex_definitions_whatever_the_batch(seed_page):
    """The stopword, URL and separator columns are computed over whole batches with shortcuts;
    each text's values must be those of the plain per-text definitions."""
    from declutter.features import SHAPE_FEATURES, _SEPARATOR, _URL_OR_EMAIL, _WORD, _text_shape, stopwords

    texts = [p.text for p in segment_html(seed_page)] + [
        "", " ", "İstanbul: THE mayor and the council", "ΟΔΟΣ the", "😀the and 😀", "of the\nand\tthe",
        "• item one", "Home | News | Sport", "See https://example.org/x", "HTTPS://X", "mail us: desk@paper.test",
        "www.Example.COM is the site", "Prices 3.50/kg", "— Maya",
    ]
    texts_with_nul = ["a\x00the of", "the end"]  # a NUL inside a text: the batch is counted text by text
    assert np.array_equal(_text_shape(texts_with_nul)[0], _text_shape(texts_with_nul[:1])[0])
    column = {name: SHAPE_FEATURES.index(name) for name in ("stopword_ratio", "has_url_or_email", "has_separator", "log_words")}
    batch = _text_shape(texts)
    for row, text in enumerate(texts):
        alone = _text_shape([text])[0]
        assert np.array_equal(alone, batch[row])
        words = max(np.expm1(batch[row, column["log_words"]]), 1)
        stop = sum(w in stopwords() for w in _WORD.findall(text.lower()))
        assert np.isclose(batch[row, column["stopword_ratio"]], stop / words)
        url = ("." in text or "@" in text) and _URL_OR_EMAIL.search(text) is not None
        assert batch[row, column["has_url_or_email"]] == url
        assert batch[row, column["has_separator"]] == (_SEPARATOR.search(text) is not None)


def test_shape_and_words_read_scripts_beyond_latin():
    """Full stops of CJK, Devanagari and Arabic, vowel signs inside Hindi words, Chinese without
    spaces and a direction mark after the last stop: each line reads as the prose it is."""
    from declutter.features import SHAPE_FEATURES, _text_shape, stopwords

    texts = {
        "hindi": "नगर निगम ने शनिवार को नया पुस्तकालय खोला। यह शहर का सबसे बड़ा पुस्तकालय है।",
        "chinese": "经过两年的施工，河口镇新建的公共图书馆于本周六上午正式向市民开放。",
        "arabic": "هل ستنخفض فواتير المياه في المدينة هذا العام؟\u200f",
        "english": "The council met on Monday. It voted five to two.",
    }
    shape = dict(zip(texts, _text_shape(list(texts.values()))))
    column = {name: SHAPE_FEATURES.index(name) for name in SHAPE_FEATURES}
    for name, row in shape.items():
        assert row[column["ends_sentence"]] == 1, name
        assert row[column["punctuation_ratio"]] < 0.1, name  # Hindi's vowel signs are no punctuation
        assert row[column["short_line"]] == 0, name  # the Chinese line is not one "word"
        assert row[column["stopword_ratio"]] > 0 or name == "chinese", name
    assert round(np.expm1(shape["hindi"][column["log_words"]])) == 15
    assert round(np.expm1(shape["hindi"][column["log_sentences"]])) == 2
    for text in ("真的吗？！我们不相信。", "真的吗？! 我们不相信。", "هل هذا صحيح؟! لا أصدق."):  # "？！", "؟!" end one sentence, as "?!" does
        assert round(np.expm1(_text_shape([text])[0][column["log_sentences"]])) == 2, text
    assert 10 < np.expm1(shape["chinese"][column["log_words"]]) < 25
    # only a stoplist's own script is taken ("vs" is a stopword now: Finnish and Slovak lists hold "vs.")
    assert "को" in stopwords() and "html" not in stopwords()
    assert "helsingissä" in stopwords() and "s'agit" not in stopwords()  # jusText's "helsingissä." is a word here
    assert WordNgramHasher._TOKEN.findall("शेयर करें, ये भी पढ़ें") == ["शेयर", "करें", "ये", "भी", "पढ़ें"]
