"""The training format: read labelled documents from JSONL, write them back.

One document per line: ``{"id", "source": "text" | "html", "lang", ...}`` with either
``paragraphs`` (``[{"text", "label"}, ...]``, optionally with a ``dom`` evidence object for
blocks converted from real pages) or ``html`` whose elements carry ``data-label`` attributes.
See ``training_data/README.md``.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import zlib
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Iterable, Iterator

from declutter.categories import check_label
from declutter.paragraph import DomEvidence, Paragraph
from declutter.readers.files import ERROR_REPORT_NAME
from declutter.segment.html import segment_html

LABEL_ATTRIBUTE = "data-label"


@dataclass
class LabelledDocument:
    """A document whose paragraphs carry gold labels in ``Paragraph.label``."""

    id: str
    source: str
    lang: str
    paragraphs: list[Paragraph]
    extra: dict = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.paragraphs]

    @property
    def format(self) -> str:
        """``html`` when its paragraphs come from a page (they carry DOM evidence), else ``text``: a
        ``"source": "html"`` document whose paragraphs carry none is text to the model, and was
        trained twice as text (once as a page's text view)."""
        return "html" if any(p.dom is not None for p in self.paragraphs) else "text"

    def unlabelled(self) -> list[Paragraph]:
        """Copies of the paragraphs without their labels (what the model gets to see)."""
        return [Paragraph(text=p.text, index=p.index, dom=p.dom) for p in self.paragraphs]

    def to_json(self) -> dict:
        paragraphs = []
        for p in self.paragraphs:
            item = {"text": p.text, "label": p.label}
            if p.dom is not None:
                item["dom"] = asdict(p.dom)
            paragraphs.append(item)
        return {"id": self.id, "source": self.source, "lang": self.lang, **self.extra, "paragraphs": paragraphs}


class DataError(ValueError):
    """A training record is malformed; the message names the file and line."""


SOURCES = ("text", "html")
DATA_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
_DOM_FIELDS = frozenset(f.name for f in fields(DomEvidence))
_DOM_REQUIRED = frozenset(f.name for f in fields(DomEvidence) if f.default is MISSING)  # files written before a field was added lack it
_DOM_TYPES = {f.name: {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}[f.type] for f in fields(DomEvidence)}
_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number", type(None): "null"}


def _json_type(value) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _expect(value, kind: type, name: str) -> None:
    """Raise :class:`DataError` unless ``value`` (field ``name``) is of JSON type ``kind``."""
    if not isinstance(value, kind):
        raise DataError(f"field {name!r} must be {_JSON_TYPES[kind]}, not {_json_type(value)}")


def _check_record(record) -> None:
    """Raise :class:`DataError` naming the first field of ``record`` that breaks the training format."""
    if not isinstance(record, dict):
        raise DataError(f"a line must hold a JSON object, not {_json_type(record)}")
    if "id" not in record:
        raise DataError("missing field 'id'")
    if "html" not in record and "paragraphs" not in record:
        raise DataError("missing field 'paragraphs' (or 'html')")
    if "html" in record and "paragraphs" in record:  # one would be ignored without a word
        raise DataError("fields 'paragraphs' and 'html' both given: a document has one or the other")
    if isinstance(record["id"], bool) or not isinstance(record["id"], (str, int)):
        raise DataError(f"field 'id' must be a string, not {_json_type(record['id'])}")
    if record.get("source", "text") not in SOURCES:
        raise DataError(f"field 'source' must be one of {', '.join(map(repr, SOURCES))}, not {record['source']!r}")
    _expect(record.get("lang", ""), str, "lang")
    if "html" in record:
        _expect(record["html"], str, "html")
        return
    _expect(record["paragraphs"], list, "paragraphs")
    for i, item in enumerate(record["paragraphs"]):
        _expect(item, dict, f"paragraphs[{i}]")
        for key in ("text", "label"):
            if key not in item:
                raise DataError(f"missing field 'paragraphs[{i}].{key}'")
            _expect(item[key], str, f"paragraphs[{i}].{key}")
        if item.get("dom") is not None:
            _expect(item["dom"], dict, f"paragraphs[{i}].dom")
            keys = item["dom"].keys()
            if not _DOM_REQUIRED <= keys <= _DOM_FIELDS:
                raise DataError(f"field 'paragraphs[{i}].dom' has wrong keys: missing {sorted(_DOM_REQUIRED - keys)}, unknown {sorted(keys - _DOM_FIELDS)}")
            for key, value in item["dom"].items():
                if not isinstance(value, _DOM_TYPES[key]) or (isinstance(value, bool) and bool not in _DOM_TYPES[key]):
                    raise DataError(f"field 'paragraphs[{i}].dom.{key}' must be {_JSON_TYPES[_DOM_TYPES[key][-1]]}, not {_json_type(value)}")


def parse_record(record: dict) -> LabelledDocument:
    """One JSON object of the training format → a labelled document; a malformed one raises :class:`DataError`."""
    _check_record(record)
    extra = {k: v for k, v in record.items() if k not in {"id", "source", "lang", "paragraphs", "html"}}
    doc_id, source, lang = str(record["id"]), record.get("source", "text"), record.get("lang", "")
    if "html" in record:
        paragraphs = segment_html(record["html"], label_attribute=LABEL_ATTRIBUTE)
        missing = [p.text[:40] for p in paragraphs if p.label is None]
        if missing:
            raise DataError(f"document {doc_id}: blocks without a data-label: {missing[:3]}")
        for p in paragraphs:
            check_label(p.label)
        return LabelledDocument(doc_id, "html", lang, paragraphs, extra)
    paragraphs = []
    for i, item in enumerate(record["paragraphs"]):
        dom = DomEvidence(**item["dom"]) if item.get("dom") else None
        paragraphs.append(Paragraph(text=item["text"], index=i, dom=dom, label=check_label(item["label"])))
    return LabelledDocument(doc_id, source, lang, paragraphs, extra)


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """The numbered lines of one file (gunzipped when its name ends in .gz); a file that cannot be
    read (missing, not gzip, truncated, corrupt) raises :class:`DataError` naming the line reached."""
    line_number = 0
    try:
        with gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb") as handle:
            for line_number, line in enumerate(handle, 1):
                yield line_number, line.removeprefix(codecs.BOM_UTF8) if line_number == 1 else line  # Windows editors' BOM
    except (OSError, EOFError, zlib.error) as exc:  # EOFError: a truncated gzip (click would turn it into a bare "Aborted!")
        raise DataError(f"{path}:{line_number + 1}: unreadable file: {exc}") from exc


def data_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, and the ``.jsonl`` / ``.ndjson`` files (optionally gzipped) in directories, searched recursively."""
    files: dict[Path, Path] = {}  # the same file named twice (or also inside a directory given) is read once
    for path in map(Path, paths):
        found = sorted(
            p for p in path.rglob("*") if p.name.endswith(DATA_SUFFIXES) and p.name != ERROR_REPORT_NAME and p.is_file()
        ) if path.is_dir() else [path]
        for file in found:
            files.setdefault(file.resolve(), file)
    return list(files.values())


def read_documents(paths: Iterable[str | Path]) -> Iterator[LabelledDocument]:
    """Every labelled document in ``paths``; a malformed line, or an id seen before (the split into
    training and validation goes by id, so a repeated document would sit on both sides or count
    twice), raises :class:`DataError`."""
    seen: dict[str, str] = {}
    for path in data_files(paths):
        for line_number, line in _lines(path):
            if not line.strip():
                continue
            try:
                document = parse_record(json.loads(line.decode("utf-8")))
            except UnicodeDecodeError as exc:
                raise DataError(f"{path}:{line_number}: not valid UTF-8: {exc}") from exc
            except json.JSONDecodeError as exc:  # its "line 1 column 9" would count lines inside this one
                raise DataError(f"{path}:{line_number}: not JSON: {exc.msg} at character {exc.pos + 1}") from exc
            except (KeyError, TypeError, ValueError) as exc:
                raise DataError(f"{path}:{line_number}: {exc}") from exc
            if document.id in seen:
                raise DataError(f"{path}:{line_number}: document id {document.id!r} already used at {seen[document.id]}: ids must be unique across all files")
            seen[document.id] = f"{path}:{line_number}"
            yield document


def write_documents(documents: Iterable[LabelledDocument], path: str | Path) -> int:
    """Write documents in the training format; returns how many were written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as handle:
        for doc in documents:
            handle.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
            count += 1
    return count


def held_out(key: str, percent: int, salt: str = "declutter") -> bool:
    """A stable pseudo-random split: True for about ``percent`` % of keys."""
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent
