"""WARC input (warcio). The records are a WARC file's ``response`` and ``resource`` records, and the
``conversion`` records of a WET file (Common Crawl's extracted text): a page (HTML or text) is a Record; any other content (image, PDF, script), a response whose HTTP status
is not 2xx (a redirect, an error page), an empty or a damaged one a Failure. A response whose
block is the page itself, without the HTTP headers the standard puts there, is read whole.
``request``, ``metadata``, ``warcinfo`` and ``revisit`` records hold no document and are no records.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import re
import sys
import threading
import zlib
from pathlib import Path
from typing import Iterator

from declutter.readers.record import Failure, Item, Record, read_at_most, site_of, too_large

# Content-Type of a WARC record → format to read it in; no Content-Type: HTML or text, told by sniffing
PAGE_FORMATS = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text", "": "auto"}
DOCUMENT_RECORDS = ("response", "resource", "conversion")
_GZIP_MAGIC = b"\x1f\x8b"
_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


_STDERR_LOCK = threading.Lock()  # sys.stderr is the process's: one thread at a time captures it
_WARCIO_MESSAGE = re.compile(r"Error -?\d+ while decompressing|WARNING: Record not followed|Offset: |Remainder: |.*digest", re.IGNORECASE)


@contextlib.contextmanager
def _warcio_reports() -> Iterator[list[str]]:
    """The lines warcio writes to stderr meanwhile (its only report of corrupt gzip data), filled
    in when the block ends; whatever else is written to stderr meanwhile (another thread's) is
    passed on to it then."""
    reports: list[str] = []
    with _STDERR_LOCK:
        with contextlib.redirect_stderr(io.StringIO()) as captured:
            yield reports
    for line in captured.getvalue().splitlines():
        if _WARCIO_MESSAGE.match(line.strip()):
            reports.append(line.strip())
        elif line.strip():
            print(line, file=sys.stderr)


def read_warc(path: Path, max_bytes: int | None = None) -> Iterator[Item]:
    """Page records of a WARC file (warcio); see the module docstring for which records are read.
    Every record is read to its end and checked: its digests, its length against Content-Length,
    and what warcio reports on stderr (its only report of corrupt gzip data). Where warcio can read
    no further (corrupt data), reading goes on at the next record that starts intact, and the
    bytes skipped are a Failure. A file gzipped as one stream (not one gzip member per record,
    which warcio needs) is read again, gunzipped."""
    source = str(path)
    start: int | None = 0
    yielded = 0
    while start is not None:
        items = _warc_items(lambda: path.open("rb"), source, max_bytes, start)
        last_seen = start  # the last record's offset in this pass: inside a member of several records warcio's
        try:  # offsets are nonsense (negative, say), and a restart must not go back before the records read
            while True:
                item = next(items)
                yielded += 1
                if not item.key.endswith("+"):
                    last_seen = max(last_seen, int(item.key.rsplit("@", 1)[1]))
                yield item
        except StopIteration as end:
            lost = end.value
        except _WholeGzip as whole:
            if start:  # a member of several records after corrupt data: warcio cannot read it from there
                lost, start = (start, f"gzip members hold several records: {whole.__cause__}"), None
            else:
                lost = yield from _gunzipped_whole(path, source, max_bytes, skip=yielded)
                start = None
        if lost is None:
            return
        offset = lost[0] if lost[0] >= last_seen else last_seen + 1
        at_the_end = isinstance(lost[1], _CutTail)  # nothing after it to read on at
        start = _next_record_start(path, offset + 1) if start is not None and not at_the_end else None
        if start is not None and _blank_bytes(path, offset, start):
            continue  # blank bytes between records or members: nothing lost
        if isinstance(lost[1], _WrongLength) and not _holds_record_start(path, offset + 1, start):
            continue  # what was skipped is the damaged record alone, which failed on its own
        key = f"{source}@{offset}+"
        where = f"from offset {offset} to {start}" if start is not None else f"from offset {offset} on"
        yield Failure(key=key, id=key, source=source, reason=f"corrupt WARC data: the file could not be read {where}, any records there are lost: {lost[1]}")


def _blank_bytes(path: Path, start: int, end: int) -> bool:
    """Whether the bytes of the file from ``start`` to ``end`` are whitespace (blank lines between
    records or between gzip members): skipping them loses nothing."""
    if end - start > 4096:
        return False
    with path.open("rb") as handle:
        handle.seek(start)
        return not handle.read(end - start).strip()


def _gunzipped_whole(path: Path, source: str, max_bytes: int | None, skip: int) -> Iterator[Item]:
    """The items of a WARC file gzipped as one stream, read gunzipped, but the first ``skip``
    (read before warcio stopped); returns what :func:`_warc_items` returns. Offsets are those of
    the gunzipped data."""
    items = _warc_items(lambda: _CutShortRaises(gzip.open(path, "rb")), source, max_bytes)
    n = 0
    try:
        while True:
            item = next(items)
            if n >= skip:
                yield item
            n += 1
    except StopIteration as end:
        return end.value
    except (OSError, EOFError, zlib.error) as exc:  # gzip's own errors: a truncated or corrupt stream
        return (-1, f"{type(exc).__name__}: {exc}")


class _CutTail(str):
    """The reason of a loss at the very end of a file: there is nothing after it to read on at."""


class _WrongLength(str):
    """The reason of a loss after a record of a plain file whose Content-Length is missing or wrong."""


_RECORD_HEAD = re.compile(rb"WARC/1\.[01]\r?\nWARC-")  # a record's first two lines, even glued to the text before


def _holds_record_start(path: Path, start: int, end: int | None) -> bool:
    """Whether a record's head (``_RECORD_HEAD``; an article's words "WARC/1.0 format" are none)
    occurs in the file between ``start`` and ``end`` (the end of the file when None)."""
    with path.open("rb") as handle:
        handle.seek(start)
        tail = b""
        while end is None or handle.tell() < end:
            block = handle.read(1 << 20 if end is None else min(1 << 20, end - handle.tell()))
            if not block:
                return False
            if _RECORD_HEAD.search(tail + block):
                return True
            tail = block[-32:]
        return False


def _cut_short_tail(handle, read_to: int) -> tuple[int, str] | None:
    """(offset, why) when a file warcio has read to its end holds more than whitespace after the
    last record (``read_to``): a record cut short inside its WARC headers, which warcio takes for
    the end of the file; None otherwise (empty gzip members, blank lines), and for a stream that
    is no file."""
    if not hasattr(handle, "fileno"):
        return None
    size = os.fstat(handle.fileno()).st_size
    if read_to >= size:
        return None
    handle.seek(read_to)
    tail = handle.read(1 << 16)
    text = _gunzipped_tail(tail) if tail.startswith(_GZIP_MAGIC) else tail
    if text is not None and not text.strip():
        return None
    start = read_to + (len(tail) - len(tail.lstrip()) if text is tail else 0)  # the loss starts after blank lines
    return start, _CutTail(f"the {size - start:,} bytes at the end of the file are no whole record (cut short?)")


def _gunzipped_tail(data: bytes) -> bytes | None:
    """The gzip members of ``data`` gunzipped, None when one of them is cut short or corrupt."""
    out = []
    while data:
        decompressor = zlib.decompressobj(31)
        try:
            out.append(decompressor.decompress(data))
        except zlib.error:
            return None
        if not decompressor.eof:
            return None
        data = decompressor.unused_data
    return b"".join(out)


def _next_record_start(path: Path, after: int) -> int | None:
    """The offset of the first record at or after ``after`` that starts intact: a gzip member that
    opens with "WARC/" in a gzipped file, a "WARC/1." line in a plain one; None when there is none."""
    with path.open("rb") as handle:
        gzipped = handle.read(64).lstrip().startswith(_GZIP_MAGIC)  # blank lines before the first member, say
        marker = _GZIP_MAGIC + b"\x08" if gzipped else b"\nWARC/1."
        position, tail = (after if gzipped else max(0, after - 1)), b""  # a plain marker's line end may sit just before
        while True:
            handle.seek(position)
            block = handle.read(1 << 20)
            if not block:
                return None
            data = tail + block
            base = position - len(tail)
            found = data.find(marker)
            while found != -1:
                candidate = base + found + (0 if gzipped else 1)
                if candidate >= after and _opens_a_record(handle, candidate, gzipped):
                    return candidate
                found = data.find(marker, found + 1)
            tail = data[-16:]
            position += len(block)


def _opens_a_record(handle, offset: int, gzipped: bool) -> bool:
    handle.seek(offset)
    head = handle.read(4096)
    if not gzipped:
        return head.startswith(b"WARC/1.")
    try:
        return zlib.decompressobj(31).decompress(head).startswith(b"WARC/")
    except zlib.error:
        return False


class _CutShortRaises:
    """A gunzipping reader whose cut-short end raises OSError: gzip raises EOFError there, which
    warcio takes for the end of the file, so the records after the cut were lost unreported."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.cut: OSError | None = None

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes; what was gunzipped before the cut comes out before the error."""
        if self.cut:
            raise self.cut
        parts, got = [], 0
        while size < 0 or got < size:
            try:
                chunk = self.raw.read1(1 << 16 if size < 0 else size - got)
            except EOFError as exc:
                self.cut = OSError(f"the gzip stream is cut short ({exc})")
                break
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
        if not parts and self.cut:
            raise self.cut
        return b"".join(parts)

    def tell(self) -> int:
        return self.raw.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.raw.seek(offset, whence)

    def __enter__(self) -> "_CutShortRaises":
        return self

    def __exit__(self, *exc) -> None:
        self.raw.close()


class _WholeGzip(Exception):
    """warcio found a WARC file gzipped as one stream."""


def _warc_items(open_file, source: str, max_bytes: int | None, start: int = 0) -> Iterator[Item]:
    """The items of the WARC data ``open_file()`` gives from offset ``start`` (see
    :func:`read_warc`); returns (offset, why) when warcio could read nothing from that offset
    on, else None."""
    from warcio.archiveiterator import ArchiveIterator

    lost = None  # (offset, why) when warcio can read nothing from that offset on
    read_to = start  # where the last record read ends
    with open_file() as handle:
        handle.seek(start)
        one_stream = handle.read(2) == _GZIP_MAGIC  # a gzip stream from the first byte: maybe one for the whole file
        size = os.fstat(handle.fileno()).st_size if hasattr(handle, "fileno") else None  # a gunzipped stream has none
        handle.seek(start)
        iterator = ArchiveIterator(handle, check_digests=True)
        try:
            while True:
                with _warcio_reports() as reports:
                    record = next(iterator, None)
                    if record is None:
                        lost = lost or _cut_short_tail(handle, read_to)
                        break
                    bare = wanted = False
                    content, unreadable = None, None
                    try:  # what fails here fails this record; the file reads on
                        bare = _bare_page(record)
                        if bare:  # warcio read the page's first lines as HTTP headers: read the block again below
                            record.http_headers = None
                        wanted = record.rec_type in DOCUMENT_RECORDS and _media_type(record) in PAGE_FORMATS
                        if wanted and not bare:
                            content, unreadable = _read_payload(record, max_bytes)
                    except Exception as exc:  # noqa: BLE001 - a decoder's error on this payload (brotli's, say)
                        unreadable = f"unreadable WARC payload: {type(exc).__name__}: {exc}"
                    offset = iterator.get_record_offset()  # reads the record to its end, which completes the digest check
                    read_to = max(read_to, offset + iterator.get_record_length())
                report = "; ".join(dict.fromkeys(reports))
                # a record cut short by corrupt gzip data: warcio reads nothing after it
                lost = (offset, report) if report and _missing_bytes(record) else None
                if not record.rec_type and record.format == "warc" and not record.rec_headers.protocol:
                    # no WARC record at all: blank lines or an empty gzip member (harmless, warcio reads
                    # on), or a stray line between gzip members, which warcio reads to the end of the
                    # file, over the records after it
                    if size is None or read_to < size:
                        continue
                    if _cut_short_tail(handle, offset) is not None:  # more than blank bytes after it
                        if offset == 0 and one_stream:  # a file gzipped as one stream that opens with a blank line
                            raise _WholeGzip from ValueError("no WARC record where the first gzip member starts")
                        lost = (offset, "bytes that are no WARC record (a stray line between two gzip members?)")
                    break
                if not record.rec_type and record.format == "warc":  # cut in its first header lines
                    key = f"{source}@{offset}"
                    yield Failure(key=key, id=key, source=source, reason="WARC record without WARC-Type: cut short or damaged")
                plain = record.format == "warc" and iterator.reader.decompressor is None
                wrong_length = record.length is None or _missing_bytes(record) or "not followed by newline" in report
                if not lost and plain and wrong_length and size is not None:
                    # a Content-Length missing or wrong in a plain file: the record ran on over the records
                    # after it (or stopped inside it); it fails below, and reading goes on where the next starts
                    lost = (offset, _WrongLength("a record whose Content-Length is missing or wrong, so that where it ends is unknown"))
                if record.rec_type in DOCUMENT_RECORDS:
                    damage = _damage(record, report) or unreadable or _without_length(record, iterator)
                    if bare and wanted and not report:
                        content, damage = _read_bare_block(open_file, offset, record, max_bytes)
                        damage = damage or _without_length(record, iterator)
                    yield _warc_item(record, content, source, offset, damage, max_bytes)
                if lost:
                    break
        except _WholeGzip:
            raise
        except Exception as exc:  # noqa: BLE001 - warcio raises many kinds of error on corrupt data
            if "non-chunked gzip file" in str(exc):
                raise _WholeGzip from exc
            lost = (iterator.offset, f"{type(exc).__name__}: {exc}")  # where the record it could not read starts
    return lost


def _read_payload(record, max_bytes: int | None) -> tuple[bytes | None, str | None]:
    """A response's or resource's payload (at most ``max_bytes``: None beyond), and why it cannot
    be trusted, or None: a compressed payload (``Content-Encoding: gzip``) that ends before its
    compressed stream does is cut short."""
    headers = record.http_headers
    chunked = headers.get_header("Transfer-Encoding") if headers is not None else None
    if chunked and chunked != "chunked" and chunked.strip().lower() == "chunked":
        headers.replace_header("Transfer-Encoding", "chunked")  # warcio unchunks only the lower-case value
    encoding = (headers.get_header("Content-Encoding") or "").strip().lower() if headers is not None else ""
    if encoding in ("x-gzip", "x-deflate"):  # old aliases (RFC 9110), unknown to warcio
        headers.replace_header("Content-Encoding", encoding[2:])
    if encoding == "br":  # warcio's brotli reader breaks on brotli 1.2: the payload is decoded here
        headers.remove_header("Content-Encoding")
        compressed = read_at_most(record.content_stream(), max_bytes)  # larger compressed, larger decoded: not held whole
        return _brotli_decoded(compressed, max_bytes) if compressed is not None else (None, None)
    stream = record.content_stream()
    content = read_at_most(stream, max_bytes)
    decompressor = getattr(stream, "decompressor", None)
    if content and getattr(decompressor, "eof", True) is False:  # zlib's: the end was never reached (an empty body has none)
        return content, f"truncated WARC payload: its Content-Encoding {encoding} data ends early"
    return content, None


def _brotli_decoded(data: bytes, max_bytes: int | None) -> tuple[bytes | None, str | None]:
    """``data`` (Content-Encoding: br) decoded, at most ``max_bytes`` of it (None beyond: a
    brotli bomb is not decoded whole), and why it cannot be trusted, or None."""
    import brotli

    if not data:
        return b"", None
    decompressor = brotli.Decompressor()
    content = decompressor.process(data, output_buffer_limit=max_bytes + 1) if max_bytes is not None else decompressor.process(data)
    if max_bytes is not None and len(content) > max_bytes:
        return None, None
    if not decompressor.is_finished():
        return content, "truncated WARC payload: its Content-Encoding br data ends early"
    return content, None


def _without_length(record, iterator) -> str | None:
    """Why a record of an uncompressed WARC file without Content-Length cannot be trusted: warcio
    reads it to the end of the file, over every record after it (in a file, :func:`read_warc`
    reads on from where the next one starts)."""
    if record.length is not None or record.format != "warc" or iterator.reader.decompressor is not None:
        return None
    return "WARC record without Content-Length: where it ends is unknown"


def _bare_page(record) -> bool:
    """Whether a response's block is the page itself, without the HTTP status line and headers
    that the WARC standard puts there: its WARC Content-Type names a page format (or there is
    none), not ``application/http``, and warcio found no HTTP status line (it then takes the
    page's lines up to the first blank one as a status line and headers)."""
    if record.rec_type != "response" or record.http_headers is None:
        return False
    declared = (record.rec_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    return declared in PAGE_FORMATS and not _has_http_status_line(record.http_headers)


def _read_bare_block(open_file, offset: int, record, max_bytes: int | None) -> tuple[bytes | None, str | None]:
    """The whole block of the record at ``offset`` read again as it is (see :func:`_bare_page`),
    and why it cannot be trusted (digests checked on the block as it is), or None."""
    from warcio.archiveiterator import ArchiveIterator

    record_id = record.rec_headers.get_header("WARC-Record-ID")
    with open_file() as handle, _warcio_reports() as reports:
        handle.seek(offset)
        iterator = ArchiveIterator(handle, check_digests=True, no_record_parse=True)
        again = next(iterator, None)
        if again is None or again.rec_headers.get_header("WARC-Record-ID") != record_id:
            return None, "corrupt WARC record: a response without HTTP headers could not be read again at its offset"
        content = read_at_most(again.content_stream(), max_bytes)
        iterator.get_record_offset()  # reads to the end: completes the digest check
    return content, _damage(again, "; ".join(dict.fromkeys(reports)))


def _content_type(record) -> str:
    """The Content-Type of a record's document: from the HTTP headers of a response, from the
    WARC headers of a resource (or a response without HTTP)."""
    headers = record.http_headers if record.http_headers is not None else record.rec_headers
    return headers.get_header("Content-Type") or ""


def _media_type(record) -> str:
    """The record's Content-Type, lower case without parameters."""
    return _content_type(record).split(";")[0].strip().lower()


def _has_http_status_line(headers) -> bool:
    """Whether warcio's parse of a response block found an HTTP status line, not a page's first line."""
    return (headers.protocol or "").upper().startswith("HTTP/")


def _http_status(record) -> str | None:
    """The three-digit HTTP status of a response, None when it has no HTTP block (warcio then reads
    the page's first line as a status line)."""
    headers = record.http_headers
    if headers is None or not _has_http_status_line(headers):
        return None
    status = headers.get_statuscode() or ""
    return status if len(status) == 3 and status.isdigit() else None


def _charset(record) -> str | None:
    """The charset parameter of the record's Content-Type (``text/html; charset=windows-1251``):
    pages that rely on their server's header declare none themselves."""
    match = _CHARSET.search(_content_type(record))
    return match.group(1) if match else None


def _missing_bytes(record) -> int:
    """How many bytes of the record's block (its Content-Length) could not be read."""
    if record.length is None:  # no Content-Length: read to the end of the data
        return 0
    return max(0, record.length - record.raw_stream.tell())


def _damage(record, report: str) -> str | None:
    """Why a record read to its end cannot be trusted, or None when it can."""
    missing = _missing_bytes(record)
    if report:
        return f"corrupt WARC record: {report}" + (f" ({missing:,} of its {record.length:,} bytes unreadable)" if missing else "")
    if missing:
        return f"truncated WARC record: {missing:,} of its {record.length:,} bytes (Content-Length) missing"
    failed = [problem for problem in record.digest_checker.problems if "failed" in problem]
    return f"WARC digest mismatch, the record is damaged: {'; '.join(failed)}" if failed else None


def _warc_item(record, content: bytes | None, source: str, offset: int, damage: str | None, max_bytes: int | None) -> Item:
    """The Record of a WARC response or resource, or the Failure that says why it is none."""
    url = record.rec_headers.get_header("WARC-Target-URI")
    doc_id = record.rec_headers.get_header("WARC-Record-ID") or f"{source}@{offset}"
    key = f"{source}@{offset}"
    media_type = _media_type(record)
    status = _http_status(record)
    if damage:
        reason = damage
    elif status and status[0] in "345":  # a redirect's stub, an error page: not the page asked for
        reason = f"not a page: HTTP status {record.http_headers.statusline[:100]}"
    elif media_type not in PAGE_FORMATS:
        reason = f"not a page: Content-Type {media_type} (read: {', '.join(t for t in PAGE_FORMATS if t)}, or none)"
    elif content is None:
        reason = too_large(max_bytes)
    elif not content:
        reason = f"WARC {record.rec_type} record without payload"
    else:
        return Record(
            key=key, id=doc_id, source=source, content=content, url=url, site=site_of(url),
            format=PAGE_FORMATS[media_type], fields={"id": doc_id, "url": url}, charset=_charset(record),
        )
    return Failure(key=key, id=doc_id, source=source, reason=reason, extra={"url": url})
