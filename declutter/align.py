"""Label a page's blocks from its gold main text: a block is article when it aligns with it.

This is how real pages with a known clean text (a benchmark, or a user's own corrected
extractions) become training data.
"""

from __future__ import annotations

import re

from declutter.categories import ARTICLE
from declutter.paragraph import Paragraph

_TOKEN = re.compile(r"\w+")
_LONG_BLOCK_WORDS = 4  # blocks this long are aligned by word trigrams
_MIN_COVERAGE = 0.5


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _trigrams(tokens: list[str]) -> set[tuple[str, str, str]]:
    return set(zip(tokens, tokens[1:], tokens[2:]))


def align_labels(paragraphs: list[Paragraph], gold_text: str, boilerplate_label: str = "other") -> list[str]:
    """One label per paragraph: ``article`` when its words align with ``gold_text``."""
    gold_tokens = _tokens(gold_text)
    gold_trigrams = _trigrams(gold_tokens)
    gold_lines = {" ".join(_tokens(line)) for line in gold_text.splitlines() if line.strip()}
    gold_joined = " " + " ".join(gold_tokens) + " "

    labels = [boilerplate_label] * len(paragraphs)
    short: list[int] = []
    for i, p in enumerate(paragraphs):
        tokens = _tokens(p.text)
        if len(tokens) >= _LONG_BLOCK_WORDS:
            trigrams = _trigrams(tokens)
            if trigrams and len(trigrams & gold_trigrams) / len(trigrams) >= _MIN_COVERAGE:
                labels[i] = ARTICLE
        elif tokens:
            short.append(i)
    article_rows = [i for i, label in enumerate(labels) if label == ARTICLE]
    if not article_rows:
        return labels
    first, last = article_rows[0], article_rows[-1]
    for i in short:
        normal = " ".join(_tokens(paragraphs[i].text))
        if normal in gold_lines and first - 3 <= i <= last + 3:
            labels[i] = ARTICLE
        elif first <= i <= last and f" {normal} " in gold_joined:
            labels[i] = ARTICLE
    return labels
