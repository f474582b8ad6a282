"""When a paragraph is dropped: the decision over the model's probabilities, one rule per input format.

The rules are chosen when a model is built (``scripts/build_model.py``, on pages it did not train
on) and stored in its manifest; the cleaner and the build both decide through :meth:`DropRule.drops`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

from declutter.checks import check_number, check_whole_number
from declutter.scripts import word_count


@dataclass(frozen=True)
class DropRule:
    """Drop a paragraph when the probability that it is boilerplate (the categories not kept) reaches
    ``threshold`` — ``short_threshold`` for a paragraph of at most ``short_words`` words — or when
    the named boilerplate kinds (all but ``other``) together reach ``named_threshold``; but never
    drop one of ``keep_chars`` characters or more. Words are counted by :func:`word_count`.

    Short lines have a threshold of their own because the costs differ: dropping one loses the
    story a few words, while a leaked one ("Related: …", "Why trust us") is the junk a reader sees.
    A paragraph of thousands of characters is text run together (an extractor's output without
    line breaks, a page without block tags): dropping it drops the story with the junk.
    ``named_threshold``: named kinds are learned from clean hand-written labels, ``other`` from
    labels aligned with real pages' gold text."""

    threshold: float = 0.5
    short_threshold: float = 0.5
    short_words: int = 0
    named_threshold: float = 0.75
    keep_chars: int | None = None

    def __post_init__(self) -> None:
        """A rule read from a damaged manifest fails here, where the model is loaded, not at the first document."""
        for name in ("threshold", "short_threshold", "named_threshold"):
            check_number(name, getattr(self, name), 0)  # above 1: never
        check_whole_number("short_words", self.short_words, 0)
        check_whole_number("keep_chars", self.keep_chars, 1, optional=True)

    def drops(self, boilerplate: np.ndarray, named: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Which paragraphs to drop, given per paragraph P(boilerplate), P(named kinds) and its text."""
        return self.by_probability(boilerplate, named, texts) & ~self.run_together(texts)

    def by_probability(self, boilerplate: np.ndarray, named: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Which paragraphs the probabilities say to drop, whatever their length."""
        words = np.fromiter(map(word_count, texts), dtype=np.int64, count=len(texts))
        limit = np.where(words <= self.short_words, self.short_threshold, self.threshold)
        return (np.asarray(boilerplate) >= limit) | (np.asarray(named) >= self.named_threshold)

    def run_together(self, texts: Sequence[str]) -> np.ndarray:
        """Which paragraphs are never dropped: those of ``keep_chars`` characters or more."""
        if self.keep_chars is None:
            return np.zeros(len(texts), dtype=bool)
        return np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) >= self.keep_chars

    @staticmethod
    def describe_all(rules: dict[str, "DropRule"]) -> str:
        """Rules per format in a few words: "html: 0.55, …; text: 0.5, …"."""
        return "; ".join(f"{format}: {rule.describe()}" for format, rule in rules.items())

    @classmethod
    def uniform(cls, threshold: float) -> "DropRule":
        """Drop a paragraph, of any length, when P(boilerplate) reaches ``threshold``: the single knob
        a user turns for more precision (lower) or more recall (higher) than the calibrated rule."""
        check_number("threshold", threshold, 0, 1)
        return cls(threshold, threshold, 0, threshold)  # named mass never exceeds boilerplate mass

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        """The rule in a few words: "0.55, 0.2 up to 5 words, named 0.75, never from 2000 characters"."""
        return (
            f"{self.threshold}" + (f", {self.short_threshold} up to {self.short_words} words" if self.short_words else "")
            + f", named {self.named_threshold}" + (f", never from {self.keep_chars} characters" if self.keep_chars else "")
        )

    @classmethod
    def from_manifest(cls, manifest: dict, format: str) -> "DropRule":
        """The rule a model's manifest gives ``format``; models built before drop rules stored a
        single threshold per format (and one named threshold)."""
        rule = (manifest.get("drop_rules") or {}).get(format)
        if rule is not None:
            return cls(**rule)
        threshold = float(manifest.get("drop_thresholds", {}).get(format, 0.5))
        return cls(threshold, threshold, 0, float(manifest.get("named_threshold", 0.75)))
