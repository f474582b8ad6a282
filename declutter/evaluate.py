"""Scoring a cleaner on labelled documents: per-category and token-level figures of its output."""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from declutter.categories import ARTICLE
from declutter.cleaner import Cleaner, TaggedDocument
from declutter.dataset import LabelledDocument
from declutter.drop_rule import DropRule
from declutter.segment import read_fragment_as_text

_TOKEN = re.compile(r"\w+")


def token_scores(predicted: str, gold: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the bags of lower-cased word tokens of two texts."""
    p, g = Counter(_TOKEN.findall(predicted.lower())), Counter(_TOKEN.findall(gold.lower()))
    if not p and not g:
        return 1.0, 1.0, 1.0
    overlap = sum((p & g).values())
    precision = overlap / sum(p.values()) if p else 0.0
    recall = overlap / sum(g.values()) if g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(cleaner: Cleaner, documents: Sequence[LabelledDocument]) -> dict:
    """Per-category precision / recall / F1, confusion matrix and token-level scores of what
    ``cleaner`` outputs: its labels and kept paragraphs, each document read and decided as
    ``declutter clean`` would (an HTML fragment as plain text, see ``read_fragment_as_text``)."""
    documents = [doc for doc in documents if doc.paragraphs]
    if not documents:
        raise ValueError("no labelled paragraphs to evaluate on")
    tagged = [TaggedDocument(read_fragment_as_text(doc.unlabelled()), doc.format, "\n") for doc in documents]
    cleaner.decide(tagged)
    gold = [label for doc in documents for label in doc.labels]
    flat = [p.label for doc in tagged for p in doc]
    labels = sorted(set(gold) | set(flat), key=lambda c: (c != ARTICLE, c))
    precision, recall, f1, support = precision_recall_fscore_support(gold, flat, labels=labels, zero_division=0)
    gold_array = np.asarray(gold)
    kept_gold = np.array([g in cleaner.keep for g in gold])
    kept_pred = np.array([p.kept for doc in tagged for p in doc])
    per_category = {
        label: {
            "precision": float(p), "recall": float(r), "f1": float(f), "support": int(s),
            # whatever kind it is called: the share of this category's paragraphs the output drops
            "removed": float((~kept_pred)[gold_array == label].mean()) if s else 0.0,
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support)
    }
    tokens = np.array(
        [
            token_scores(predicted.text, "\n".join(p.text for p in doc.paragraphs if p.label in cleaner.keep))
            for doc, predicted in zip(documents, tagged)
        ]
    ).reshape(-1, 3)
    return {
        "documents": len(documents),
        "paragraphs": len(gold),
        "accuracy": float(np.mean(gold_array == np.asarray(flat))),
        "per_category": per_category,
        "kept": _kept_scores(kept_gold, kept_pred),
        "confusion": {"labels": labels, "matrix": confusion_matrix(gold, flat, labels=labels).tolist()},
        "tokens": dict(zip(("precision", "recall", "f1"), map(float, tokens.mean(axis=0)))),
        "drop_rules": {f: cleaner.drop_rule(f).to_dict() for f in sorted({doc.read_as for doc in tagged})},
    }


def _kept_scores(gold: np.ndarray, predicted: np.ndarray) -> dict:
    """Precision and recall of the kept paragraphs; as :func:`token_scores` counts them, nothing
    kept where nothing should be scores 1.0 both, not 0.0."""
    if not gold.any() and not predicted.any():
        return {"precision": 1.0, "recall": 1.0}
    hits = (gold & predicted).sum()
    return {"precision": float(hits / max(1, predicted.sum())), "recall": float(hits / max(1, gold.sum()))}


def format_report(report: dict) -> str:
    """The evaluation as a readable text table."""
    lines = [
        f"{report['documents']} documents, {report['paragraphs']} paragraphs, accuracy {report['accuracy']:.3f}",
        "",
        f"{'category':<14}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}{'removed':>9}",
    ]
    for label, s in report["per_category"].items():
        lines.append(f"{label:<14}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>10.3f}{s['support']:>9}{s['removed']:>9.3f}")
    kept = report["kept"]
    lines += [
        "removed: share of the category's paragraphs not kept in the output (recall counts only those named right)",
        "",
        f"kept paragraphs: precision {kept['precision']:.3f}, recall {kept['recall']:.3f}",
    ]
    if report.get("drop_rules"):
        rules = DropRule.describe_all({f: DropRule(**rule) for f, rule in report["drop_rules"].items()})
        lines.append(f"dropped from P(boilerplate) {rules}")
    if report["tokens"]:
        t = report["tokens"]
        lines.append(f"tokens of the output vs gold: precision {t['precision']:.3f}, recall {t['recall']:.3f}, F1 {t['f1']:.3f}")
    labels = report["confusion"]["labels"]
    short = [label[:5] for label in labels]
    lines += ["", "confusion (rows: gold, columns: predicted)", " " * 14 + "".join(f"{s:>7}" for s in short)]
    for label, row in zip(labels, report["confusion"]["matrix"]):
        lines.append(f"{label:<14}" + "".join(f"{v:>7}" for v in row))
    return "\n".join(lines)
