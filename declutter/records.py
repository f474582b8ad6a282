"""Readers: files, directories, JSONL and WARC become a stream of records to clean.

Every input record comes out either as a :class:`Record` or as a :class:`Failure` that says why
it could not be read, so nothing is ever lost silently. Readers never hold a corpus in memory.
In a WARC file the records are its ``response`` and ``resource`` records: a page (HTML or text)
is a Record; any other content (image, PDF, script), a response whose HTTP status is not 2xx
(a redirect, an error page), an empty or a damaged one a Failure. A response whose block is the
page itself, without the HTTP headers the standard puts there, is read whole.
``request``, ``metadata``, ``warcinfo`` and ``revisit`` records hold no document and are no records.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import json
import os
import re
import stat
import sys
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Union
from urllib.parse import urlsplit

TEXT_SUFFIXES = (".txt", ".html", ".htm", ".txt.gz", ".html.gz", ".htm.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
# Content-Type of a WARC record → format to read it in; no Content-Type: HTML or text, told by sniffing
PAGE_FORMATS = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text", "": "auto"}
DOCUMENT_RECORDS = ("response", "resource")
_GZIP_MAGIC = b"\x1f\x8b"
_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
UNKNOWN_TYPE = ("not read: unknown file type inside a directory (read: .txt, .html, .htm, .jsonl, .ndjson, .warc, each "
                "optionally .gz); name the file itself to clean it as one document")


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

    def to_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "reason": self.reason, **self.extra}


Item = Union[Record, Failure]


@dataclass(frozen=True)
class JsonlFields:
    """Which JSONL fields hold the id, the document and its URL."""

    id: str = "id"
    text: str | None = "text"
    html: str | None = None
    url: str = "url"


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(TEXT_SUFFIXES):
        return "document"
    return None


def _site_of(url: str | None) -> str | None:
    """The host of ``url`` without "www.", None without one (or for a URL that cannot be parsed)."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # "http://[a.example/": an unclosed IPv6 bracket
        return None
    return host[4:] if host.startswith("www.") else host or None


def format_of_name(name: str) -> str:
    """``html`` for a file named .html or .htm (gzipped or not), else ``auto`` (sniffed)."""
    name = name.lower().removesuffix(".gz")
    return "html" if name.endswith((".html", ".htm")) else "auto"


def read_inputs(paths: list[str], fields: JsonlFields = JsonlFields(), stdin_kind: str = "document", max_bytes: int | None = None) -> Iterator[Item]:
    """Records of every path, in order; ``-`` is stdin; directories are walked recursively. A
    document or WARC payload over ``max_bytes`` fails after reading one byte more, not all of it."""
    for raw in paths:
        if raw == "-":
            if stdin_kind == "jsonl":
                yield from _jsonl_lines(sys.stdin.buffer, "<stdin>", fields, max_bytes)
            elif (content := _read_at_most(sys.stdin.buffer, max_bytes)) is None:
                yield Failure(key="<stdin>", id="<stdin>", source="<stdin>", reason=_too_large(max_bytes))
            else:
                yield Record(key="<stdin>", id="<stdin>", source="<stdin>", content=content)
            continue
        path = Path(raw)
        if path.is_dir():
            for entry in entries_under(path):
                if isinstance(entry, Failure):
                    yield entry
                elif _special_file(entry):  # a FIFO would block the run forever
                    yield Failure(key=str(entry), id=str(entry), source=str(entry), reason="not read: not a regular file (a FIFO, socket or device)")
                elif kind_of(entry):
                    yield from _read_file(entry, fields, root=path, max_bytes=max_bytes)
                else:  # in the error report, not silently left behind
                    yield Failure(key=str(entry), id=str(entry), source=str(entry), reason=UNKNOWN_TYPE)
        elif path.exists():
            yield from _read_file(path, fields, root=None, max_bytes=max_bytes)
        else:
            yield Failure(key=raw, id=raw, source=raw, reason="no such file or directory")


def entries_under(root: Path) -> Iterator[Path | Failure]:
    """Files under ``root`` in a stable order, hidden ones (``.name``) left out. Symlinked
    directories are followed, each real directory once (a symlink loop ends); a directory that
    cannot be listed or is reached again is a Failure, so no part of the tree is left out silently."""
    errors: list[OSError] = []
    try:
        seen = {_identity(root): str(root)}  # the real directory of each path walked: a loop back to one ends
    except OSError as exc:
        yield _directory_failure(str(root), exc)
        return
    for directory, subdirs, files in os.walk(root, onerror=errors.append, followlinks=True):
        yield from _directory_failures(errors)
        kept = []
        for name in sorted(d for d in subdirs if not d.startswith(".")):
            path = str(Path(directory, name))
            try:
                first = seen.setdefault(_identity(path), path)
            except OSError as exc:
                yield _directory_failure(path, exc)
                continue
            if first == path:
                kept.append(name)
            else:
                yield Failure(key=path, id=path, source=path, reason=f"not read again: the directory already read as {first} (a symlink loop or a second link)")
        subdirs[:] = kept
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(directory, name)
    yield from _directory_failures(errors)


