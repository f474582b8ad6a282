"""Readers: files, directories, JSONL and WARC become a stream of records to clean.

Every input record comes out either as a :class:`Record` or as a :class:`Failure` that says why
it could not be read, so nothing is ever lost silently. Readers never hold a corpus in memory.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Union
from urllib.parse import urlsplit

TEXT_SUFFIXES = (".txt", ".html", ".htm", ".txt.gz", ".html.gz", ".htm.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
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
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host or None


def _format_of(name: str) -> str:
    name = name.lower().removesuffix(".gz")
    return "html" if name.endswith((".html", ".htm")) else "auto"


def read_inputs(paths: list[str], fields: JsonlFields = JsonlFields(), stdin_kind: str = "document") -> Iterator[Item]:
    """Records of every path, in order; ``-`` is stdin; directories are walked recursively."""
    for raw in paths:
        if raw == "-":
            if stdin_kind == "jsonl":
                yield from _jsonl_lines(sys.stdin.buffer, "<stdin>", fields)
            else:
                yield Record(key="<stdin>", id="<stdin>", source="<stdin>", content=sys.stdin.buffer.read())
            continue
        path = Path(raw)
        if path.is_dir():
            for file in files_under(path):
                if kind_of(file):
                    yield from _read_file(file, fields, root=path)
                else:  # in the error report, not silently left behind
                    yield Failure(key=str(file), id=str(file), source=str(file), reason=UNKNOWN_TYPE)
        elif path.exists():
            yield from _read_file(path, fields, root=None)
        else:
            yield Failure(key=raw, id=raw, source=raw, reason="no such file or directory")


def files_under(root: Path) -> Iterator[Path]:
    """Files under ``root`` in a stable order, hidden ones (``.name``) left out."""
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(directory, name)


def _read_file(path: Path, fields: JsonlFields, root: Path | None) -> Iterator[Item]:
    kind = kind_of(path) or "document"
    source = str(path)
    try:
        if kind == "jsonl":
            with open_binary(path) as handle:
                yield from _jsonl_lines(handle, source, fields)
        elif kind == "warc":
            yield from _warc_records(path)
        else:
            with open_binary(path) as handle:
                content = handle.read()
            relative = str(path.relative_to(root)) if root is not None else path.name
            site = str(path.parent.relative_to(root)) if root is not None else str(path.parent)
            yield Record(key=source, id=source, source=source, content=content, format=_format_of(path.name), site=site, relative=relative)
    except (OSError, EOFError, zlib.error) as exc:
        yield Failure(key=f"{source}#read", id=source, source=source, reason=f"unreadable file: {exc}")


def open_binary(path: Path):
    """The file opened for reading bytes, gunzipped as it is read when its name ends in .gz."""
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def _jsonl_lines(handle, source: str, fields: JsonlFields) -> Iterator[Item]:
    line_number = 0
    try:
        for line_number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            key = f"{source}#{line_number}"
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("a line must hold a JSON object")
            except ValueError as exc:
                yield Failure(key=key, id=key, source=source, reason=f"malformed JSON on line {line_number}: {exc}")
                continue
            doc_id = str(obj.get(fields.id, key))
            field_name = fields.html or fields.text
            content = obj.get(field_name)
            if not isinstance(content, str):
                reason = f"field {field_name!r} missing" if content is None else f"field {field_name!r} is not a string"
                if content is None and not fields.html and isinstance(obj.get("html"), str):
                    reason += " (the record has 'html': --html-field html reads it)"
                yield Failure(key=key, id=doc_id, source=source, reason=reason)
                continue
            url = obj.get(fields.url) if isinstance(obj.get(fields.url), str) else None
            yield Record(
                key=key, id=doc_id, source=source, content=content,
                format="html" if fields.html else "auto", url=url, site=_site_of(url), fields=obj,
            )
    except (OSError, EOFError, zlib.error) as exc:
        key = f"{source}#{line_number + 1}"
        yield Failure(key=key, id=key, source=source, reason=f"input ends in corrupt data after line {line_number}: {exc}")


def _warc_records(path: Path) -> Iterator[Item]:
    """Response records of a WARC file (warcio); records without a payload are failures."""
    from warcio.archiveiterator import ArchiveIterator

    source = str(path)
    offset = 0
    with path.open("rb") as handle:
        iterator = ArchiveIterator(handle)
        try:
            for record in iterator:
                if record.rec_type != "response":
                    offset = iterator.get_record_offset()
                    continue
                content = record.content_stream().read()  # before the offset: asking for it reads the record to its end
                offset = iterator.get_record_offset()
                url = record.rec_headers.get_header("WARC-Target-URI")
                doc_id = record.rec_headers.get_header("WARC-Record-ID") or f"{source}@{offset}"
                key = f"{source}@{offset}"
                if not content:
                    yield Failure(key=key, id=doc_id, source=source, reason="WARC response record without payload", extra={"url": url})
                    continue
                content_type = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
                yield Record(
                    key=key, id=doc_id, source=source, content=content, url=url, site=_site_of(url),
                    format="text" if content_type.startswith("text/plain") else "html",
                    fields={"id": doc_id, "url": url},
                )
        except Exception as exc:  # noqa: BLE001 - warcio raises many kinds of error on corrupt data
            key = f"{source}@{offset}+"
            yield Failure(key=key, id=key, source=source, reason=f"corrupt WARC data after offset {offset}: {type(exc).__name__}: {exc}")
