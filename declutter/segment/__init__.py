"""Segmentation: a document becomes a list of paragraphs with their evidence."""

from declutter.segment.html import segment_html
from declutter.segment.text import TextLayout, segment_text

__all__ = ["TextLayout", "segment_html", "segment_text"]
