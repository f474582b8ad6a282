"""Paragraphs → feature matrices: hashed words, hashed DOM tokens and language-agnostic shape.

Features for all paragraphs of a batch are computed at once; nothing here is fitted, so the
same settings always give the same columns.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from declutter.paragraph import Paragraph

#: jusText's stoplists for these languages make up the stopword set (a language-agnostic
#: "is this running prose" signal); more languages blur it, fewer miss scraped corpora.
STOPLIST_LANGUAGES = (
    "English", "German", "French", "Spanish", "Russian", "Italian", "Portuguese", "Dutch",
    "Polish", "Ukrainian", "Swedish", "Czech", "Turkish", "Danish", "Norwegian_Bokmal",
    "Finnish", "Hungarian", "Romanian", "Indonesian", "Catalan",
)
SHAPE_FEATURES = (
    "log_chars", "log_words", "mean_word_length", "punctuation_ratio", "ends_sentence",
    "starts_upper", "title_case_ratio", "digit_ratio", "upper_ratio", "has_url_or_email",
    "stopword_ratio", "log_sentences", "ends_colon", "short_line", "has_separator",
    "relative_position", "log_index", "log_index_from_end", "log_doc_paragraphs",
    "length_vs_longest", "char_position", "is_html", "link_density", "in_boilerplate_region",
    "log_parent_long_chars", "log_grandparent_long_chars", "log_sibling_blocks",
    "in_densest_container", "container_distance", "depth",
)
_WORD = re.compile(r"\w+")
_URL_OR_EMAIL = re.compile(r"https?://|www\.|\S@\S|\.(?:com|org|net)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…。](?:[\"'”’»)\]]*)(?:\s|$)")

_SEPARATOR = re.compile(r"\s[|·•/»>]\s|^[•·\-–—*►▶]\s")
_HASHED_CHARS = 600  # a paragraph's opening says what it is; hashing all of a long one costs time
_ENDS_SENTENCE = tuple(".!?…\"'”’»)")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Lower-cased stopwords of ``STOPLIST_LANGUAGES`` (from jusText)."""
    import justext

    words: set[str] = set()
    for language in STOPLIST_LANGUAGES:
        words.update(justext.get_stoplist(language))
    return frozenset(w.lower() for w in words)


@dataclass(frozen=True)
class FeatureSettings:
    """Everything that fixes the feature columns; stored in the model manifest."""

    word_features: int = 2**18
    word_ngrams: tuple[int, int] = (1, 2)
    dom_features: int = 2**14

    def to_dict(self) -> dict:
        return asdict(self)


_DIGIT_BIT, _UPPER_BIT, _LETTER_BIT, _PUNCT_BIT = 1, 2, 4, 8


@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """Bit flags (digit, upper, letter, punctuation) for every code point of the BMP."""
    chars = [chr(cp) for cp in range(0x10000)]

    def flag(method) -> np.ndarray:
        return np.fromiter(map(method, chars), dtype=bool, count=len(chars))

    punctuation = ~flag(str.isalnum) & ~flag(str.isspace)
    punctuation[ord("_")] = False
    return (
        _DIGIT_BIT * flag(str.isdigit) | _UPPER_BIT * flag(str.isupper) | _LETTER_BIT * flag(str.isalpha) | _PUNCT_BIT * punctuation
    ).astype(np.uint8)


def _char_counts(texts: list[str]) -> np.ndarray:
    """Per text: counts of digits, upper-case letters, letters and punctuation, all at once."""
    counts = np.zeros((len(texts), 4), dtype=np.float64)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    nonempty = lengths > 0
    if not nonempty.any():
        return counts
    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    flags = np.where(codes < 0x10000, _char_classes()[np.minimum(codes, 0xFFFF)], _LETTER_BIT)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[nonempty]
    for column, bit in enumerate((_DIGIT_BIT, _UPPER_BIT, _LETTER_BIT, _PUNCT_BIT)):
        counts[nonempty, column] = np.add.reduceat((flags & bit) > 0, starts)
    return counts


def _shape(text: str, words: list[str], stop: frozenset[str], chars: np.ndarray) -> list[float]:
    n_chars = len(text) or 1
    n_words = len(words) or 1
    stripped = text.strip()
    digits, upper, letters, punctuation = chars
    return [
        math.log1p(len(text)),
        math.log1p(len(words)),
        sum(map(len, words)) / n_words,
        punctuation / n_chars,
        float(stripped.endswith(_ENDS_SENTENCE)),
        float(stripped[:1].isupper()),
        sum(w[0].isupper() for w in words) / n_words,
        digits / n_chars,
        upper / (letters or 1),
        float(bool(_URL_OR_EMAIL.search(text))),
        sum(w.lower() in stop for w in words) / n_words,
        math.log1p(len(_SENTENCE_END.findall(text))),
        float(stripped.endswith(":")),
        float(len(words) <= 3),
        float(bool(_SEPARATOR.search(text))),
    ]


def shape_matrix(documents: list[list[Paragraph]]) -> np.ndarray:
    """Dense language-agnostic features, one row per paragraph, columns ``SHAPE_FEATURES``."""
    stop = stopwords()
    rows: list[list[float]] = []
    chars = iter(_char_counts([p.text for doc in documents for p in doc]))
    for doc in documents:
        n = len(doc)
        lengths = [len(p.text) for p in doc]
        longest = max(lengths, default=1) or 1
        total = sum(lengths) or 1
        before = 0
        for i, p in enumerate(doc):
            row = _shape(p.text, _WORD.findall(p.text), stop, next(chars))
            row += [
                i / (n - 1) if n > 1 else 0.0,
                math.log1p(i),
                math.log1p(n - 1 - i),
                math.log1p(n),
                lengths[i] / longest,
                before / total,
            ]
            before += lengths[i]
            d = p.dom
            if d is None:
                row += [0.0] * 9
            else:
                row += [
                    1.0,
                    d.link_density,
                    float(d.in_boilerplate_region),
                    math.log1p(d.parent_long_chars),
                    math.log1p(d.grandparent_long_chars),
                    math.log1p(d.sibling_blocks),
                    float(d.in_densest_container),
                    min(d.container_distance, 10) / 10,
                    min(d.depth, 60) / 60,
                ]
            rows.append(row)
    return np.asarray(rows, dtype=np.float32).reshape(-1, len(SHAPE_FEATURES))


class Featurizer:
    """Turns batches of documents into the model's input matrices."""

    def __init__(self, settings: FeatureSettings) -> None:
        self.settings = settings
        self._words = HashingVectorizer(
            n_features=settings.word_features,
            ngram_range=tuple(settings.word_ngrams),
            alternate_sign=False,
            dtype=np.float32,
        )
        self._dom = HashingVectorizer(
            n_features=settings.dom_features,
            analyzer=str.split,
            alternate_sign=False,
            dtype=np.float32,
        )

    def lexical(self, documents: list[list[Paragraph]]) -> sp.csr_matrix:
        """Hashed word n-grams and DOM tokens side by side."""
        paragraphs = [p for doc in documents for p in doc]
        words = self._words.transform([p.text[:_HASHED_CHARS] for p in paragraphs])
        dom = self._dom.transform([p.dom.tokens if p.dom is not None else "" for p in paragraphs])
        return sp.hstack([words, dom], format="csr")
