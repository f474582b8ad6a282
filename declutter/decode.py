"""Raw input → text: decoding bytes of unknown encoding and telling HTML from plain text."""

from __future__ import annotations

import codecs
import contextlib
import re


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
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
#: Legacy encodings of the web (the WHATWG Encoding Standard's, as Python names them, less the
#: Mac ones): detection picks among these only, not cp1006 (Urdu) for "Café fermé." or cp852
#: (DOS) for curly quotes
WEB_ENCODINGS = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "cp874", "cp866",
    "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5", "iso8859-6", "iso8859-7", "iso8859-8", "iso8859-10",
    "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16", "koi8-r", "koi8-u",
    "gb18030", "big5hkscs", "euc_jis_2004", "cp932", "cp949",
)
_MULTI_BYTE = frozenset({"gb18030", "big5hkscs", "euc_jis_2004", "cp932", "cp949"})
#: Python codecs of labels browsers read as a larger encoding (WHATWG Encoding): "iso-8859-1"
#: pages hold windows-1252's curly quotes and dashes, "euc-kr" pages UHC syllables, "shift_jis"
#: pages Microsoft's circled numbers
_READ_AS = {
    "iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "tis-620": "cp874", "iso8859-11": "cp874",
    "euc_kr": "cp949", "shift_jis": "cp932", "gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs",
    "euc_jp": "euc_jis_2004",  # detection's name for EUC-JP; decoded by _decode_in
}
#: web labels Python does not know
_LABELS = {
    "windows-874": "cp874", "dos-874": "cp874", "x-sjis": "cp932", "windows-31j": "cp932", "windows-949": "cp949",
    "x-gbk": "gb18030", "x-euc-jp": "euc_jis_2004", "cn-big5": "big5hkscs", "x-x-big5": "big5hkscs", "iso-8859-8-i": "iso8859-8",
    "csiso88598i": "iso8859-8", "logical": "iso8859-8", "koi8": "koi8-r", "koi": "koi8-r", "koi8-ru": "koi8-u",
    **dict.fromkeys(("cseuckr", "csksc56011987", "iso-ir-149", "ks_c_5601-1989", "ksc_5601"), "cp949"),
    **dict.fromkeys(("csgb2312", "gb_2312", "gb_2312-80", "iso-ir-58", "csiso58gb231280"), "gb18030"),
    **dict.fromkeys(("csiso88598e", "iso-8859-8-e", "visual"), "iso8859-8"),
    **dict.fromkeys(("csiso88596e", "csiso88596i", "iso-8859-6-e", "iso-8859-6-i"), "iso8859-6"),
    "csisolatin9": "iso8859-15", "sun_eu_greek": "iso8859-7", "cseucpkdfmtjapanese": "euc_jis_2004",
    "iso88591": "cp1252", "iso88599": "cp1254", "iso885911": "cp874",
    **{f"x-cp125{n}": f"cp125{n}" for n in range(9)},
    **{f"iso8859{n}": f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15)},
}
_WEB_CODECS = frozenset(codecs.lookup(e).name for e in WEB_ENCODINGS)
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
# Bytes of valid multi-byte UTF-8 characters per invalid sequence from which bytes are taken for
# UTF-8 with damage (see _damaged_utf8), when:
_UTF8_DECLARED = 2
_NOTHING_DECLARED = 3  # or only a server's default windows-1252 (one em dash beside a stray byte)
_LEGACY_DECLARED = 20  # and it reads them cleanly (a cp1252 story in a UTF-8 page template)
_MOSTLY_DECODED = 50  # a declared encoding is believed with one U+FFFD per this many characters past ASCII
_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")
# the last byte that is neither part of a multi-byte character nor a digit (GB18030 uses digits)
_CUT_AFTER = re.compile(rb"[\x00-\x2f\x3a-\x3f][^\x00-\x2f\x3a-\x3f]*\Z")
_DETECTION_SAMPLE = 65536  # bytes around non-ASCII runs given to the detector
_BINARY_SHARE = 0.05  # more control bytes than this in any 64 KB means binary data
_UTF16_SHORT = 256  # bytes: below, NULs are too few to tell UTF-16 by their pattern alone
_UTF16_MIN_NULS = 2  # UTF-16 without a mark needs NULs in one byte position: one is a stray NUL ("Hello world\x00")
_ISO_2022_JP = (b"\x1b$B", b"\x1b$@", b"\x1b(J")  # escapes into JIS X 0208 / 0201: 7-bit Japanese


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can recognise."""


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode bytes of unknown encoding: a byte-order mark, or the NUL bytes of UTF-16 without
    one; else UTF-8 when they are UTF-8, a few
    damaged bytes aside; else the encoding their transport declares (``declared``, an HTTP
    Content-Type's charset) or, first when the transport says only windows-1252 or a label read
    as it (ISO-8859-1, ASCII: a server's default), the one the document declares (``<meta
    charset>``, an XML declaration), each read as a browser reads it; else the one
    :func:`_detect` finds."""
    return _decode(data, declared).replace("\x00", "")


