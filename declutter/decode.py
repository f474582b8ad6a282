"""Raw input → text: decoding bytes of unknown encoding and telling HTML from plain text."""

from __future__ import annotations

import codecs
import re

from bs4.dammit import EncodingDetector
from charset_normalizer import from_bytes

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
#: Legacy encodings of the web (the WHATWG Encoding Standard's, less the Mac ones): detection picks
#: among these only, not cp1006 (Urdu) for "Café fermé." or cp852 (DOS) for curly quotes
WEB_ENCODINGS = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "cp874", "cp866",
    "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8", "iso8859_10",
    "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "koi8_r", "koi8_u",
    "gb18030", "big5", "euc_jp", "iso2022_jp", "shift_jis", "euc_kr",
)
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
_MOSTLY_UTF8 = 10  # valid characters past ASCII per invalid sequence from which undeclared bytes are UTF-8
_BINARY_SHARE = 0.05  # more control bytes than this in the first 64 KB means binary data


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can recognise."""


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode bytes of unknown encoding: a byte-order mark, else UTF-8 when they are UTF-8 (a
    few damaged bytes aside), else the charset ``declared`` by their transport (an HTTP
    Content-Type), else the one the document declares (``<meta charset>``, an XML
    declaration), else the one :func:`_detect` finds."""
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
    declarations = (declared, EncodingDetector.find_declared_encoding(sample, is_html=looks_like_html(sample.decode("latin-1"))))
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")  # the byte sequences that are no UTF-8
    valid = len(text) - len(text.encode("ascii", errors="ignore")) - text.count("\ufffd")  # characters past ASCII
    # UTF-8 with damage (a stray windows-1252 byte, a cut character) is still UTF-8; legacy text
    # forms few valid sequences by chance. A page that says UTF-8 needs less to be believed.
    if valid >= invalid * (1 if any(_is_utf8(d) for d in declarations) else _MOSTLY_UTF8):
        return text.replace("\x00", "")
    for encoding in declarations:
        if decoded := _decode_as(data, encoding):
            return decoded.replace("\x00", "")
    return _detect(data).replace("\x00", "")


def _is_utf8(encoding: str | None) -> bool:
    return bool(encoding) and encoding.strip().lower().replace("_", "-") in ("utf-8", "utf8")


def _decode_as(data: bytes, encoding: str | None) -> str | None:
    """``data`` decoded as ``encoding`` (latin-1 labels read as windows-1252, as browsers read
    them), or None when the label is unknown or the bytes are not in that encoding."""
    if not encoding:
        return None
    encoding = encoding.strip().lower()
    if encoding in _READ_AS_WINDOWS_1252:
        return data.decode("windows-1252", errors="replace")  # its five unassigned bytes are U+FFFD
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def _detect(data: bytes) -> str:
    """``data`` decoded in the web encoding charset-normalizer finds most plausible; where
    several decode it equally well (short Western text), windows-1252, the web's usual one.
    charset-normalizer, not bs4's default chardet: chardet read Arabic windows-1256 as Greek,
    Ukrainian windows-1251 as Mac Cyrillic and Polish windows-1250 as windows-1252."""
    matches = list(from_bytes(data, cp_isolation=list(WEB_ENCODINGS)))
    if not matches:
        return data.decode("windows-1252", errors="replace")
    best = matches[0]
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    if any("cp1252" in m.could_be_from_charset for m in tied):
        return data.decode("windows-1252", errors="replace")
    return str(best)


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
