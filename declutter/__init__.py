"""declutter: strip boilerplate and donation appeals from scraped news."""

from __future__ import annotations

from typing import TYPE_CHECKING

from declutter.categories import ARTICLE, CATEGORIES, LABELS
from declutter.paragraph import Paragraph

if TYPE_CHECKING:
    from declutter.cleaner import Cleaner, TaggedDocument

__all__ = ["ARTICLE", "CATEGORIES", "LABELS", "Cleaner", "Paragraph", "TaggedDocument"]
__version__ = "0.1.0"
_LAZY = ("Cleaner", "TaggedDocument")  # they import scikit-learn (a second): not for `declutter --help`

if not TYPE_CHECKING:  # type checkers see the import above, and typos stay errors

    def __getattr__(name: str):
        if name in _LAZY:
            from declutter import cleaner

            globals().update({n: getattr(cleaner, n) for n in _LAZY})
            return globals()[name]
        raise AttributeError(f"module 'declutter' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
