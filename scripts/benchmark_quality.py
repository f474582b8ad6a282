"""Accuracy of declutter and its peers on the WCXB validation pages (never trained on).

    python -m pip install -U pip && pip install -e '.[bench]'   # pip 23's resolver trips over the peers' lxml[html-clean]
    python scripts/benchmark_quality.py [--json out.json] [--limit N] [--model DIR]

HTML input: token precision / recall / F1 of each tool's output against ``main_content`` (bag of
lower-cased word tokens, averaged over pages), the share of ``without`` snippets that leak and of
``with`` snippets found, overall and per page type. Plain-text input: trafilatura's own output
(a) as is, (b) cleaned by declutter, (c) cleaned by jusText run on its paragraphs.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

import numpy as np

from declutter import Cleaner
from declutter.evaluate import token_scores
from peers import justext_on_paragraphs, load_peers
from wcxb import pages


def _normal(text: str) -> str:
    return " ".join(text.split())


def score(output: str, page) -> dict:
    p, r, f = token_scores(output, page.gold)
    normal = _normal(output)
    leak = [s for s in page.without_snippets if _normal(s) and _normal(s) in normal]
    found = [s for s in page.with_snippets if _normal(s) in normal]
    return {
        "precision": p, "recall": r, "f1": f,
        "leaked": len(leak), "without": len(page.without_snippets),
        "found": len(found), "with": len(page.with_snippets),
    }


def summarise(rows: list[dict]) -> dict:
    if not rows:
        return {}
    without = sum(r["without"] for r in rows)
    with_ = sum(r["with"] for r in rows)
    return {
        "pages": len(rows),
        "precision": float(np.mean([r["precision"] for r in rows])),
        "recall": float(np.mean([r["recall"] for r in rows])),
        "f1": float(np.mean([r["f1"] for r in rows])),
        "leak": sum(r["leaked"] for r in rows) / without if without else 0.0,
        "found": sum(r["found"] for r in rows) / with_ if with_ else 0.0,
    }


def table(title: str, results: dict[str, dict]) -> str:
    lines = [f"### {title}", "", "| tool | pages | precision | recall | F1 | `without` leaked | `with` found |", "|---|---:|---:|---:|---:|---:|---:|"]
    for tool, s in results.items():
        if s:
            lines.append(f"| {tool} | {s['pages']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['leak']:.1%} | {s['found']:.1%} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="Only the first N validation pages.")
    parser.add_argument("--json", help="Also write the figures to this JSON file.")
    parser.add_argument("--tools", nargs="*", help="Peers to run (default: all installed).")
    parser.add_argument("--model", help="A model directory to score instead of the shipped one.")
    parser.add_argument("--threshold", type=float, default=None, help="Drop at this P(boilerplate) instead of the model's rules (declutter clean --threshold).")
    args = parser.parse_args()

    data = pages()[: args.limit]
    cleaner = Cleaner.load(args.model, trust=bool(args.model), threshold=args.threshold)
    tools = {"declutter": lambda html: cleaner.clean(html, format="html"), **load_peers(args.tools)}
    per_tool: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    outputs: dict[str, list[str]] = {}
    for name, extract in tools.items():
        texts = [extract(page.html) for page in data]
        outputs[name] = texts
        per_tool[name] = [(page.page_type, score(text, page)) for page, text in zip(data, texts)]
        print(f"[bench] {name}: done", flush=True)

    report: dict = {"html": {}, "html_by_type": defaultdict(dict), "text": {}}
    for name, rows in per_tool.items():
        report["html"][name] = summarise([r for _, r in rows])
        for page_type in sorted({t for t, _ in rows}):
            report["html_by_type"][page_type][name] = summarise([r for t, r in rows if t == page_type])

    if "trafilatura" in outputs:
        extracted = outputs["trafilatura"]
        cleaned = [r.text or "" for r in cleaner.stream(extracted, format="text", errors="return")]
        variants = {
            "trafilatura output as is": extracted,
            "trafilatura output cleaned by declutter": cleaned,
            "trafilatura output cleaned by jusText": [justext_on_paragraphs(t) for t in extracted],
        }
        for name, texts in variants.items():
            report["text"][name] = summarise([score(t, p) for t, p in zip(texts, data)])
        articles = [i for i, p in enumerate(data) if p.page_type == "article"]
        report["text_articles"] = {
            name: summarise([score(texts[i], data[i]) for i in articles]) for name, texts in variants.items()
        }
    report["html_articles"] = {name: summarise([r for t, r in rows if t == "article"]) for name, rows in per_tool.items()}

    print()
    print(table("HTML input, all validation pages", report["html"]))
    print()
    print(table("HTML input, article pages", report["html_articles"]))
    for page_type, results in report["html_by_type"].items():
        if page_type == "article":
            continue  # printed above
        print()
        print(table(f"HTML input, {page_type} pages", results))
    if report["text"]:
        print()
        print(table("Plain text: trafilatura's output, all validation pages", report["text"]))
        print()
        print(table("Plain text: trafilatura's output, article pages", report["text_articles"]))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(report, handle, indent=1)


if __name__ == "__main__":
    main()
