"""Paragraphs → feature matrices: hashed words, hashed DOM tokens and language-agnostic shape.

Features for all paragraphs of a batch are computed at once; nothing here is fitted, so the
same settings always give the same columns.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from itertools import chain
from typing import Callable, Literal

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

from declutter.paragraph import DomEvidence, Paragraph
from declutter.scripts import BIDI_MARKS, UNSPACED_SCRIPTS, WORD, WORD_CLASS, is_combining_mark

#: jusText's stoplists for these languages make up the stopword set (a language-agnostic
#: "is this running prose" signal); more languages blur it, fewer miss scraped corpora.
STOPLIST_LANGUAGES = (
    "English", "German", "French", "Spanish", "Russian", "Italian", "Portuguese", "Dutch",
    "Polish", "Ukrainian", "Swedish", "Czech", "Turkish", "Danish", "Norwegian_Bokmal",
    "Finnish", "Hungarian", "Romanian", "Indonesian", "Catalan",
)
#: Stoplists in scripts of their own, of which only the words in that script are taken (the
#: Korean list holds "vs", "html", "bbc").
OTHER_SCRIPT_STOPLISTS = ("Arabic", "Persian", "Hebrew", "Greek", "Hindi", "Korean")
SHAPE_FEATURES = (
    "log_chars", "log_words", "mean_word_length", "punctuation_ratio", "ends_sentence",
    "starts_upper", "title_case_ratio", "digit_ratio", "upper_ratio", "has_url_or_email",
    "stopword_ratio", "log_sentences", "ends_colon", "short_line", "has_separator",
    "relative_position", "log_index", "log_index_from_end", "log_doc_paragraphs",
    "length_vs_longest", "char_position", "is_html", "link_density", "in_boilerplate_region",
    "log_parent_long_chars", "log_grandparent_long_chars", "log_sibling_blocks",
    "in_densest_container", "container_distance", "depth",
)


_WORD = WORD  # a word's letters and the marks on them
_WORD_OR_NUL = re.compile(f"{WORD_CLASS}+|\x00")
_URL_OR_EMAIL = re.compile(r"https?://|www\.|\S@\S|\.(?:com|org|net)\b", re.IGNORECASE)
_CLOSERS = "\"'”’»)\\]」』" + BIDI_MARKS  # may follow a sentence's last stop
#: a Latin stop ends a sentence before a space ("3.5", "e.g" do not); CJK, Devanagari, Arabic
#: and Urdu stops and the Greek question mark end one wherever they are
_SENTENCE_END = re.compile(f"[.!?…][{_CLOSERS}]*(?:\\s|$)|[。！？।॥؟۔\u037e][。！？।॥؟۔\u037e!?]*[{_CLOSERS}]*")

_SEPARATOR = re.compile(r"\s[|·•/»>]\s|^[•·\-–—*►▶]\s")
_INNER_SEPARATORS, _LEADING_SEPARATORS = "|·•/»>", "•·-–—*►▶"  # the characters _SEPARATOR needs
_HASHED_CHARS = 600  # a paragraph's opening says what it is; hashing all of a long one costs time
_HASHED_CHARS_NGRAMS = 120  # character n-grams (word parts: "spende", "abonn", "подпис") of the opening
_ENDS_SENTENCE = tuple(".!?…\"'”’»)。！？」』।॥؟۔\u037e")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Lower-cased stopwords of ``STOPLIST_LANGUAGES`` and ``OTHER_SCRIPT_STOPLISTS`` (from jusText)."""
    import justext

    words: set[str] = set()
    for language in STOPLIST_LANGUAGES:
        words.update(justext.get_stoplist(language))
    for language in OTHER_SCRIPT_STOPLISTS:
        words.update(w for w in justext.get_stoplist(language) if not any("a" <= c <= "z" for c in w.lower()))
    # jusText splits at spaces, so its lists hold "oli," and "helsingissä."; text is split into
    # _WORD words here, so an entry counts as its one word (one of several words never matches)
    tokens = (_WORD.findall(w.lower()) for w in words)
    return frozenset(found[0] for found in tokens if len(found) == 1)


