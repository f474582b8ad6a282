"""What the features and the drop rule need to know about writing systems beyond the Latin one."""

from __future__ import annotations

import re
import unicodedata

#: Scripts written without spaces between words (ranges for a regular-expression class), and
#: about how many characters a word of each has: Chinese words average under two characters;
#: Thai ones, with their vowel and tone marks, about four.
HAN_AND_KANA = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
UNSPACED_SCRIPTS = {
    HAN_AND_KANA: 2,
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff": 4,  # Thai, Lao, Myanmar, Khmer
}
#: Invisible controls of writing direction (and the byte-order mark) that may end a line of
#: Arabic or Hebrew text after its full stop.
BIDI_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_UNSPACED = {re.compile(f"[{chars}]"): per_word for chars, per_word in UNSPACED_SCRIPTS.items()}
_ANY_UNSPACED = re.compile(f"[{''.join(UNSPACED_SCRIPTS)}]")


def word_count(text: str) -> int:
    """Whitespace-separated tokens of ``text``; in a text with characters of a script written
    without spaces, a rough count from those characters plus its other words (runs of word
    characters and marks: a whole Chinese paragraph is not one word)."""
    if text.isascii() or not _ANY_UNSPACED.search(text):
        return len(text.split())
    words = 0
    for script, characters_per_word in _UNSPACED.items():
        text, found = script.subn(" ", text)
        words += -(-found // characters_per_word)
    return words + len(WORD.findall(text))  # digits or Latin words among them


def is_combining_mark(character: str) -> bool:
    """Unicode categories Mn, Mc, Me: Devanagari and Thai vowel signs, Arabic and Hebrew vowel
    points, decomposed accents; part of the word they sit on, though ``\\w`` does not match them."""
    return unicodedata.category(character) in ("Mn", "Mc", "Me")


def _combining_marks() -> str:
    """The BMP's combining marks as ranges for a regular-expression class."""
    marks = [cp for cp in range(0x300, 0x10000) if is_combining_mark(chr(cp))]
    ranges, start = [], marks[0]
    for previous, cp in zip(marks, marks[1:] + [None]):
        if cp != previous + 1:
            ranges.append(f"\\u{start:04x}-\\u{previous:04x}" if previous > start else f"\\u{start:04x}")
            start = cp
    return "".join(ranges)


#: A word character: what ``\\w`` matches, and the combining marks on it (a class, to repeat).
WORD_CLASS = f"[\\w{_combining_marks()}]"
WORD = re.compile(WORD_CLASS + "+")
