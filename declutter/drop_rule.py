"""When a paragraph is dropped: the decision over the model's probabilities, one rule per input format.

The rules are chosen when a model is built (``scripts/build_model.py``, on pages it did not train
on) and stored in its manifest; the cleaner and the build both decide through :meth:`DropRule.drops`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class DropRule:
    """Drop a paragraph when the probability that it is boilerplate (the categories not kept) reaches
    ``threshold`` — ``short_threshold`` for a paragraph of at most ``short_words`` words — or when
    the named boilerplate kinds (all but ``other``) together reach ``named_threshold``.

    Short lines have a threshold of their own because the costs differ: dropping one loses the
    story a few words, while a leaked one ("Related: …", "Why trust us") is the junk a reader sees.
    ``named_threshold``: named kinds are learned from clean hand-written labels, ``other`` from
    labels aligned with real pages' gold text."""

    threshold: float = 0.5
    short_threshold: float = 0.5
    short_words: int = 0
    named_threshold: float = 0.75

    def drops(self, boilerplate: np.ndarray, named: np.ndarray, words: np.ndarray) -> np.ndarray:
        """Which paragraphs to drop, given per paragraph P(boilerplate), P(named kinds) and word count."""
        limit = np.where(np.asarray(words) <= self.short_words, self.short_threshold, self.threshold)
        return (np.asarray(boilerplate) >= limit) | (np.asarray(named) >= self.named_threshold)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_manifest(cls, manifest: dict, format: str) -> "DropRule":
        """The rule a model's manifest gives ``format``; models built before drop rules stored a
        single threshold per format (and one named threshold)."""
        rule = manifest.get("drop_rules", {}).get(format)
        if rule is not None:
            return cls(**rule)
        threshold = float(manifest.get("drop_thresholds", {}).get(format, 0.5))
        return cls(threshold, threshold, 0, float(manifest.get("named_threshold", 0.75)))


def word_counts(texts) -> np.ndarray:
    """Whitespace-separated words of each text, the unit of ``DropRule.short_words``."""
    return np.fromiter((len(t.split()) for t in texts), dtype=np.int64)