@dataclass(frozen=True)
class FeatureSettings:
    """Everything that fixes the feature columns; stored in the model manifest."""

    word_features: int = 2**18
    word_ngrams: tuple[int, int] = (1, 2)
    word_hashing: Literal["tokens", "joined"] = "tokens"  # see WordNgramHasher; "joined": models built before it
    dom_features: int = 2**14
    char_features: int = 2**17  # 0: no character n-grams
    char_ngrams: tuple[int, int] = (3, 5)

    def to_dict(self) -> dict:
        return asdict(self)


_DIGIT_BIT, _UPPER_BIT, _LETTER_BIT, _PUNCT_BIT, _WORD_BIT = 1, 2, 4, 8, 16
_UNSPACED_BITS = {32 << i: per_word for i, per_word in enumerate(UNSPACED_SCRIPTS.values())}  # one per script
assert max(_UNSPACED_BITS) < 256, "the character classes are uint8: room for three scripts without spaces"
_UNSPACED_MASK = sum(_UNSPACED_BITS)


@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """Bit flags (digit, upper, letter, punctuation, word character, script without spaces) for
    every BMP code point."""
    chars = [chr(cp) for cp in range(0x10000)]

    def flag(method) -> np.ndarray:
        return np.fromiter(map(method, chars), dtype=bool, count=len(chars))

    def unspaced(ranges: str) -> np.ndarray:
        return flag(re.compile(f"[{ranges}]").fullmatch)

    alnum = flag(str.isalnum)
    marks = flag(is_combining_mark)
    punctuation = ~alnum & ~flag(str.isspace) & ~marks
    punctuation[ord("_")] = False
    word = alnum | marks
    word[ord("_")] = True  # what ``_WORD`` matches
    return (
        _DIGIT_BIT * flag(str.isdigit) | _UPPER_BIT * flag(str.isupper) | _LETTER_BIT * flag(str.isalpha)
        | _PUNCT_BIT * punctuation | _WORD_BIT * word
        | sum(bit * unspaced(ranges) for bit, ranges in zip(_UNSPACED_BITS, UNSPACED_SCRIPTS))
    ).astype(np.uint8)


def _char_counts(texts: list[str], lengths: np.ndarray) -> np.ndarray:
    """Per text, all at once: counts of digits, upper-case letters, letters, punctuation, word
    characters, words, and words that start with a capital. In scripts without spaces a word is
    so many characters (``UNSPACED_SCRIPTS``), not a run of them."""
    counts = np.zeros((len(texts), 7), dtype=np.float64)
    nonempty = lengths > 0
    if not nonempty.any():
        return counts
    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    flags = np.where(codes < 0x10000, _char_classes()[np.minimum(codes, 0xFFFF)], _LETTER_BIT | _WORD_BIT)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[nonempty]
    is_word = (flags & _WORD_BIT) > 0
    spaced_word = is_word & ((flags & _UNSPACED_MASK) == 0)
    after_word = np.concatenate([[False], spaced_word[:-1]])
    after_word[starts] = False  # a text's first character starts a word whatever precedes it
    word_start = spaced_word & ~after_word
    words = word_start.astype(np.float64)
    for bit, per_word in _UNSPACED_BITS.items():
        words += ((flags & bit) > 0) / per_word
    columns = [(flags & bit) > 0 for bit in (_DIGIT_BIT, _UPPER_BIT, _LETTER_BIT, _PUNCT_BIT)]
    columns += [is_word, words, word_start & ((flags & _UPPER_BIT) > 0)]
    for column, values in enumerate(columns):
        counts[nonempty, column] = np.add.reduceat(values, starts)
    return counts