def _decode(data: bytes, declared: str | None) -> str:
    if not data:
        return ""
    for bom, encoding in _BOMS:  # UTF-16/32 text is full of NUL bytes: it must not be taken for binary;
        # the mark itself is not text
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {encoding} byte-order mark but is not {encoding}: {exc}") from exc
    sample = data[:65536]
    if sample.count(b"\x00") > len(sample) // 20 and (text := _utf16_without_bom(data)) is not None:
        return text
    if b"\x1b" in sample and any(escape in sample for escape in _ISO_2022_JP):  # its escapes are control bytes
        # (one byte searched first: the three escapes cost every document 0.12 ms)
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("iso2022_jp")
    for start in range(0, len(data), 65536):  # every 64 KB: binary junk after a page is no text either
        window = sample if not start else data[start : start + 65536]
        control = len(window) - len(window.translate(None, _CONTROL_BYTES))
        if control > max(2, len(window) * _BINARY_SHARE):
            where = f"the first {len(window)} bytes" if not start else f"bytes {start:,} to {start + len(window):,}"
            raise DecodeError(f"binary data: {control} control bytes in {where}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from bs4.dammit import EncodingDetector  # here: most input is UTF-8, and the import takes 80 ms

    utf8, ratio = _damaged_utf8(data)
    in_document = EncodingDetector.find_declared_encoding(sample, is_html=looks_like_html(sample.decode("latin-1")))
    server_default = _web_codec(declared) == "cp1252"  # "charset=ISO-8859-1": many servers say it of every page
    labels = [(declared, server_default), (in_document, False)]  # (label, whether it may be a default)
    if server_default and in_document and _web_codec(in_document) != "cp1252":
        labels.reverse()  # the page knows better
    for label, weak in labels:
        if _is_utf8(label):
            if ratio >= _UTF8_DECLARED:
                return utf8
        elif (text := _decode_as(data, label)) is not None:
            return utf8 if ratio >= (_NOTHING_DECLARED if weak else _LEGACY_DECLARED) else text
    return utf8 if ratio >= _NOTHING_DECLARED else _detect(data)


def _utf16_without_bom(data: bytes) -> str | None:
    """``data`` decoded as UTF-16 when it is UTF-16 text without a byte-order mark, else None.
    Its ASCII (markup, spaces, digits; most of Latin text) puts a NUL in every other byte: in the
    high bytes, each character's second in little-endian order, its first in big-endian, and
    hardly ever in the low ones. Binary data of the same pattern (16-bit numbers) decodes to
    control characters and is left to the binary check."""
    sample = data[:65536]
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    enough = max(_UTF16_MIN_NULS, half // 10)  # a few NULs of a short ASCII record are no pattern
    if odd >= enough and even <= half // 100:
        codec = "utf-16-le"
    elif even >= enough and odd <= half // 100:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data[: len(data) - len(data) % 2].decode(codec)  # a file cut short ends in half a character
    except UnicodeDecodeError:
        return None
    head = text[:32768]
    control = sum(1 for c in head if c < " " and c not in "\t\n\r\f")
    if control > max(2, len(head) * _BINARY_SHARE):
        return None
    if len(sample) < _UTF16_SHORT:  # a few NULs in a short ASCII record: its byte pairs read as CJK
        ascii_pairs = sum(1 for c in head if 0x20 <= ord(c) >> 8 <= 0x7E and 0x20 <= ord(c) & 0xFF <= 0x7E)
        if ascii_pairs * 10 > len(head):
            return None
    return text


def _damaged_utf8(data: bytes) -> tuple[str, float]:
    """``data`` as UTF-8 with U+FFFD for its invalid sequences (a stray windows-1252 byte, a cut
    character), and the bytes of valid multi-byte characters per invalid sequence: legacy text
    forms few valid sequences by chance (at most two bytes per invalid one in the team's tests),
    and hardly any of three bytes."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    invalid = replaced - data.count(b"\xef\xbf\xbd")  # U+FFFD that were not in the bytes
    valid_bytes = len(text.encode("utf-8")) - len(text.encode("ascii", errors="ignore")) - 3 * replaced
    return text, valid_bytes / max(invalid, 1)


def _is_utf8(label: str | None) -> bool:
    return isinstance(label, str) and label.strip().lower().replace("_", "-") in ("utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8")


def _web_codec(label: str | None) -> str | None:
    """The codec a browser decodes ``label`` with when it names a legacy web encoding, else None
    (UTF-8, UTF-16 on 8-bit data, and labels no page means: ``undefined``, ``unicode_escape``,
    EBCDIC, anything but a plain ASCII name)."""
    if not isinstance(label, str):
        return None
    label = label.strip().lower()
    if label in _LABELS:
        return _LABELS[label]
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    name = _READ_AS.get(name, name)
    return name if name in _WEB_CODECS else None


def _decode_as(data: bytes, label: str | None) -> str | None:
    """``data`` decoded in the web encoding ``label`` names, or None when it names none or leaves
    more than one character past ASCII in ``_MOSTLY_DECODED`` undecodable (U+FFFD; in a
    multi-byte encoding also private-use characters: Big5 read as GB18030 makes them). One
    character outside the encoding, or a last character cut in two, does not discard the
    declaration."""
    codec = _web_codec(label)
    if codec is None:
        return None
    text = _decode_in(data, codec)
    beyond_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    bad = text.count("\ufffd") + (len(_PRIVATE_USE.findall(text)) if codec in _MULTI_BYTE else 0)
    return text if bad <= max(1, beyond_ascii // _MOSTLY_DECODED) else None


def _detect(data: bytes) -> str:
    """``data`` decoded in the web encoding charset-normalizer finds most plausible for the bytes
    around its non-ASCII runs (given a whole page, it samples a few chunks of ASCII markup and
    finds nothing). Where several read them equally well, windows-1252, the web's usual
    encoding, else a single-byte one (short Cyrillic read as Shift_JIS half-width kana).
    charset-normalizer, not bs4's default chardet: chardet read Arabic windows-1256 as Greek,
    Ukrainian windows-1251 as Mac Cyrillic and Polish windows-1250 as windows-1252."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(_around_non_ascii(data), cp_isolation=list(WEB_ENCODINGS)))
    if not matches:
        return data.decode("windows-1252", errors="replace")
    best = matches[0]
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    if any("cp1252" in m.could_be_from_charset for m in tied):
        return data.decode("windows-1252", errors="replace")
    chosen = next((m for m in tied if m.encoding not in _MULTI_BYTE), best)
    return _decode_in(data, chosen.encoding)


def _decode_in(data: bytes, codec: str) -> str:
    """``data`` in ``codec``, U+FFFD for what it cannot decode. EUC-JP (found as euc_jis_2004,
    whose row 13 holds ①) as browsers decode it: JIS X 0208 and, beyond Python's euc_jp, the
    rows Windows adds (NEC's ①, ㈱, IBM's 髙, 﨑), which euc_jis_2004 reads as other kanji."""
    if codec == "euc_jis_2004":
        return data.decode("euc_jp", errors="declutter-windows-jis")
    return data.decode(codec, errors="replace")


def _windows_jis(error: UnicodeDecodeError) -> tuple[str, int]:
    """An EUC-JP pair Python's euc_jp cannot decode, through Shift_JIS as cp932 (Windows) reads it."""
    data, start = error.object, error.start
    if start + 1 < len(data) and 0xA1 <= data[start] <= 0xFE and 0xA1 <= data[start + 1] <= 0xFE:
        row, cell = data[start] - 0x80, data[start + 1] - 0x80  # JIS X 0208 codes, 0x21-0x7E
        lead = ((row + 1) >> 1) + (0x70 if row <= 0x5E else 0xB0)
        trail = cell + 0x7E if row % 2 == 0 else cell + 0x1F + (cell + 0x1F >= 0x7F)
        with contextlib.suppress(UnicodeDecodeError):
            return bytes((lead, trail)).decode("cp932"), start + 2
    return "\ufffd", error.end


codecs.register_error("declutter-windows-jis", _windows_jis)


def _around_non_ascii(data: bytes) -> bytes:
    """The stretches of ``data`` around its runs of non-ASCII bytes, 40 bytes either side, until
    they pass ``_DETECTION_SAMPLE`` bytes, then cut after a byte no multi-byte character holds;
    all of ``data`` when there is no such byte near the end (dense text: a sample cut inside a
    character made charset-normalizer find no encoding)."""
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
