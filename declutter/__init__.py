"""declutter: strip boilerplate and donation appeals from scraped news."""

from __future__ import annotations

from typing import TYPE_CHECKING

from declutter.categories import ARTICLE, CATEGORIES, LABELS
from declutter.paragraph import Paragraph

if TYPE_CHECKING:
    from declutter.cleaner import Cleaner, TaggedDocument

__all__ = ["ARTICLE", "CATEGORIES", "LABELS", "Cleaner", "Paragraph", "TaggedDocument"]
__version__ = "0.1.0"


def __getattr__(name: str):
    """``Cleaner`` and ``TaggedDocument`` on first use: they import scikit-learn (a second), which
    ``declutter --help`` and a mistyped option need not wait for."""
    if name in ("Cleaner", "TaggedDocument"):
        from declutter import cleaner

        return getattr(cleaner, name)
    raise AttributeError(f"module 'declutter' has no attribute {name!r}")
