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
#: Legacy encodings of the web (the WHATWG Encoding Standard's, as Python names them, less the
#: Mac ones and ISO-2022-JP, which is 7-bit and so read as UTF-8): detection picks among these
#: only, not cp1006 (Urdu) for "Café fermé." or cp852 (DOS) for curly quotes
WEB_ENCODINGS = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "cp874", "cp866",
    "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5", "iso8859-6", "iso8859-7", "iso8859-8", "iso8859-10",
    "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16", "koi8-r", "koi8-u",
    "gb18030", "big5hkscs", "euc_jp", "cp932", "cp949",
)
#: Labels browsers read as a larger encoding than Python's codec of that name (WHATWG Encoding):
#: "iso-8859-1" pages hold windows-1252's curly quotes and dashes, "euc-kr" pages UHC syllables,
#: "shift_jis" pages Microsoft's circled numbers
_BROWSER_ENCODINGS = {
    **dict.fromkeys(("iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii"), "cp1252"),
    **dict.fromkeys(("iso-8859-9", "iso8859-9", "latin5", "l5"), "cp1254"),
    **dict.fromkeys(("tis-620", "iso-8859-11", "windows-874", "dos-874"), "cp874"),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987", "korean", "windows-949"), "cp949"),
    **dict.fromkeys(("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j", "csshiftjis"), "cp932"),
    **dict.fromkeys(("gb2312", "gbk", "x-gbk", "chinese", "csgb2312", "gb_2312-80"), "gb18030"),
    **dict.fromkeys(("big5", "big5-hkscs", "cn-big5", "x-x-big5", "csbig5"), "big5hkscs"),
}
_WEB_CODECS = frozenset(codecs.lookup(e).name for e in WEB_ENCODINGS)
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
_MOSTLY_UTF8 = 3  # bytes of valid multi-byte characters per invalid sequence from which bytes are UTF-8 (one em dash)
_MOSTLY_DECODED = 50  # a declared encoding is believed with one U+FFFD per this many characters past ASCII
_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")
# the last byte that is neither part of a multi-byte character nor a digit (GB18030 uses digits)
_CUT_AFTER = re.compile(rb"[\x00-\x2f\x3a-\x3f][^\x00-\x2f\x3a-\x3f]*\Z")
_DETECTION_SAMPLE = 65536  # bytes around non-ASCII runs given to the detector
_BINARY_SHARE = 0.05  # more control bytes than this in the first 64 KB means binary data


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can recognise."""


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode bytes of unknown encoding: a byte-order mark, else UTF-8 when they are UTF-8 (a
    few damaged bytes aside), else the web encoding ``declared`` by their transport (an HTTP
    Content-Type), else the one the document declares (``<meta charset>``, an XML declaration),
    else the one :func:`_detect` finds."""
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
    if (text := _damaged_utf8(data)) is not None:
        return text.replace("\x00", "")
    for encoding in (declared, EncodingDetector.find_declared_encoding(sample, is_html=looks_like_html(sample.decode("latin-1")))):
        if (text := _decode_as(data, encoding)) is not None:
            return text.replace("\x00", "")
    return _detect(data).replace("\x00", "")


def _damaged_utf8(data: bytes) -> str | None:
    """``data`` as UTF-8 with U+FFFD for its invalid sequences (a stray windows-1252 byte, a cut
    character) when its valid multi-byte characters outweigh them ``_MOSTLY_UTF8`` to one; legacy
    text forms few valid sequences by chance, and hardly any of three bytes."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    invalid = replaced - data.count(b"\xef\xbf\xbd")  # U+FFFD that were not in the bytes
    valid_bytes = len(text.encode("utf-8")) - len(text.encode("ascii", errors="ignore")) - 3 * replaced
    return text if valid_bytes >= _MOSTLY_UTF8 * invalid else None


def _web_codec(label: str | None) -> str | None:
    """The codec a browser decodes ``label`` with, when it names a legacy web encoding; None for
    UTF-8 (tried before), UTF-16 on 8-bit data, and labels no page means (``undefined``,
    ``unicode_escape``, EBCDIC)."""
    if not label:
        return None
    label = label.strip().lower()
    if label in _BROWSER_ENCODINGS:
        return _BROWSER_ENCODINGS[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return name if name in _WEB_CODECS else None


def _decode_as(data: bytes, label: str | None) -> str | None:
    """``data`` decoded in the web encoding ``label`` names, or None when it names none or leaves
    more than one character past ASCII in ``_MOSTLY_DECODED`` undecodable (a character or two
    outside it, a cut last character, do not discard a declaration)."""
    codec = _web_codec(label)
    if codec is None:
        return None
    text = data.decode(codec, errors="replace")
    beyond_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return text if text.count("\ufffd") <= max(1, beyond_ascii // _MOSTLY_DECODED) else None


def _detect(data: bytes) -> str:
    """``data`` decoded in the web encoding charset-normalizer finds most plausible for the bytes
    around its non-ASCII runs (given a whole page, it samples a few chunks of ASCII markup and
    finds nothing); where several read them equally well (short Western text), windows-1252, the
    web's usual one. charset-normalizer, not bs4's default chardet: chardet read Arabic
    windows-1256 as Greek, Ukrainian windows-1251 as Mac Cyrillic and Polish windows-1250 as
    windows-1252."""
    matches = list(from_bytes(_around_non_ascii(data), cp_isolation=list(WEB_ENCODINGS)))
    if not matches:
        return data.decode("windows-1252", errors="replace")
    best = matches[0]
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    if any("cp1252" in m.could_be_from_charset for m in tied):
        return data.decode("windows-1252", errors="replace")
    return data.decode(best.encoding, errors="replace")


def _around_non_ascii(data: bytes) -> bytes:
    """The stretches of ``data`` around its runs of non-ASCII bytes, 40 bytes either side, up to
    ``_DETECTION_SAMPLE`` bytes in all, cut after a byte no multi-byte character holds; all of
    ``data`` when it is dense in them and there is no such byte to cut at (a cut character made
    charset-normalizer find no encoding)."""
    parts, size, end = [], 0, 0
    for run in _NON_ASCII_RUN.finditer(data):  # stretches more than 80 bytes apart are cut in plain ASCII
        start, stop = max(run.start() - 40, end), run.end() + 40
        parts.append(data[start:stop])
        size, end = size + stop - start, stop
        if size > _DETECTION_SAMPLE:
            sample = b"".join(parts)
            cut = _CUT_AFTER.search(sample, len(sample) - 1024)
            return sample[: cut.start() + 1] if cut else data
    return b"".join(parts) or data


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
