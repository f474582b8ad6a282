"""What readers yield: a :class:`Record` to clean, or a :class:`Failure` that says why an input
record could not be read; and the limits every reader shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union
from urllib.parse import urlsplit


@dataclass
class Record:
    """One document to clean and where it came from."""

    key: str  # unique and stable within a run: file path, or path#line / path#offset
    id: str
    source: str  # the file it was read from
    content: str | bytes
    format: str = "auto"  # auto, text or html
    url: str | None = None
    site: str | None = None  # URL domain, else the source directory
    fields: dict | None = None  # the original JSONL object, kept in the output
    relative: str | None = None  # path relative to the input directory (mirrored output)
    container: str | None = None  # of a JSONL or WARC record: that file's path relative to the input directory
    charset: str | None = None  # of bytes, declared by their transport: a WARC record's Content-Type


@dataclass
class Failure:
    """A record that could not be read or cleaned, and why."""

    key: str
    id: str
    source: str
    reason: str
    extra: dict = field(default_factory=dict)

    @classmethod
    def of(cls, record: Record, why: Exception | str) -> "Failure":
        """The failure of ``record``, which was read but could not be cleaned: ``why`` says why
        (an exception, or the reason itself); a record's URL stays with it."""
        reason = why if isinstance(why, str) else f"{type(why).__name__}: {why}"
        return cls(key=record.key, id=record.id, source=record.source, reason=reason, extra={"url": record.url} if record.url else {})

    def to_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "reason": self.reason, **self.extra}


Item = Union[Record, Failure]


def site_of(url: str | None) -> str | None:
    """The host of ``url`` without "www.", None without one (or for a URL that cannot be parsed)."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # "http://[a.example/": an unclosed IPv6 bracket
        return None
    return host[4:] if host.startswith("www.") else host or None


def read_at_most(handle, max_bytes: int | None) -> bytes | None:
    """All of ``handle``, or None when it holds more than ``max_bytes``: at most one byte more is
    read, so a huge file or a gzip bomb never fills the memory."""
    if max_bytes is None:
        return handle.read()
    chunks, size = [], 0
    while size <= max_bytes and (chunk := handle.read(max_bytes + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
    return None if size > max_bytes else b"".join(chunks)


def too_large(max_bytes: int | None) -> str:
    """The reason for a document over ``max_bytes``, worded as the cleaner's DocumentTooLarge."""
    return f"DocumentTooLarge: document of more than {max_bytes:,} bytes is over the limit (max_bytes, --max-bytes)"
