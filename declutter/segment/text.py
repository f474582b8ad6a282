"""Plain text → paragraphs, one per line or one per blank-line separated block."""

from __future__ import annotations

import re
from enum import Enum

from declutter.paragraph import Paragraph

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_ADJACENT_LINES = re.compile(r"\S[^\S\n]*\n[^\S\n]*\S")  # two lines of text with no blank line between
_WRAPPED_MAX = 100  # hard-wrapped text has lines no longer than this
_WRAPPED_MIN = 30  # ... and every line but a block's last at least this long


class TextLayout(str, Enum):
    """How paragraphs are separated in a plain-text document."""

    LINES = "lines"
    BLOCKS = "blocks"

    @property
    def separator(self) -> str:
        return "\n" if self is TextLayout.LINES else "\n\n"


def detect_layout(text: str) -> TextLayout:
    """Blank-line blocks when the text is hard-wrapped prose; otherwise one paragraph per line.
    The blocks of several lines vote by their number of lines: a two-line heading block does not
    outvote a body of a hundred one-paragraph lines."""
    blocks = [b for b in _BLANK_LINE.split(text.replace("\r\n", "\n")) if b.strip()]
    multi = [b.strip("\n").split("\n") for b in blocks if "\n" in b.strip("\n")]
    if len(blocks) < 2 or not multi:  # no blank line between paragraphs: one per line
        return TextLayout.LINES
    wrapped = sum(
        len(lines) for lines in multi
        if all(len(line) <= _WRAPPED_MAX for line in lines) and all(len(line.strip()) >= _WRAPPED_MIN for line in lines[:-1])
    )
    return TextLayout.BLOCKS if wrapped * 2 >= sum(map(len, multi)) else TextLayout.LINES


def segment_text(text: str, layout: TextLayout | None = None) -> tuple[list[Paragraph], TextLayout]:
    """Split ``text`` into paragraphs, keeping each paragraph's text exactly (line ends aside)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    layout = layout or detect_layout(text)
    if layout is TextLayout.LINES:
        pieces = text.split("\n")
    else:
        pieces = [b.strip("\n") for b in _BLANK_LINE.split(text)]
    paragraphs = [Paragraph(text=p, index=0) for p in pieces if p.strip()]
    for i, p in enumerate(paragraphs):
        p.index = i
    return paragraphs, layout


def paragraph_separator(text: str, layout: TextLayout) -> str:
    """What the kept paragraphs of ``text`` are joined with: a blank line where the text has one
    between every two paragraphs (also when each is one line: "P1\n\nP2", an extractor's or a
    CMS's usual output), else a line end."""
    if layout is TextLayout.BLOCKS or (_BLANK_LINE.search(text) and not _ADJACENT_LINES.search(text)):
        return "\n\n"
    return "\n"
