"""Build the shipped default model in models/default from training_data/ + WCXB's training part.

    python scripts/build_model.py
    python scripts/build_model.py --rescore    # re-measure the model in -o after the evaluation changed

Held out, never trained on: 15 % of the team's documents (split by document id), the documents
in ``training_data/holdout/`` and WCXB's validation domains. Scores on each go into the manifest
and models/MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from declutter.cleaner import Cleaner
from declutter.drop_rule import DropRule
from declutter.dataset import data_files, held_out, read_documents
from declutter.evaluate import evaluate, format_report
from declutter.features import OTHER_SCRIPT_STOPLISTS, STOPLIST_LANGUAGES
from declutter.model_store import DEFAULT_MODEL_HASH_FILE, MANIFEST_FILE, METRICS_FILE, MODEL_FILE, load_model, save_model, sha256_of
from declutter.segment import is_fragment
from declutter.training import data_hash, train

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT_PERCENT = 15
CALIBRATION_PERCENT = 10  # of WCXB training domains: chooses the drop thresholds, not trained on
MAX_RECALL_LOSS = 0.01  # plain text: drop boilerplate only while token recall stays within this
F1_SLACK = 0.01  # HTML: the rule that leaks least among those within this of the best token F1 on article pages ...
ALL_PAGES_F1_SLACK = 0.02  # ... and within this of the best on pages of every type (forums, shops, services)
NAMED_THRESHOLD = 0.75  # see DropRule.named_threshold; 0.5 dropped the last lines of plain articles
KEEP_CHARS = 2000  # longer paragraphs: 75 of the 444,000 labelled ones (team's and WCXB's), two thirds of them story
RULE_GRID = list(dict.fromkeys(  # every threshold alone, and with a lower one for short paragraphs
    DropRule(float(threshold), short_threshold if short_words else float(threshold), short_words, NAMED_THRESHOLD, keep_chars)
    for keep_chars in (KEEP_CHARS, None)  # first: a tie goes to the rule that keeps text run together
    for threshold in np.round(np.arange(0.5, 0.99, 0.05), 2)
    for short_threshold in (0.1, 0.2, 0.3, 0.4, 0.5)
    for short_words in (0, 5, 10, 15, 20, 30)
    if short_threshold <= threshold
))


@dataclass
class PageTruth:
    """What a calibration page should give, as ``benchmark_quality.score`` reads it: WCXB's gold
    ``main_content`` and its ``with`` / ``without`` snippets (text that must / must not appear)."""

    gold: str
    with_snippets: list[str]
    without_snippets: list[str]


def page_truths(wcxb: Path, documents) -> dict[str, PageTruth]:
    """The truth of converted WCXB documents (ids ``wcxb-<file>[-view]``); blank snippets left out."""
    from convert_wcxb import ground_truth, main_content, snippets

    truths = {}
    for d in documents:
        truth = ground_truth(wcxb, d.id.split("-")[1])
        with_, without = ([s for s in snippets(truth, kind) if s.strip()] for kind in ("with", "without"))
        truths[d.id] = PageTruth(main_content(truth), with_, without)
    return truths


def page_scores(model, documents, truths: dict[str, PageTruth], rules=RULE_GRID) -> list[tuple[DropRule | None, list[dict]]]:
    """For every rule, each page's token precision / recall / F1 of the kept text against
    ``main_content`` and its leaked ``without`` snippets, scored as the benchmark scores them;
    first the scores of keeping everything (rule ``None``)."""
    from benchmark_quality import score

    proba = model.predict_proba([d.unlabelled() for d in documents])
    classes = np.asarray(model.classes_)
    boilerplate = [1 - p[:, list(classes).index("article")] for p in proba]
    named = [p[:, (classes != "article") & (classes != "other")].sum(axis=1) for p in proba]
    texts = [[par.text for par in doc.paragraphs] for doc in documents]
    results = []
    for rule in [None, *rules]:
        rows = []
        for doc, b, n, w in zip(documents, boilerplate, named, texts):
            kept = np.ones(len(b), bool) if rule is None else ~rule.drops(b, n, w)
            rows.append(score("\n".join(text for text, k in zip(w, kept) if k), truths[doc.id]))
        results.append((rule, rows))
    return results


def rule_scores(scored: list[tuple[DropRule | None, list[dict]]], pages: list[int] | None = None) -> list[dict]:
    """Per rule of ``page_scores``, its scores over ``pages`` (positions; default all) as the
    benchmark summarises them: mean token scores and the share of snippets leaked."""
    from benchmark_quality import summarise

    return [{"rule": rule, **summarise(rows if pages is None else [rows[i] for i in pages])} for rule, rows in scored]


def choose_drop_rules(model, calibration_text, calibration_html, truths: dict[str, PageTruth]) -> dict[str, DropRule]:
    """The rule per format that leaks least on the calibration article pages while it keeps the
    story: HTML, token F1 within F1_SLACK of the best rule's on article pages and within
    ALL_PAGES_F1_SLACK on all ``calibration_html`` pages (a rule chosen on articles alone dropped
    the short blocks that make up forum and service pages: F1 of all calibration pages 0.878 -> 0.835);
    plain text (mostly article already), token recall within MAX_RECALL_LOSS of keeping
    everything. Ties (a few hundred snippets leave many) go to the higher F1 (HTML) or token
    precision (text: the rule that drops more), and exact ties to the rule that keeps paragraphs
    of ``KEEP_CHARS`` or more (where the calibration pages cannot tell them apart, dropping text
    run together is not worth its risk).

    Plain text gets one threshold whatever the length: the pages here are an extractor's output,
    where long paragraphs are nearly all story, and a length rule chosen on them (drop short lines
    from 0.3, long ones only from 0.85) kept the long appeal paragraphs of the team's held-out
    documents (their token precision 0.973 -> 0.967, recall 0.981 -> 0.970)."""
    scored = page_scores(model, calibration_html, truths)[1:]  # every page once; articles are summarised apart
    articles = [i for i, d in enumerate(calibration_html) if d.extra.get("page_type") == "article"]
    html, all_pages = rule_scores(scored, articles), rule_scores(scored)
    best, best_all = max(r["f1"] for r in html), max(r["f1"] for r in all_pages)
    keeps_story = [
        r for r, everywhere in zip(html, all_pages) if r["f1"] >= best - F1_SLACK and everywhere["f1"] >= best_all - ALL_PAGES_F1_SLACK
    ]
    html_rule = min(keeps_story, key=lambda r: (r["leak"], -r["f1"]))
    text = rule_scores(page_scores(model, calibration_text, truths, [r for r in RULE_GRID if not r.short_words]))
    as_is, text = text[0], text[1:]
    text_rule = min((r for r in text if r["recall"] >= as_is["recall"] - MAX_RECALL_LOSS), key=lambda r: (r["leak"], -r["precision"]), default=None)
    text_rule = text_rule or {"rule": DropRule(0.95, 0.95, 0, NAMED_THRESHOLD)}
    for name, chosen in (("html", html_rule), ("text", text_rule)):
        figures = ", ".join(f"{k} {chosen[k]:.3f}" for k in ("f1", "recall", "leak") if k in chosen)
        print(f"drop rule, {name}: {chosen['rule']} ({figures})", flush=True)
    print(f"text kept as is: recall {as_is['recall']:.3f}, leak {as_is['leak']:.3f}", flush=True)
    return {"html": html_rule["rule"], "text": text_rule["rule"]}


def _category_table(report: dict) -> str:
    rows = ["| category | precision | recall | F1 | support | removed |", "|---|---:|---:|---:|---:|---:|"]
    for label, s in report["per_category"].items():
        if not s["support"]:
            continue  # a category this set has no examples of
        rows.append(f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} | {s['removed']:.3f} |")
    rows.append("")
    rows.append("Removed: the share of the category's paragraphs that the output drops, whatever kind they are called.")
    t = report["tokens"]
    rows.append("")
    decisions = "the drop rules above" if "drop_rules" in report else "argmax decisions"  # older manifests: argmax
    rows.append(f"Token-level scores of the kept text against the gold article text ({decisions}): "
                f"precision {t['precision']:.3f}, recall {t['recall']:.3f}, F1 {t['f1']:.3f} "
                f"over {report['documents']} documents and {report['paragraphs']} paragraphs.")
    return "\n".join(rows)


def _drop_rules_text(manifest: dict) -> str:
    rules = {f: DropRule.from_manifest(manifest, f) for f in ("html", "text")}
    return DropRule.describe_all(rules)


LANGUAGE_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "ru": "Russian", "it": "Italian", "pt": "Portuguese",
    "pl": "Polish", "uk": "Ukrainian", "nl": "Dutch", "tr": "Turkish", "cs": "Czech", "sv": "Swedish", "ro": "Romanian",
    "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "ar": "Arabic", "hi": "Hindi", "id": "Indonesian", "vi": "Vietnamese",
    "el": "Greek", "hu": "Hungarian",
}


def languages_text(languages: dict[str, int]) -> str:
    """"English (1153), German (383), … and Greek (2)": the team's documents per language, most first."""
    named = [f"{LANGUAGE_NAMES.get(code, code or 'unknown')} ({n})" for code, n in sorted(languages.items(), key=lambda item: (-item[1], item[0]))]
    return ", ".join(named[:-1]) + f" and {named[-1]}" if len(named) > 1 else "".join(named)


