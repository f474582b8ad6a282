"""The training format: read labelled documents from JSONL, write them back.

One document per line: ``{"id", "source": "text" | "html", "lang", ...}`` with either
``paragraphs`` (``[{"text", "label"}, ...]``, optionally with a ``dom`` evidence object for
blocks converted from real pages) or ``html`` whose elements carry ``data-label`` attributes.
See ``training_data/README.md``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from declutter.categories import check_label
from declutter.paragraph import DomEvidence, Paragraph
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
        """``html`` when its paragraphs come from a page (they carry DOM evidence), else ``text``."""
        return "html" if self.source == "html" or any(p.dom is not None for p in self.paragraphs) else "text"

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


def parse_record(record: dict) -> LabelledDocument:
    """One JSON object of the training format → a labelled document."""
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


def _open(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8")


def data_files(paths: Iterable[str | Path]) -> list[Path]:
    """The ``.jsonl`` / ``.jsonl.gz`` files named, directories searched recursively."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.name.endswith((".jsonl", ".jsonl.gz"))))
        else:
            files.append(path)
    return files


def read_documents(paths: Iterable[str | Path]) -> Iterator[LabelledDocument]:
    """Every labelled document in ``paths``; a malformed line, or an id seen before (the split into
    training and validation goes by id, so a repeated document would sit on both sides or count
    twice), raises :class:`DataError`."""
    seen: dict[str, str] = {}
    for path in data_files(paths):
        with _open(path) as handle:
            for line_number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    document = parse_record(json.loads(line))
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
