"""JSONL input: one JSON object per line; the fields named by :class:`JsonlFields` hold the
document, its id and its URL, and the whole object is kept for the output. Every line is a
Record or a Failure of its own (malformed JSON, invalid UTF-8, a missing field, a line too long)."""

from __future__ import annotations

import codecs
import json
import math
import re
from dataclasses import dataclass
from typing import Iterator

from declutter.readers.compression import DECOMPRESSION_ERRORS
from declutter.readers.record import Failure, Item, Record, site_of


@dataclass(frozen=True)
class JsonlFields:
    """Which JSONL fields hold the id, the document and its URL."""

    id: str = "id"
    text: str | None = "text"
    html: str | None = None
    url: str = "url"


JSONL_LINE_ALLOWANCE = 8  # a line may be this many times --max-bytes: JSON escapes (\uXXXX) and other fields


def read_jsonl(handle, source: str, fields: JsonlFields, max_bytes: int | None = None) -> Iterator[Item]:
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
                # decoded strictly first: json.loads(bytes) lets UTF-8-encoded surrogates through
                obj = json.loads(line.decode("utf-8-sig"), parse_constant=_not_json, parse_float=_finite)
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
                format="html" if fields.html else "auto", url=url, site=site_of(url), fields=obj,
            )
    except DECOMPRESSION_ERRORS as exc:
        key = f"{source}#{line_number + 1}"
        yield Failure(key=key, id=key, source=source, reason=f"input ends in corrupt data after line {line_number}: {exc}")


def _not_json(constant: str):
    """Python's json reads NaN and Infinity, which are no JSON (RFC 8259): the record's fields are
    written back out, and a strict reader (Spark, jq) of that output would fail on them."""
    raise ValueError(f"{constant} is not JSON")


def _finite(text: str) -> float:
    """A JSON number as a float; one too large for a float (1e999) would be written back as Infinity."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number to write back as JSON")
    return value


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
        elif isinstance(obj.get("paragraphs"), list):
            reason += " (the record holds labelled 'paragraphs', the training format: `declutter evaluate` scores such files)"
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
