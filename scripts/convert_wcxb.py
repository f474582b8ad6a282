"""Convert WCXB (../shared/data/wcxb-dev) into declutter's training format, split by domain.

    python scripts/convert_wcxb.py ../shared/data/wcxb-dev -o build/wcxb

writes ``train.jsonl.gz`` and ``validation.jsonl.gz`` (20 % of domains, never trained on by the
shipped model); with ``--extractor-output`` also ``train_extracted.jsonl.gz``, trafilatura's
output of the training pages labelled line by line. The output stays outside git: the data is CC-BY-4.0 benchmark data.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

from declutter.align import align_labels
from declutter.dataset import LabelledDocument, held_out, write_documents
from declutter.paragraph import Paragraph
from declutter.segment.html import segment_html

VALIDATION_PERCENT = 20


def ground_truth(root: Path, file_id: str) -> dict:
    """A page's ground-truth record: ``ground_truth.main_content``, ``with``, ``without`` …"""
    return json.loads((root / "ground-truth" / f"{file_id}.json").read_text())


def main_content(truth: dict) -> str:
    """The gold main text of a ground-truth record ("" when there is none)."""
    return (truth.get("ground_truth") or {}).get("main_content") or ""


def snippets(truth: dict, kind: str) -> list[str]:
    """A ground-truth record's ``with`` or ``without`` snippets (text the output must or must not
    contain), at the top level or under ``ground_truth``."""
    return truth.get(kind) or (truth.get("ground_truth") or {}).get(kind) or []


def wcxb_pages(root: Path):
    """(file id, metadata, ground truth, html) for every page with a main text."""
    metadata = json.loads((root / "metadata.json").read_text())["files"]
    for file_id, meta in sorted(metadata.items()):
        truth = ground_truth(root, file_id)
        if not main_content(truth):
            continue
        html = gzip.open(root / "html" / f"{file_id}.html.gz").read().decode("utf-8", "replace")
        yield file_id, meta, truth, html


def is_validation(domain: str) -> bool:
    return held_out(domain, VALIDATION_PERCENT, salt="wcxb-domain")


def convert_extractor_output(root: Path, out: Path) -> int:
    """trafilatura's output for the training pages, each line labelled by aligning it with the
    gold text: plain text that is mostly article, the shape plain-text users feed declutter."""
    import trafilatura

    from declutter.segment import segment_text

    docs = []
    for file_id, meta, truth, html in wcxb_pages(root):
        if is_validation(meta["domain"]):
            continue
        extracted = trafilatura.extract(html) or ""
        paragraphs, _ = segment_text(extracted)
        if not paragraphs:
            continue
        for p, label in zip(paragraphs, align_labels(paragraphs, truth["ground_truth"]["main_content"])):
            p.label = label
        docs.append(LabelledDocument(
            id=f"wcxb-{file_id}-trafilatura", source="text", lang="en", paragraphs=paragraphs,
            extra={"domain": meta["domain"], "page_type": meta["page_type"], "origin": "extractor-output"},
        ))
    return write_documents(docs, out / "train_extracted.jsonl.gz")


def convert(root: Path, out: Path) -> dict[str, int]:
    parts: dict[str, list[LabelledDocument]] = {"train": [], "validation": []}
    for file_id, meta, truth, html in wcxb_pages(root):
        paragraphs: list[Paragraph] = segment_html(html)
        for p, label in zip(paragraphs, align_labels(paragraphs, truth["ground_truth"]["main_content"])):
            p.label = label
        doc = LabelledDocument(
            id=f"wcxb-{file_id}", source="html", lang="en", paragraphs=paragraphs,
            extra={"domain": meta["domain"], "page_type": meta["page_type"]},
        )
        parts["validation" if is_validation(meta["domain"]) else "train"].append(doc)
    return {name: write_documents(docs, out / f"{name}.jsonl.gz") for name, docs in parts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wcxb", type=Path, help="the wcxb-dev directory")
    parser.add_argument("-o", "--output", type=Path, default=Path("build/wcxb"))
    parser.add_argument("--extractor-output", action="store_true", help="Also label trafilatura's output of the training pages.")
    args = parser.parse_args()
    counts = convert(args.wcxb, args.output)
    if args.extractor_output:
        counts["train_extracted"] = convert_extractor_output(args.wcxb, args.output)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