def _text_shape(texts: list[str]) -> np.ndarray:
    """The text-only columns of ``SHAPE_FEATURES`` (the first 15), one row per text."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    digits, upper, letters, punctuation, word_chars, words, title = _char_counts(texts, lengths).T
    stripped = [t.strip().strip(BIDI_MARKS).strip() for t in texts]
    stop_words = _stopword_counts(texts, stopwords())
    sentences = [len(_SENTENCE_END.findall(t)) for t in texts]
    n_chars = np.maximum(lengths, 1)
    n_words = np.maximum(words, 1)

    def flags(values) -> np.ndarray:
        return np.fromiter(values, dtype=np.float64, count=len(texts))

    return np.column_stack([
        np.log1p(lengths),
        np.log1p(words),
        word_chars / n_words,
        punctuation / n_chars,
        flags(s.endswith(_ENDS_SENTENCE) for s in stripped),
        flags(s[:1].isupper() for s in stripped),
        title / n_words,
        digits / n_chars,
        upper / np.maximum(letters, 1),
        flags(_has_url_or_email(t) for t in texts),
        stop_words / n_words,
        np.log1p(np.asarray(sentences, dtype=np.float64)),
        flags(s.endswith(":") for s in stripped),
        (words <= 3).astype(np.float64),
        flags(_has_separator(t) for t in texts),
    ])


def _stopword_counts(texts: list[str], stop: frozenset[str]) -> np.ndarray:
    """Per text, how many of its lower-cased ``_WORD`` words are stopwords: one regular-expression
    pass over all texts joined by NUL separators, which it returns as tokens of their own."""
    if any("\x00" in t for t in texts):  # a NUL inside a text would split it: count text by text
        return np.array([sum(map(stop.__contains__, _WORD.findall(t.lower()))) for t in texts], dtype=np.float64)
    tokens = _WORD_OR_NUL.findall("\x00".join(texts).lower())
    separator = np.fromiter(map("\x00".__eq__, tokens), dtype=bool, count=len(tokens))
    owner = np.cumsum(separator)[~separator]
    hits = np.fromiter(map(stop.__contains__, tokens), dtype=np.float64, count=len(tokens))[~separator]
    return np.bincount(owner, weights=hits, minlength=len(texts))


def _has_url_or_email(text: str) -> bool:
    """``_URL_OR_EMAIL`` matches a text with a dot or an at sign; substring tests first rule out
    most texts at C speed."""
    if "@" in text:
        return _URL_OR_EMAIL.search(text) is not None
    if "." not in text:
        return False
    lowered = text.lower()
    return ("http" in lowered or "www." in lowered or ".com" in lowered or ".org" in lowered or ".net" in lowered) and _URL_OR_EMAIL.search(text) is not None


def _has_separator(text: str) -> bool:
    """``_SEPARATOR`` matches; a text without any separator character cannot match."""
    return (text[:1] in _LEADING_SEPARATORS or any(c in text for c in _INNER_SEPARATORS)) and _SEPARATOR.search(text) is not None


def _position_shape(sizes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Where each paragraph sits in its document (6 columns of ``SHAPE_FEATURES``)."""
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    n = np.repeat(sizes, sizes).astype(np.float64)
    index = np.arange(len(lengths)) - np.repeat(starts, sizes)
    nonempty = sizes > 0
    longest = np.ones(len(sizes))
    total = np.ones(len(sizes))
    if len(lengths):
        longest[nonempty] = np.maximum.reduceat(lengths, starts[nonempty])
        total[nonempty] = np.add.reduceat(lengths, starts[nonempty])
    cumulative = np.cumsum(lengths) - lengths  # characters before, across documents
    before = cumulative - np.repeat(cumulative[starts[nonempty]] if len(lengths) else [], sizes[nonempty])
    return np.column_stack([
        np.where(n > 1, index / np.maximum(n - 1, 1), 0.0),
        np.log1p(index),
        np.log1p(n - 1 - index),
        np.log1p(n),
        lengths / np.maximum(np.repeat(longest, sizes), 1),
        before / np.maximum(np.repeat(total, sizes), 1),
    ])


_NO_DOM = (0.0,) * 9


def _dom_row(d: DomEvidence | None) -> tuple:
    if d is None:
        return _NO_DOM
    return (
        1.0, d.link_density, d.in_boilerplate_region, d.parent_long_chars, d.grandparent_long_chars,
        d.sibling_blocks, d.in_densest_container, d.container_distance, d.depth,
    )