def _special_file(path: Path) -> bool:
    """Whether ``path`` (followed if a symlink) exists and is no regular file."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:  # a broken symlink: reading it reports why
        return False


def _identity(path: Path | str) -> tuple[int, int]:
    """What makes a directory the same one whichever symlinks lead to it."""
    info = os.stat(path)
    return info.st_dev, info.st_ino


def _directory_failures(errors: list[OSError]) -> Iterator[Failure]:
    """The directories ``os.walk`` could not list (reported through ``onerror``), once each."""
    while errors:
        error = errors.pop(0)
        yield _directory_failure(str(error.filename), error)


def _directory_failure(path: str, error: OSError) -> Failure:
    return Failure(key=path, id=path, source=path, reason=f"unreadable directory: {error.strerror or error}")


def _read_at_most(handle, max_bytes: int | None) -> bytes | None:
    """All of ``handle``, or None when it holds more than ``max_bytes``: at most one byte more is
    read, so a huge file or a gzip bomb never fills the memory."""
    if max_bytes is None:
        return handle.read()
    chunks, size = [], 0
    while size <= max_bytes and (chunk := handle.read(max_bytes + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
    return None if size > max_bytes else b"".join(chunks)


def _too_large(max_bytes: int | None) -> str:
    """The reason for a document over ``max_bytes``, worded as the cleaner's DocumentTooLarge."""
    return f"DocumentTooLarge: document of more than {max_bytes:,} bytes is over the limit (max_bytes, --max-bytes)"


def _read_file(path: Path, fields: JsonlFields, root: Path | None, max_bytes: int | None = None) -> Iterator[Item]:
    kind = kind_of(path) or "document"
    source = str(path)
    try:
        relative = str(path.relative_to(root)) if root is not None else path.name  # where its output goes (mirrored)
        if kind == "jsonl":
            with open_binary(path) as handle:
                yield from _in_container(_jsonl_lines(handle, source, fields, max_bytes), relative)
        elif kind == "warc":
            yield from _in_container(_warc_records(path, max_bytes), relative)
        else:
            with open_binary(path) as handle:
                content = _read_at_most(handle, max_bytes)
            if content is None:
                yield Failure(key=source, id=source, source=source, reason=_too_large(max_bytes))
                return
            site = str(path.parent.relative_to(root)) if root is not None else str(path.parent)
            yield Record(key=source, id=source, source=source, content=content, format=format_of_name(path.name), site=site, relative=relative)
    except (OSError, EOFError, zlib.error) as exc:
        yield Failure(key=f"{source}#read", id=source, source=source, reason=f"unreadable file: {exc}")


def _in_container(items: Iterator[Item], container: str) -> Iterator[Item]:
    """``items`` of one JSONL or WARC file, each Record told where that file sits."""
    for item in items:
        if isinstance(item, Record):
            item.container = container
        yield item


def open_binary(path: Path):
    """The file opened for reading bytes, gunzipped as it is read when its name ends in .gz."""
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


JSONL_LINE_ALLOWANCE = 8  # a line may be this many times --max-bytes: JSON escapes (\uXXXX) and other fields


def _jsonl_lines(handle, source: str, fields: JsonlFields, max_bytes: int | None = None) -> Iterator[Item]:
    line_number = 0
    limit = None if max_bytes is None else JSONL_LINE_ALLOWANCE * max_bytes
    try:
        for line_number, line in enumerate(_bounded_lines(handle, limit), 1):
            key = f"{source}#{line_number}"
            if line is None:
                yield Failure(key=key, id=key, source=source, reason=f"DocumentTooLarge: line {line_number} is longer than {limit:,} bytes "
                                                                     f"({JSONL_LINE_ALLOWANCE} × --max-bytes); not read")
                continue
            if not line.removeprefix(codecs.BOM_UTF8).strip():  # a blank line, or an empty file saved with a BOM
                continue
            try:
                obj = json.loads(line.decode("utf-8-sig"))  # strict: json.loads(bytes) lets UTF-8-encoded surrogates through
                if not isinstance(obj, dict):
                    raise ValueError("a line must hold a JSON object")
            except UnicodeDecodeError as exc:
                yield Failure(key=key, id=key, source=source, reason=f"line {line_number} is not valid UTF-8: {exc}")
                continue
            except ValueError as exc:
                yield Failure(key=key, id=key, source=source, reason=f"malformed JSON on line {line_number}: {exc}")
                continue
            except RecursionError:
                yield Failure(key=key, id=key, source=source, reason=f"malformed JSON on line {line_number}: nested too deep to read")
                continue
            doc_id = _id_text(obj.get(fields.id), key)
            if _SURROGATE_ESCAPE.search(line) and (bad := _field_with_lone_surrogate(obj)) is not None:  # UTF-8 cannot carry it: the output could not be written
                yield Failure(key=key, id=_printable(doc_id), source=source, reason=f"invalid Unicode: lone surrogate in field {bad!r}")
                continue
            field_name = fields.html or fields.text
            content = obj.get(field_name)
            if not isinstance(content, str):
                yield Failure(key=key, id=doc_id, source=source, reason=_field_problem(obj, field_name, fields))
                continue
            url = obj.get(fields.url) if isinstance(obj.get(fields.url), str) else None
            yield Record(
                key=key, id=doc_id, source=source, content=content,
                format="html" if fields.html else "auto", url=url, site=_site_of(url), fields=obj,
            )
    except (OSError, EOFError, zlib.error) as exc:
        key = f"{source}#{line_number + 1}"
        yield Failure(key=key, id=key, source=source, reason=f"input ends in corrupt data after line {line_number}: {exc}")


