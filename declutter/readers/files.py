"""Files and directories: which files are read and how (a document, a JSONL or a WARC file by its
name), walking directories in a stable order with every unreadable part reported."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterator

from declutter.readers.compression import DECOMPRESSION_ERRORS, open_decompressed, without_compression
from declutter.readers.jsonl import JsonlFields, read_jsonl
from declutter.readers.record import Failure, Item, Record, read_at_most, too_large
from declutter.readers.warc import read_warc

TEXT_SUFFIXES = (".txt", ".html", ".htm")  # each also compressed (COMPRESSION_SUFFIXES)
JSONL_SUFFIXES = (".jsonl", ".ndjson")  # each also compressed
WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz")  # WET: Common Crawl's extracted text (CC-MAIN-….warc.wet.gz)
ERROR_REPORT_NAME = "declutter-errors.jsonl"  # a stdout run's error report: in a directory, never read as input
UNKNOWN_TYPE = ("not read: unknown file type inside a directory (read: .txt, .html, .htm, .jsonl, .ndjson, each optionally "
                ".gz, .bz2, .xz or .zst; .warc and .wet, optionally .gz); name the file itself to clean it as one document")


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    name = without_compression(name)
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(TEXT_SUFFIXES):
        return "document"
    return None


def format_of_name(name: str) -> str:
    """``html`` for a file named .html or .htm (compressed or not), else ``auto`` (sniffed)."""
    return "html" if without_compression(name).lower().endswith((".html", ".htm")) else "auto"


def entries_under(root: Path) -> Iterator[Path | Failure]:
    """Files under ``root`` in a stable order, hidden ones (``.name``) and declutter's error
    reports (``declutter-errors.jsonl``: ``cd corpus; declutter clean .`` writes one) left out. Symlinked
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
            if not name.startswith(".") and name != ERROR_REPORT_NAME:
                yield Path(directory, name)
    yield from _directory_failures(errors)


def special_file(path: Path) -> bool:
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


def read_file(path: Path, fields: JsonlFields, root: Path | None, max_bytes: int | None = None) -> Iterator[Item]:
    kind = kind_of(path) or "document"
    source = str(path)
    if kind == "document" and without_compression(path.name.lower()).endswith((".warc", ".wet")):  # .warc.zst, say
        yield Failure(key=source, id=source, source=source,
                      reason="a WARC file is read uncompressed or gzipped (.warc, .warc.gz): decompress it first")
        return
    try:
        relative = str(path.relative_to(root)) if root is not None else path.name  # where its output goes (mirrored)
        if kind == "jsonl":
            with open_decompressed(path) as handle:
                yield from _in_container(read_jsonl(handle, source, fields, max_bytes), relative)
        elif kind == "warc":
            yield from _in_container(read_warc(path, max_bytes), relative)
        else:
            with open_decompressed(path) as handle:
                content = read_at_most(handle, max_bytes)
            if content is None:
                yield Failure(key=source, id=source, source=source, reason=too_large(max_bytes))
                return
            site = str(path.parent.relative_to(root)) if root is not None else str(path.parent)
            yield Record(key=source, id=source, source=source, content=content, format=format_of_name(path.name), site=site, relative=relative)
    except DECOMPRESSION_ERRORS as exc:
        yield Failure(key=f"{source}#read", id=source, source=source, reason=f"unreadable file: {exc}")


def _in_container(items: Iterator[Item], container: str) -> Iterator[Item]:
    """``items`` of one JSONL or WARC file, each Record told where that file sits."""
    for item in items:
        if isinstance(item, Record):
            item.container = container
        yield item


