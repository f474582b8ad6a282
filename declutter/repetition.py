"""Site repetition: a paragraph found on many pages of one site is boilerplate evidence.

Like CCNet's line deduplication within a shard, but per site (URL domain, or the source
directory): the corpus is read once to count, per site, on how many documents each normalised
paragraph appears; paragraphs on at least ``min_pages`` documents are then dropped. A quote that
two articles share stays (``min_pages`` defaults to 3), and so does a page captured several times
(documents are counted once per URL, or per content when they have none).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from typing import Iterable


_DIGITS = re.compile(r"\d")


def paragraph_key(text: str) -> bytes:
    """A short stable fingerprint of a paragraph, blind to case, spacing and digits."""
    normal = _DIGITS.sub("0", " ".join(text.lower().split()))
    return hashlib.blake2b(normal.encode("utf-8", "surrogatepass"), digest_size=8).digest()


class SiteRepetition:
    def __init__(self, repeated: dict[str, set[bytes]], min_pages: int) -> None:
        self.repeated = repeated
        self.min_pages = min_pages

    @classmethod
    def count(cls, items: Iterable, min_pages: int, format: str = "auto") -> "SiteRepetition":
        """Count over records (failures and unreadable records are skipped here)."""
        from declutter.cleaner import segment_document
        from declutter.readers import Record

        counts: dict[str, Counter] = defaultdict(Counter)
        seen: dict[str, set] = defaultdict(set)  # per site, the documents counted: by URL, else by content
        for item in items:
            if not isinstance(item, Record) or item.site is None:
                continue
            document_key = item.url or hashlib.blake2b(
                item.content if isinstance(item.content, bytes) else item.content.encode("utf-8", "surrogatepass"), digest_size=16
            ).digest()
            if document_key in seen[item.site]:  # a crawl's second capture of a page is not a second page
                continue
            seen[item.site].add(document_key)
            try:
                doc = segment_document(item.content, item.format if format == "auto" else format, encoding=item.charset)
            except Exception:  # noqa: BLE001 - the cleaning pass reports it
                continue
            counts[item.site].update({paragraph_key(p.text) for p in doc})
        repeated = {site: {k for k, n in c.items() if n >= min_pages} for site, c in counts.items()}
        return cls({site: keys for site, keys in repeated.items() if keys}, min_pages)

    def apply(self, site: str | None, paragraphs: list) -> None:
        """Drop the paragraphs of ``paragraphs`` that repeat across ``site``, saying why; each keeps
        the model's label and probability (a label changed to ``other`` kept P(article))."""
        keys = self.repeated.get(site or "")
        if not keys:
            return
        for p in paragraphs:
            if p.kept and paragraph_key(p.text) in keys:
                p.kept = False
                p.reason = f"repeated on {self.min_pages}+ pages of {site}"