def _id_text(value, key: str) -> str:
    """A JSONL record's id as text: a string as it is, a number or other JSON as JSON ("7",
    '{"n": 1}', not Python's "{'n': 1}"); ``key`` (file#line) when it has none."""
    if value is None:
        return key
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _bounded_lines(handle, limit: int | None) -> Iterator[bytes | None]:
    """The lines of ``handle``; None for a line longer than ``limit`` bytes, which is skipped
    without being held in memory (a one-line gzip bomb)."""
    while True:
        line = handle.readline() if limit is None else handle.readline(limit + 1)
        if not line:
            return
        if limit is None or len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while (rest := handle.readline(limit)) and not rest.endswith(b"\n"):
            pass  # the rest of the oversized line, read in bounded pieces and dropped
        yield None


def _field_problem(obj: dict, name: str, fields: JsonlFields) -> str:
    """Why field ``name`` of ``obj`` holds no document."""
    if name not in obj:
        reason = f"field {name!r} missing"
        if not fields.html and isinstance(obj.get("html"), str):
            reason += " (the record has 'html': --html-field html reads it)"
        return reason
    return f"field {name!r} is null" if obj[name] is None else f"field {name!r} is not a string"


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # the only way a surrogate gets into a line's JSON (strict UTF-8 holds none)


def _field_with_lone_surrogate(obj: dict) -> str | None:
    """The first field whose name or value holds a lone surrogate: valid JSON (an escape such as
    \\ud800), but no UTF-8 output can hold it, and every field is written back out."""
    for name, value in obj.items():
        try:
            json.dumps([name, value], ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return name
    return None


def _printable(text: str) -> str:
    """``text`` with lone surrogates escaped (``\\ud800``), so that a failure report can be written."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


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


def _warc_records(path: Path, max_bytes: int | None = None) -> Iterator[Item]:
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
        key = f"{source}@{offset}+"
        where = f"from offset {offset} to {start}" if start is not None else f"from offset {offset} on"
        yield Failure(key=key, id=key, source=source, reason=f"corrupt WARC data: the file could not be read {where}, any records there are lost: {lost[1]}")


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
        gzipped = handle.read(2) == _GZIP_MAGIC
        marker = _GZIP_MAGIC + b"\x08" if gzipped else b"\nWARC/1."
        position, tail = after, b""
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
    :func:`_warc_records`); returns (offset, why) when warcio could read nothing from that offset
    on, else None."""
    from warcio.archiveiterator import ArchiveIterator

    lost = None  # (offset, why) when warcio can read nothing from that offset on
    read_to = start  # where the last record read ends
    with open_file() as handle:
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
                if not record.rec_type and record.format == "warc" and record.rec_headers.protocol:  # cut in its first header lines
                    key = f"{source}@{offset}"
                    yield Failure(key=key, id=key, source=source, reason="WARC record without WARC-Type: cut short or damaged")
                if record.rec_type in DOCUMENT_RECORDS:
                    damage = _damage(record, report) or unreadable or _without_length(record, iterator)
                    if bare and wanted and not report:
                        content, damage = _read_bare_block(open_file, offset, record, max_bytes)
                        damage = damage or _without_length(record, iterator)
                    yield _warc_item(record, content, source, offset, damage, max_bytes)
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
        return _brotli_decoded(record.content_stream().read(), max_bytes)
    stream = record.content_stream()
    content = _read_at_most(stream, max_bytes)
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
    reads it to the end of the file, so it holds every record after it."""
    if record.length is not None or record.format != "warc" or iterator.reader.decompressor is not None:
        return None
    return "WARC record without Content-Length: read to the end of the file, it holds any records after it"


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
        content = _read_at_most(again.content_stream(), max_bytes)
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
        reason = _too_large(max_bytes)
    elif not content:
        reason = f"WARC {record.rec_type} record without payload"
    else:
        return Record(
            key=key, id=doc_id, source=source, content=content, url=url, site=_site_of(url),
            format=PAGE_FORMATS[media_type], fields={"id": doc_id, "url": url}, charset=_charset(record),
        )
    return Failure(key=key, id=doc_id, source=source, reason=reason, extra={"url": url})
