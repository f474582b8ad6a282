"""Raw input → text: decoding bytes of unknown encoding and telling HTML from plain text."""

from __future__ import annotations

import re

from bs4 import UnicodeDammit

_HTML_SIGNS = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:p|div|article|section|span|a|br|h[1-6]|li|table|meta|title)[\s>/]",
    re.IGNORECASE,
)
_NUL_TOLERANCE = 0.01


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can recognise."""


def decode_bytes(data: bytes) -> str:
    """Decode bytes of unknown encoding (BOM, declared charset, then detection)."""
    if not data:
        return ""
    nul_bytes = data.count(b"\x00")
    if nul_bytes > max(1, len(data) * _NUL_TOLERANCE):
        raise DecodeError(f"binary data: {nul_bytes} NUL bytes in {len(data)} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    dammit = UnicodeDammit(data, is_html=bool(_HTML_SIGNS.search(data[:4096].decode("latin-1"))))
    if dammit.unicode_markup is None:
        raise DecodeError("could not detect the text encoding")
    return dammit.unicode_markup


def looks_like_html(text: str) -> bool:
    """True when the start of ``text`` carries HTML markup."""
    return bool(_HTML_SIGNS.search(text[:4096]))
