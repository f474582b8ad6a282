"""Segmentation: a document becomes a list of paragraphs with their evidence."""

from declutter.segment.html import is_fragment, read_fragment_as_text, segment_html
from declutter.segment.text import TextLayout, paragraph_separator, segment_text

__all__ = ["TextLayout", "is_fragment", "read_fragment_as_text", "paragraph_separator", "segment_html", "segment_text"]
