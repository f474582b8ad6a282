"""Raw input → text: decoding bytes of unknown encoding and telling HTML from plain text."""

from __future__ import annotations

import codecs
import re

from bs4 import UnicodeDammit

_HTML_SIGNS = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:p|div|article|section|span|a|br|h[1-6]|li|table|meta|title)[\s>/]",
    re.IGNORECASE,
)
_TAG_START = re.compile(  # an HTML tag from the first character on: a page or a fragment
    r"<(?:!doctype|html|head|body|p|div|span|a|br|img|h[1-6]|li|ul|ol|dl|table|meta|link|title|article|section|main|header"
    r"|nav|footer|aside|figure|blockquote|pre|code|strong|em|b|i|u|hr|style|script|noscript|form|iframe|picture|video)[\s>/]",
    re.IGNORECASE,
)
# with words first: a closing tag, or a line break, paragraph or image tag (a feed's "One.<br>Two.")
_MARKUP = re.compile(r"</(?:p|div|article|section|span|a|h[1-6]|li|ul|ol|table|td|tr|b|i|em|strong|title|body|blockquote|figure)\s*>|<(?:br|p|img)[\s>/]", re.IGNORECASE)
_LEADING_NOISE = re.compile(r"(?:\s+|\ufeff|<!--.*?(?:-->|$)|<\?xml[^>]*>)*", re.DOTALL)  # before a page's first tag
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
    """True when ``text`` is markup: it starts with an HTML tag once leading whitespace, a byte
    order mark, comments (a licence header) and an XML declaration are skipped, or its start holds
    an HTML tag and a closing, line-break, paragraph or image tag (a feed's "Text <a href=…>link</a>",
    "One.<br>Two."). Plain text that mentions a ``<div>``, says "(<a third" or quotes ``<alice>``
    has neither."""
    start = _LEADING_NOISE.match(text[:65536]).end()
    if _TAG_START.match(text, start):
        return True
    end = start + _SNIFF_CHARS
    return bool(_HTML_SIGNS.search(text, start, end)) and bool(_MARKUP.search(text, start, end))