def shape_matrix(documents: list[list[Paragraph]]) -> np.ndarray:
    """Dense language-agnostic features, one row per paragraph, columns ``SHAPE_FEATURES``."""
    paragraphs = [p for doc in documents for p in doc]
    if not paragraphs:
        return np.zeros((0, len(SHAPE_FEATURES)), dtype=np.float32)
    texts = [p.text for p in paragraphs]
    sizes = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    dom = np.array([_dom_row(p.dom) for p in paragraphs], dtype=np.float64)
    dom[:, 3:6] = np.log1p(dom[:, 3:6])  # parent / grandparent long chars, sibling blocks
    dom[:, 7] = np.minimum(dom[:, 7], 10) / 10  # container distance
    dom[:, 8] = np.minimum(dom[:, 8], 60) / 60  # depth
    return np.hstack([_text_shape(texts), _position_shape(sizes, lengths), dom]).astype(np.float32)


class Featurizer:
    """Turns batches of documents into the model's input matrices."""

    def __init__(self, settings: FeatureSettings) -> None:
        self.settings = settings
        if settings.word_hashing == "tokens":
            self._words = WordNgramHasher(settings.word_features, tuple(settings.word_ngrams))
        elif settings.word_hashing == "joined":
            self._words = HashingVectorizer(
                n_features=settings.word_features,
                ngram_range=tuple(settings.word_ngrams),
                alternate_sign=False,
                dtype=np.float32,
            )
        else:
            raise ValueError(f"word_hashing must be 'tokens' or 'joined', not {settings.word_hashing!r}")
        self._dom = HashingVectorizer(
            n_features=settings.dom_features,
            analyzer=str.split,
            alternate_sign=False,
            dtype=np.float32,
        )
        self._chars = CharNgramHasher(settings.char_features, tuple(settings.char_ngrams)) if settings.char_features else None

    def lexical(self, documents: list[list[Paragraph]]) -> sp.csr_matrix:
        """Hashed word n-grams, DOM tokens and character n-grams side by side."""
        return sp.hstack(self.lexical_parts(documents), format="csr")

    def lexical_parts(self, documents: list[list[Paragraph]]) -> list[sp.csr_matrix]:
        """The blocks of :meth:`lexical`, each its own matrix (a linear model can apply its
        weights block by block and skip copying them into one)."""
        paragraphs = [p for doc in documents for p in doc]
        texts = [p.text[:_HASHED_CHARS] for p in paragraphs]
        if isinstance(self._words, WordNgramHasher):
            words = self._words.transform(texts)
        else:  # a model pickled with scikit-learn's HashingVectorizer
            words = _transform_unique(self._words, texts)
        if any(p.dom is not None for p in paragraphs):
            dom = _transform_unique(self._dom, [p.dom.tokens if p.dom is not None else "" for p in paragraphs])
        else:  # plain text: no DOM tokens to hash
            dom = sp.csr_matrix((len(paragraphs), self.settings.dom_features), dtype=np.float32)
        parts = [words, dom]
        if getattr(self, "_chars", None) is not None:  # absent in models pickled before character n-grams
            parts.append(self._chars.transform([p.text[:_HASHED_CHARS_NGRAMS] for p in paragraphs]))
        return parts


def _transform_unique(vectorizer: HashingVectorizer, strings: list[str]) -> sp.csr_matrix:
    """``vectorizer.transform(strings)``, analysing each distinct string once (a page's blocks
    share their DOM context, and menus and footers repeat their text) and hashing each distinct
    feature once (a page repeats its words and, far more, its ancestors' class tokens)."""
    rows: dict[str, int] = {}
    inverse = [rows.setdefault(s, len(rows)) for s in strings]
    if vectorizer.alternate_sign:  # _hashed_counts only counts
        return vectorizer.transform(list(rows))[inverse]
    analyzer = _analyzer(vectorizer)
    counts = _hashed_counts([analyzer(s) for s in rows], vectorizer.n_features)
    if vectorizer.norm == "l2":
        inplace_csr_row_normalize_l2(counts)
    elif vectorizer.norm is not None:
        raise ValueError(f"unsupported norm {vectorizer.norm!r}")
    return counts[inverse]


