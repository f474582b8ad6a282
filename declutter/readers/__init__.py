"""Readers: files, directories, JSONL and WARC become a stream of records to clean.

Every input record comes out either as a :class:`Record` or as a :class:`Failure` that says why
it could not be read, so nothing is ever lost silently. Readers never hold a corpus in memory.
One module per input format (``files``: documents and directories, ``jsonl``, ``warc``);
:func:`read_file` picks one by the file's name.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

from declutter.readers.files import (
    ERROR_REPORT_NAME, JSONL_SUFFIXES, TEXT_SUFFIXES, UNKNOWN_TYPE, WARC_SUFFIXES, entries_under, format_of_name, kind_of,
    read_file, special_file,
)
from declutter.readers.jsonl import JsonlFields, read_jsonl
from declutter.readers.record import Failure, Item, Record, read_at_most, too_large

__all__ = [
    "ERROR_REPORT_NAME", "Failure", "Item", "JsonlFields", "Record", "entries_under", "format_of_name", "kind_of", "read_inputs",
    "JSONL_SUFFIXES", "TEXT_SUFFIXES", "WARC_SUFFIXES",
]


def read_inputs(
    paths: list[str], fields: JsonlFields = JsonlFields(), stdin_kind: str = "document", max_bytes: int | None = None,
) -> Iterator[Item]:
    """Records of every path, in order; ``-`` is stdin; directories are walked recursively. A
    document or WARC payload over ``max_bytes`` fails after reading one byte more, not all of it.
    A directory's files are those :func:`entries_under` gives."""
    for raw in paths:
        if raw == "-":
            if stdin_kind == "jsonl":
                yield from read_jsonl(sys.stdin.buffer, "<stdin>", fields, max_bytes)
            elif (content := read_at_most(sys.stdin.buffer, max_bytes)) is None:
                yield Failure(key="<stdin>", id="<stdin>", source="<stdin>", reason=too_large(max_bytes))
            else:
                yield Record(key="<stdin>", id="<stdin>", source="<stdin>", content=content)
            continue
        path = Path(raw)
        if path.is_dir():
            for entry in entries_under(path):
                if isinstance(entry, Failure):
                    yield entry
                elif special_file(entry):  # a FIFO would block the run forever
                    yield Failure(key=str(entry), id=str(entry), source=str(entry), reason="not read: not a regular file (a FIFO, socket or device)")
                elif kind_of(entry):
                    yield from read_file(entry, fields, root=path, max_bytes=max_bytes)
                else:  # in the error report, not silently left behind
                    yield Failure(key=str(entry), id=str(entry), source=str(entry), reason=UNKNOWN_TYPE)
        elif path.exists():
            yield from read_file(path, fields, root=None, max_bytes=max_bytes)
        else:
            yield Failure(key=raw, id=raw, source=raw, reason="no such file or directory")
