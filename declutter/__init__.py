"""declutter: strip boilerplate and donation appeals from scraped news."""

from declutter.categories import ARTICLE, CATEGORIES, LABELS
from declutter.cleaner import Cleaner, TaggedDocument
from declutter.paragraph import Paragraph

__all__ = ["ARTICLE", "CATEGORIES", "LABELS", "Cleaner", "Paragraph", "TaggedDocument"]
__version__ = "0.1.0"