def _analyzer(vectorizer: HashingVectorizer) -> Callable[[str], list[str]]:
    """``vectorizer.build_analyzer()``; for word unigrams and bigrams without stop words, the
    same n-grams joined by ``map`` (scikit-learn's per-n-gram loop cost more than tokenising)."""
    if vectorizer.analyzer != "word" or tuple(vectorizer.ngram_range) != (1, 2) or vectorizer.stop_words is not None:
        return vectorizer.build_analyzer()
    preprocess, tokenize = vectorizer.build_preprocessor(), vectorizer.build_tokenizer()

    def unigrams_and_bigrams(text: str) -> list[str]:
        tokens = tokenize(preprocess(text))
        return tokens + list(map(" ".join, zip(tokens, tokens[1:])))

    return unigrams_and_bigrams


def _hashed_counts(features: list[list[str]], n_features: int) -> sp.csr_matrix:
    """Feature counts per row, as ``HashingVectorizer(alternate_sign=False, norm=None)`` gives
    them (float32, sorted columns): a feature's column is the absolute value of its signed
    murmurhash3 (UTF-8, seed 0) modulo ``n_features``. Built from flat arrays, without the
    per-feature Python generators and per-row sorting of scikit-learn's path."""
    distinct: dict[str, int] = {}
    codes = np.fromiter(
        (distinct.setdefault(feature, len(distinct)) for row in features for feature in row), dtype=np.int64
    )
    hashes = np.fromiter(map(murmurhash3_32, distinct), dtype=np.int64, count=len(distinct))
    columns = (np.abs(hashes) % n_features)[codes]
    lengths = np.fromiter(map(len, features), dtype=np.int64, count=len(features))
    rows = np.repeat(np.arange(len(features), dtype=np.int64), lengths)
    keys, counts = np.unique(rows * n_features + columns, return_counts=True)  # sorted by row, then column
    indptr = np.zeros(len(features) + 1, dtype=np.int32)
    np.cumsum(np.bincount(keys // n_features, minlength=len(features)), out=indptr[1:])
    return sp.csr_matrix(
        (counts.astype(np.float32), (keys % n_features).astype(np.int32), indptr), shape=(len(features), n_features)
    )


class WordNgramHasher:
    """Hashed word n-grams of lower-cased tokens of two or more word characters (the words
    ``HashingVectorizer``'s default analyser finds, but a combining mark does not split a word:
    Devanagari, Thai), l2-normalised rows.

    Each token is hashed once (murmurhash3) and an n-gram's column mixes its tokens' hashes in
    numpy, where scikit-learn builds and hashes every n-gram as a joined string: half the time
    per paragraph (2.5 → 1.3 ms per HTML page). The columns differ from scikit-learn's, so a
    model keeps the hashing it was trained with (``FeatureSettings.word_hashing``)."""

    _TOKEN = re.compile(WORD_CLASS + "{2,}")  # runs of two or more word characters (scikit-learn's \\b\\w\\w+\\b), marks included
    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
    _MIX = np.uint64(0xBF58476D1CE4E5B9)

    def __init__(self, n_features: int, ngram_range: tuple[int, int] = (1, 2)) -> None:
        self.n_features = n_features
        self.ngram_range = ngram_range

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        rows: dict[str, int] = {}
        inverse = [rows.setdefault(t, len(rows)) for t in texts]  # menus and footers repeat their lines
        tokens = [self._TOKEN.findall(t.lower()) for t in rows]
        flat = list(chain.from_iterable(tokens))
        hashes = np.fromiter(map(murmurhash3_32, flat), dtype=np.int64, count=len(flat)).astype(np.uint64)
        owner = np.repeat(np.arange(len(tokens), dtype=np.uint64), np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens)))
        keys = []
        low, high = self.ngram_range
        for n in range(low, high + 1):
            m = len(flat) - n + 1
            if m <= 0:
                continue
            mixed = hashes[:m].copy()
            for k in range(1, n):  # wraps mod 2**64
                mixed *= self._MULTIPLIER
                mixed ^= hashes[k : k + m]
            if n > 1:
                mixed *= self._MIX
                mixed ^= mixed >> np.uint64(31)
            inside = owner[:m] == owner[n - 1 : n - 1 + m]  # the n-gram does not cross two texts
            keys.append(owner[:m][inside] * np.uint64(self.n_features) + mixed[inside] % np.uint64(self.n_features))
        keys = np.sort(np.concatenate(keys)) if keys else np.zeros(0, np.uint64)
        return _l2_count_rows(keys, len(tokens), self.n_features)[inverse]


