"""Build the shipped default model in models/default from training_data/ + WCXB's training part.

    python scripts/build_model.py

Held out, never trained on: 15 % of the team's documents (split by document id), the documents
in ``training_data/holdout/`` and WCXB's validation domains. Scores on each go into the manifest
and models/MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np

from declutter.dataset import data_files, held_out, read_documents
from declutter.evaluate import evaluate, format_report, token_scores
from declutter.model_store import DEFAULT_MODEL_HASH_FILE, MODEL_FILE, save_model, sha256_of
from declutter.training import train

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT_PERCENT = 15
CALIBRATION_PERCENT = 10  # of WCXB training domains: chooses the drop thresholds, not trained on
THRESHOLDS = np.round(np.arange(0.5, 0.99, 0.025), 3)
MAX_RECALL_LOSS = 0.01
NAMED_THRESHOLD = 0.75  # see Cleaner.named_threshold; 0.5 dropped the last lines of plain articles
F1_SLACK = 0.005  # plain text: drop boilerplate only while recall stays within this


def token_curve(model, documents, thresholds=THRESHOLDS, gold_texts: dict[str, str] | None = None) -> list[dict]:
    """Token precision / recall / F1 of the kept text against the gold article paragraphs (or
    ``gold_texts[doc.id]`` where given), for every drop threshold (P(boilerplate) needed to drop
    a paragraph)."""
    proba = model.predict_proba(
        [d.unlabelled() for d in documents]
    )
    classes = np.asarray(model.classes_)
    article = list(classes).index("article")
    named = (classes != "article") & (classes != "other")
    curve = []
    for threshold in [None, *thresholds]:
        scores = []
        for doc, p in zip(documents, proba):
            named_mass = p[:, named].sum(axis=1)
            kept = np.ones(len(doc.paragraphs), bool) if threshold is None else ((1 - p[:, article]) < threshold) & (named_mass < NAMED_THRESHOLD)
            predicted = "\n".join(par.text for par, k in zip(doc.paragraphs, kept) if k)
            gold = (gold_texts or {}).get(doc.id) or "\n".join(par.text for par in doc.paragraphs if par.label == "article")
            scores.append(token_scores(predicted, gold))
        precision, recall, f1 = np.mean(scores, axis=0)
        curve.append({"threshold": threshold, "precision": precision, "recall": recall, "f1": f1})
    return curve


def choose_thresholds(model, calibration_text, calibration_html, gold_texts: dict[str, str]) -> dict:
    """HTML: the lowest threshold whose token F1 is within F1_SLACK of the best (where F1 is
    flat, prefer dropping more: leaked boilerplate costs users more than F1 shows). Text (mostly
    article already): the lowest threshold that keeps token recall of the page's whole gold text
    (``gold_texts``: WCXB's ``main_content``, what users lose) within MAX_RECALL_LOSS of keeping
    everything."""
    html_curve = token_curve(model, calibration_html)[1:]
    best = max(c["f1"] for c in html_curve)
    html = next(c["threshold"] for c in html_curve if c["f1"] >= best - F1_SLACK)
    text_curve = token_curve(model, calibration_text, gold_texts=gold_texts)
    baseline = text_curve[0]["recall"]
    text = next((c["threshold"] for c in text_curve[1:] if c["recall"] >= baseline - MAX_RECALL_LOSS), float(THRESHOLDS[-1]))
    print(f"drop thresholds: html {html}, text {text} (text recall as is {baseline:.3f})", flush=True)
    return {"html": float(html), "text": float(text)}


def main_content_by_id(wcxb: Path, documents) -> dict[str, str]:
    """WCXB's gold ``main_content`` for converted documents (ids ``wcxb-<file>[-view]``)."""
    from convert_wcxb import ground_truth, main_content

    return {d.id: main_content(ground_truth(wcxb, d.id.split("-")[1])) for d in documents}


def _category_table(report: dict) -> str:
    rows = ["| category | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for label, s in report["per_category"].items():
        if not s["support"]:
            continue  # a category this set has no examples of
        rows.append(f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |")
    t = report["tokens"]
    rows.append("")
    rows.append(f"Token-level scores of the kept text against the gold article text (argmax decisions): "
                f"precision {t['precision']:.3f}, recall {t['recall']:.3f}, F1 {t['f1']:.3f} "
                f"over {report['documents']} documents and {report['paragraphs']} paragraphs.")
    return "\n".join(rows)


def write_model_card(path: Path, manifest: dict) -> None:
    """models/MODEL_CARD.md from the manifest: data, credit, scores on data not trained on."""
    views = manifest["training_views"]
    metrics = manifest["metrics"]
    sections = [
        "# declutter default model",
        "",
        f"Built {manifest['created']} by `python scripts/build_model.py` with declutter {manifest['declutter_version']}, "
        f"scikit-learn {manifest['sklearn_version']}, Python {manifest['python_version']}. "
        f"`models/default/model.joblib` sha256 `{manifest['model_sha256']}`; the package records the same hash "
        "(`declutter/default_model.sha256`) and refuses a shipped model that differs.",
        "",
        "## Model",
        "",
        "`declutter.model.ParagraphClassifier`: a logistic-loss SGD classifier (its weights averaged over "
        f"{manifest['params'].get('linear_runs', 1)} runs on differently shuffled data) over hashed word 1-2-grams, hashed",
        "character 3-5-grams of each paragraph's opening (word parts carry across languages and inflections), hashed DOM",
        "tokens (tag, class and id tokens of the block and its ancestors) and language-agnostic shape features (length,",
        "punctuation, capitals, digits, URLs, stopword ratio from jusText's stoplists of 20 languages, sentence shape,",
        "position, link density, how much long link-free text the parent and grandparent hold, sibling blocks, distance",
        f"to the densest container; each cut into up to {manifest['params'].get('shape_bins', 8)} one-hot bins of equal mass for the first stage, a flag into its two values); then a second stage over each paragraph's shape and its own and its neighbours'",
        "first-stage probabilities (previous, next, windows of 3, document mean, running maximum from the start) —",
        "one histogram gradient boosting model per input kind (HTML, plain text) decides article or not, and a",
        "multinomial logistic regression over the same inputs names the kind of boilerplate — trained on out-of-fold",
        "first-stage probabilities with folds split by site.",
        "",
        f"Categories: {', '.join(manifest['categories'])}. Drop thresholds (probability of boilerplate needed to drop a",
        f"paragraph): {manifest['drop_thresholds']}; a paragraph is also dropped when the named kinds (all but `other`) "
        f"together reach {manifest.get('named_threshold', 0.5)}. Thresholds chosen on the article pages of a calibration part of WCXB's training domains "
        "(text: the lowest threshold that keeps token recall within one point of keeping everything, because text that",
        "reaches declutter is usually an extractor's output and mostly article).",
        "",
        "## Training data",
        "",
        f"- `training_data/`: documents written by the declutter team ({views.get('written-text', 0)} text views and "
        f"{views.get('written-html', 0)} labelled HTML pages used for training, {HELD_OUT_PERCENT} % of documents held out by id "
        "for the scores below), in English, German, French, Spanish and Russian (and a few dozen Italian, Portuguese, Polish, "
        "Ukrainian, Dutch, Turkish, Czech, Swedish and Romanian ones, four to six each in Chinese, Japanese, Korean, Arabic, Hindi, "
        "Indonesian and Vietnamese), with every boilerplate category and hard negatives. The `core_*` files are composed from pools "
        "of team-written sentences (`scripts/team_data/`), so their held-out documents share sentences with training "
        "ones; the `written_*` and `html_*` files are written document by document. Scores are given for both and for "
        "the hand-written ones alone. No sentence is copied from anywhere.",
        f"- WCXB: Web Content Extraction Benchmark, Murrough Foley, CC-BY-4.0 — the development split's pages from "
        f"80 % of its domains minus {CALIBRATION_PERCENT} % kept for calibration, each view cut to a random subset "
        f"(150,000 paragraphs of HTML, 50,000 of each text view; {views.get('html', 0)} HTML pages), each block labelled `article` when it aligns with the page's `main_content`, else `other`; the same "
        f"pages as plain text ({views.get('html-as-text', 0)}), as the story with nearby blocks ({views.get('html-extracted', 0)}), "
        f"and trafilatura's output of them labelled line by line ({views.get('extractor-output', 0)}). "
        "The data itself is not in this repository.",
        f"- Training-data sha256: `{manifest['training_data_sha256']}`.",
        "",
        "## Scores on data the model did not train on",
    ]
    names = {
        "held_out_team_documents": "Held-out team-written documents (split by document)",
        "held_out_written_documents": "Held-out hand-written documents only (`written_*`, `html_*`; no composed ones)",
        "holdout_documents": "Hand-written documents never trained on (`training_data/holdout/`, written last)",
        "wcxb_validation": "WCXB validation part (20 % of domains, split by domain; `other` = any boilerplate)",
    }
    for key, title in names.items():
        if key in metrics:
            sections += ["", f"### {title}", "", _category_table(metrics[key])]
    sections += [
        "",
        "Comparisons with trafilatura, jusText, readability, boilerpipe and resiliparse on the same pages are in",
        "`benchmarks/RESULTS.md`.",
        "",
        "## Limits",
        "",
        "- WCXB pages are mostly English and from 2025; the team-written data covers four more languages with about 230 documents each, and sixteen more with 1 to 40.",
        "- WCXB's boilerplate has no category (`other`); per-category figures for appeals, newsletters etc. come from the",
        "  team-written documents only, written by some thirty writers in a few sessions: real sites phrase",
        "  things in ways they do not cover. `declutter review` and `declutter tag --output-format labels` are the way",
        "  to find and fix what it gets wrong on your sites.",
    ]
    path.write_text("\n".join(sections) + "\n")


def conversion_code_hash() -> str:
    """sha256 over the code that turns WCXB pages into labelled blocks: converted pages are
    cached in build/, and a change to segmentation or alignment must convert them again."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "declutter" / "segment").glob("*.py"), ROOT / "declutter" / "align.py", ROOT / "scripts" / "convert_wcxb.py"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _number(text: str) -> int | float:
    return float(text) if any(c in text for c in ".e") else int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--training-data", type=Path, default=ROOT / "training_data")
    parser.add_argument("--wcxb", type=Path, default=ROOT.parent / "shared" / "data" / "wcxb-dev")
    parser.add_argument("--converted", type=Path, default=ROOT / "build" / "wcxb")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--second-stage", choices=["auto", "boosting", "linear"], default="boosting")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="Another ParagraphClassifier parameter, e.g. --param linear_runs=3 (repeatable).")
    args = parser.parse_args()
    started = time.time()

    stamp = args.converted / "converted_by.sha256"
    converter = conversion_code_hash()
    if not (args.converted / "train.jsonl.gz").exists() or not stamp.exists() or stamp.read_text().strip() != converter:
        from convert_wcxb import convert

        print("converting WCXB (none yet, or segmentation or alignment code changed) ...", flush=True)
        convert(args.wcxb, args.converted)
        (args.converted / "train_extracted.jsonl.gz").unlink(missing_ok=True)
        stamp.write_text(converter + "\n")
    extracted = args.converted / "train_extracted.jsonl.gz"
    if not extracted.exists():
        from convert_wcxb import convert_extractor_output

        print("labelling trafilatura's output of the WCXB training pages ...", flush=True)
        convert_extractor_output(args.wcxb, args.converted)
    holdout_dir = args.training_data / "holdout"
    team = list(read_documents([f for f in data_files([args.training_data]) if holdout_dir not in f.parents]))
    holdout = list(read_documents([holdout_dir])) if holdout_dir.is_dir() else []
    team_train = [d for d in team if not held_out(d.id, HELD_OUT_PERCENT)]
    team_test = [d for d in team if held_out(d.id, HELD_OUT_PERCENT)]
    wcxb_all = list(read_documents([args.converted / "train.jsonl.gz", extracted]))
    calibrating = lambda d: held_out(d.extra["domain"], CALIBRATION_PERCENT, salt="calibration")  # noqa: E731
    wcxb_train = [d for d in wcxb_all if not calibrating(d)]
    # thresholds are chosen on news-like pages: declutter cleans articles, and a forum or product
    # page's "main content" is another task
    calibration = [d for d in wcxb_all if calibrating(d) and d.extra.get("page_type") == "article"]
    calibration_html = [d for d in calibration if d.source == "html"]
    calibration_text = [d for d in calibration if d.source == "text"]
    wcxb_validation = list(read_documents([args.converted / "validation.jsonl.gz"]))
    print(f"team documents: {len(team_train)} train, {len(team_test)} held out; "
          f"WCXB pages: {len(wcxb_train)} train, {len(wcxb_validation)} validation", flush=True)

    params = {name: _number(value) for name, value in (p.split("=", 1) for p in args.param)}
    model, facts = train(team_train + wcxb_train, second_stage=args.second_stage, **params)
    print(f"trained in {time.time() - started:.0f} s", flush=True)
    thresholds = choose_thresholds(model, calibration_text, calibration_html, main_content_by_id(args.wcxb, calibration_text))

    written_test = [d for d in team_test if not d.id.startswith("core-")]
    held = {
        "held_out_team_documents": team_test,
        "held_out_written_documents": written_test,
        "holdout_documents": holdout,
        "wcxb_validation": wcxb_validation,
    }
    metrics = {name: evaluate(model, docs) for name, docs in held.items() if docs}
    for name, report in metrics.items():
        print(f"\n== {name} ==\n{format_report(report)}", flush=True)
    save_model(model, args.output, metrics=metrics, drop_thresholds=thresholds, named_threshold=NAMED_THRESHOLD, **facts)
    shipped = args.output.resolve() == (ROOT / "models" / "default").resolve()
    if shipped:  # the package's record of the shipped model, and its card
        DEFAULT_MODEL_HASH_FILE.write_text(sha256_of(args.output / MODEL_FILE) + "\n")
    (args.output / "metrics.txt").write_text(
        "\n\n".join(f"== {name} ==\n{format_report(r)}" for name, r in metrics.items()) + "\n"
    )
    if shipped:
        write_model_card(args.output.parent / "MODEL_CARD.md", json.loads((args.output / "manifest.json").read_text()))
    print(f"\nwrote {args.output} in {time.time() - started:.0f} s", flush=True)
    print(json.dumps({k: v["tokens"] for k, v in metrics.items()}))


if __name__ == "__main__":
    main()