def write_model_card(path: Path, manifest: dict, languages: dict[str, int]) -> None:
    """models/MODEL_CARD.md from the manifest: data, credit, scores on data not trained on;
    ``languages``: the team's documents (all of ``training_data/``) per language."""
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
        "punctuation, capitals, digits, URLs, stopword ratio from jusText's stoplists of "
        f"{len(STOPLIST_LANGUAGES) + len(OTHER_SCRIPT_STOPLISTS)} languages, sentence shape with the stops of CJK, Devanagari and Arabic,",
        "words counted per character in scripts without spaces,",
        "position, link density, how much long link-free text the parent and grandparent hold, sibling blocks, distance",
        f"to the densest container; each cut into up to {manifest['params'].get('shape_bins', 8)} one-hot bins of equal mass for the first stage, a flag into its two values); then a second stage over each paragraph's shape and its own and its neighbours'",
        "first-stage probabilities (previous, next, windows of 3, document mean, running maximum from the start"
        + (", maximum from here to the end; and the shares of the document's article text before and after it"
           if manifest["params"].get("context_from_end") else "") + ") —",
        "one histogram gradient boosting model per input kind (HTML, plain text) decides article or not, and a",
        "multinomial logistic regression over the same inputs names the kind of boilerplate — trained on out-of-fold",
        "first-stage probabilities with folds split by site.",
        "",
        f"Categories: {', '.join(manifest['categories'])}. Drop rules (`declutter.drop_rule.DropRule`: the probability of",
        "boilerplate needed to drop a paragraph, another one for short paragraphs, the probability of the named kinds",
        f"(all but `other`) that drops one whatever its length, and a length from which none is dropped): {_drop_rules_text(manifest)}. Chosen on the article pages",
        "of a calibration part of WCXB's training domains as the rule that leaks the fewest `without` snippets while",
        "HTML keeps its token F1 within one point of the best rule's (and within two on pages of every type) and",
        "plain text (usually an extractor's output, mostly article already) keeps its token recall within one point of keeping everything; plain text gets one",
        "threshold whatever the length (see `choose_drop_rules` in `scripts/build_model.py`).",
        "",
        "## Training data",
        "",
        f"- `training_data/`: documents written by the declutter team ({views.get('written-text', 0)} text views and "
        f"{views.get('written-html', 0)} labelled HTML pages used for training, {HELD_OUT_PERCENT} % of documents held out by id "
        f"for the scores below). Documents per language in `training_data/` (holdout included): {languages_text(languages)}; "
        "with every boilerplate category and hard negatives. The `core_*` files are composed from pools "
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
    if "wcxb_validation" in metrics:
        sections += ["", "The token scores above average over pages the kept paragraphs against the paragraphs aligned to "
                     "the gold text, on the pages with at least one block; `benchmarks/RESULTS.md` scores the whole clean text "
                     "against WCXB's `main_content` on every page, with its must-contain and must-not-contain snippets "
                     "(`scripts/benchmark_quality.py`), so its figures differ."]
    sections += [
        "",
        "Comparisons with trafilatura, jusText, readability, boilerpipe and resiliparse on the same pages are in",
        "`benchmarks/RESULTS.md`.",
        "",
        "## Limits",
        "",
        "- WCXB pages are mostly English and from 2025; the team-written data covers four more languages with about 330 documents each, and eighteen more with 2 to 55.",
        "  Appeals in those eighteen are often kept as story (the held-out wave-15 documents, see benchmarks/RESULTS.md):",
        "  the words that ask for money are learned per language.",
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


def _value(text: str) -> bool | int | float:
    """A ``--param`` value: ``true`` / ``false`` or a number."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
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
    parser.add_argument("--rescore", action="store_true",
                        help="Do not train: re-measure the model already in --output on the same held-out data "
                             "(its manifest's metrics, metrics.txt and, for the shipped model, the card).")
    args = parser.parse_args()
    if args.rescore and args.param:
        parser.error("--rescore measures the model as built: --param does not apply")
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
    # leaks are counted on article pages (declutter cleans articles); HTML rules must also keep
    # the other page types' text
    calibration = [d for d in wcxb_all if calibrating(d)]
    # every page type (see choose_drop_rules) that cleaning reads as HTML (a fragment is read as text)
    calibration_html = [d for d in calibration if d.source == "html" and not is_fragment(d.paragraphs)]
    calibration_text = [d for d in calibration if d.source == "text" and d.extra.get("page_type") == "article"]
    wcxb_validation = list(read_documents([args.converted / "validation.jsonl.gz"]))
    print(f"team documents: {len(team_train)} train, {len(team_test)} held out; "
          f"WCXB pages: {len(wcxb_train)} train, {len(wcxb_validation)} validation", flush=True)

    if args.rescore:
        model, manifest = load_model(args.output, trust=True)
        if data_hash(team_train + wcxb_train) != manifest["training_data_sha256"]:
            raise SystemExit("the training data changed since this model was built: its held-out split would differ; rebuild it")
        drop_rules = {f: DropRule.from_manifest(manifest, f) for f in ("html", "text")}
    else:
        params = {name: _value(value) for name, value in (p.split("=", 1) for p in args.param)}
        model, facts = train(team_train + wcxb_train, second_stage=args.second_stage, **params)
        print(f"trained in {time.time() - started:.0f} s", flush=True)
        drop_rules = choose_drop_rules(model, calibration_text, calibration_html, page_truths(args.wcxb, calibration))

    written_test = [d for d in team_test if not d.id.startswith("core-")]
    held = {
        "held_out_team_documents": team_test,
        "held_out_written_documents": written_test,
        "holdout_documents": holdout,
        "wcxb_validation": wcxb_validation,
    }
    rules = {k: r.to_dict() for k, r in drop_rules.items()}  # as the manifest stores them
    cleaner = Cleaner(model, manifest={"drop_rules": rules})
    metrics = {name: evaluate(cleaner, docs) for name, docs in held.items() if docs}
    for name, report in metrics.items():
        print(f"\n== {name} ==\n{format_report(report)}", flush=True)
    shipped = args.output.resolve() == (ROOT / "models" / "default").resolve()
    if args.rescore:  # the model file and everything else in its manifest stay as they are
        (args.output / MANIFEST_FILE).write_text(json.dumps({**manifest, "metrics": metrics}, indent=2, ensure_ascii=False) + "\n")
    else:
        save_model(model, args.output, metrics=metrics, drop_rules=rules, **facts)
    if shipped and not args.rescore:  # the package's record of the shipped model
        DEFAULT_MODEL_HASH_FILE.write_text(sha256_of(args.output / MODEL_FILE) + "\n")
    (args.output / METRICS_FILE).write_text(
        "\n\n".join(f"== {name} ==\n{format_report(r)}" for name, r in metrics.items()) + "\n"
    )
    if shipped:
        languages = Counter(d.lang for d in team + holdout)
        write_model_card(args.output.parent / "MODEL_CARD.md", json.loads((args.output / MANIFEST_FILE).read_text()), languages)
    print(f"\nwrote {args.output} in {time.time() - started:.0f} s", flush=True)
    print(json.dumps({k: v["tokens"] for k, v in metrics.items()}))


if __name__ == "__main__":
    main()