class CharNgramHasher:
    """Hashed character n-grams of lower-cased, whitespace-normalised texts, l2-normalised rows.

    What ``HashingVectorizer(analyzer="char")`` computes, but with numpy over all texts at once:
    scikit-learn builds every n-gram as a Python string, which made this one feature cost more
    than the rest of the pipeline together."""

    _MULTIPLIER = np.uint64(0x100000001B3)
    _MIX = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, n_features: int, ngram_range: tuple[int, int] = (3, 5)) -> None:
        self.n_features = n_features
        self.ngram_range = ngram_range

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        pieces = [" " + " ".join(t.lower().split()) + " " for t in texts]
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        codes = np.frombuffer("".join(pieces).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
        owner = np.repeat(np.arange(len(pieces)), lengths)
        # 32-bit keys sort in about half the time of 64-bit ones; they fit unless the batch is huge
        dtype = np.uint32 if len(texts) * self.n_features <= 2**32 else np.uint64
        keys = np.sort(self._keys(codes, owner, dtype))
        return _l2_count_rows(keys, len(texts), self.n_features)

    def _keys(self, codes: np.ndarray, owner: np.ndarray, dtype: type) -> np.ndarray:
        """``row * n_features + column`` of every n-gram occurrence (rows: ``owner`` texts)."""
        keys = []
        low, high = self.ngram_range
        for n in range(low, high + 1):
            m = len(codes) - n + 1
            if m <= 0:
                continue
            hashed = np.full(m, n, dtype=np.uint64)
            for k in range(n):  # FNV-style rolling product over the n characters (wraps mod 2**64)
                hashed ^= codes[k : k + m]
                hashed *= self._MULTIPLIER
            inside = owner[:m] == owner[n - 1 : n - 1 + m]  # the n-gram does not cross two texts
            hashed = hashed[inside]
            hashed ^= hashed >> np.uint64(29)
            hashed *= self._MIX
            hashed ^= hashed >> np.uint64(32)
            columns = (hashed % np.uint64(self.n_features)).astype(dtype)
            keys.append(owner[:m][inside].astype(dtype) * dtype(self.n_features) + columns)
        return np.concatenate(keys) if keys else np.zeros(0, dtype)



def _l2_count_rows(keys: np.ndarray, n_rows: int, n_features: int) -> sp.csr_matrix:
    """The l2-normalised count matrix of sorted ``keys`` (``row * n_features + column`` of every
    occurrence). One sort of the combined keys orders rows and the columns within them, so the
    CSR arrays come out canonical (as ``sum_duplicates`` leaves them) without scipy's per-row
    sort, which cost more."""
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]])) if len(keys) else np.zeros(0, np.int64)
    distinct = keys[starts].astype(np.int64)
    data = np.diff(np.append(starts, len(keys))).astype(np.float32)  # occurrences of each distinct key
    indptr = np.searchsorted(distinct, np.arange(n_rows + 1, dtype=np.int64) * n_features).astype(np.int32)
    owners = np.repeat(np.arange(n_rows), np.diff(indptr))
    norms = np.sqrt(np.bincount(owners, weights=data.astype(np.float64) ** 2, minlength=n_rows))
    data /= norms[owners].astype(np.float32)  # l2 rows, as HashingVectorizer's norm="l2"
    columns = (distinct - owners * n_features).astype(np.int32)
    return sp.csr_matrix((data, columns, indptr), shape=(n_rows, n_features))
