"""Raw input → text: decoding bytes of unknown encoding and telling HTML from plain text."""

from __future__ import annotations

import codecs
import re

from bs4 import UnicodeDammit

_HTML_SIGNS = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:p|div|article|section|span|a|br|h[1-6]|li|table|meta|title)[\s>/]",
    re.IGNORECASE,
)
_TAG_START = re.compile(r"<[a-zA-Z!?]")  # markup from the first character on: a page or a fragment
_CLOSING_TAG = re.compile(r"</(?:p|div|article|section|span|a|h[1-6]|li|ul|ol|table|td|tr|b|i|em|strong|title|body|blockquote|figure)\s*>", re.IGNORECASE)
_LEADING_NOISE = re.compile(r"(?:\s+|<!--.*?(?:-->|$)|<\?xml[^>]*>)*", re.DOTALL)  # before a page's first tag
_SNIFF_CHARS = 4096
# WHATWG Encoding: browsers read these labels as windows-1252, whose curly quotes, dashes and euro
# sign sit where ISO-8859-1 has invisible C1 controls; pages that say latin-1 mean windows-1252
_READ_AS_WINDOWS_1252 = frozenset({"iso-8859-1", "latin-1", "latin1", "ascii", "us-ascii", "iso8859-1", "l1"})
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
_BINARY_SHARE = 0.05  # more control bytes than this in the first 64 KB means binary data


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can recognise."""


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_bytes(data: bytes) -> str:
    """Decode bytes of unknown encoding (BOM, declared charset, then detection)."""
    if not data:
        return ""
    for bom, encoding in _BOMS:  # UTF-16/32 text is full of NUL bytes: it must not be taken for binary;
        # the mark itself is not text
        if data.startswith(bom):
            try:
                return data.decode(encoding).replace("\x00", "")
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {encoding} byte-order mark but is not {encoding}: {exc}") from exc
    sample = data[:65536]
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if control > max(2, len(sample) * _BINARY_SHARE):
        raise DecodeError(f"binary data: {control} control bytes in the first {len(sample)} bytes")
    try:
        return data.decode("utf-8").replace("\x00", "")
    except UnicodeDecodeError:
        pass
    dammit = UnicodeDammit(data, is_html=looks_like_html(data[:65536].decode("latin-1")))
    if dammit.unicode_markup is None:
        raise DecodeError("could not detect the text encoding")
    if (dammit.original_encoding or "").lower() in _READ_AS_WINDOWS_1252:
        return data.decode("windows-1252", errors="replace").replace("\x00", "")
    return dammit.unicode_markup.replace("\x00", "")


def looks_like_html(text: str) -> bool:
    """True when ``text`` is markup: it starts with a tag once leading whitespace, comments (a
    licence header) and an XML declaration are skipped, or its start holds an HTML tag and a
    closing one (a feed's "Text <a href=…>link</a>"). Plain text that mentions a ``<div>`` or
    says "(<a third" has no closing tag."""
    start = _LEADING_NOISE.match(text[:65536]).end()
    if _TAG_START.match(text, start):
        return True
    end = start + _SNIFF_CHARS
    return bool(_HTML_SIGNS.search(text, start, end)) and bool(_CLOSING_TAG.search(text, start, end))
