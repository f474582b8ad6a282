"""WCXB pages for the benchmarks: the validation domains the shipped model never trained on."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from convert_wcxb import ground_truth, is_validation, main_content, snippets

ROOT = Path(__file__).resolve().parent.parent
WCXB = ROOT.parent / "shared" / "data" / "wcxb-dev"


@dataclass
class Page:
    id: str
    domain: str
    page_type: str
    html: str
    gold: str
    with_snippets: list[str]
    without_snippets: list[str]


def pages(root: Path = WCXB, part: str = "validation") -> list[Page]:
    """Pages with a gold main text; ``part`` is validation, train or all."""
    metadata = json.loads((root / "metadata.json").read_text())["files"]
    out = []
    for file_id, meta in sorted(metadata.items()):
        if part != "all" and is_validation(meta["domain"]) != (part == "validation"):
            continue
        truth = ground_truth(root, file_id)
        gold = main_content(truth)
        if not gold:
            continue
        html = gzip.open(root / "html" / f"{file_id}.html.gz").read().decode("utf-8", "replace")
        out.append(Page(file_id, meta["domain"], meta["page_type"], html, gold, snippets(truth, "with"), snippets(truth, "without")))
    return out
