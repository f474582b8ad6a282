"""The retraining loop through the real CLI: tag as labels, train, evaluate, stats."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from declutter import Cleaner
from declutter.cli import main
from declutter.dataset import read_documents
from declutter.evaluate import evaluate
from tests.conftest import FIXTURES
from tests.corpus import SITES, article


def _labelled_documents(n: int) -> list[dict]:
    import random

    rng = random.Random(4)
    docs = []
    for i in range(n):
        intro, appeal, footer = SITES[sorted(SITES)[i % 3]]
        paragraphs = [{"text": t, "label": "article"} for t in article(rng, 4)]
        paragraphs += [{"text": intro, "label": "appeal"}] + [{"text": t, "label": "appeal"} for t in appeal]
        paragraphs += [{"text": "Remind me later.", "label": "ui"}, {"text": footer, "label": "legal"}]
        docs.append({"id": f"t-{i}", "source": "text", "lang": "en", "paragraphs": paragraphs})
    return docs


@pytest.mark.parametrize("option", ["--output-format", "--format"])  # `tag --format labels`, as the retraining docs write it
def test_tag_as_labels_round_trips_into_the_training_format(tmp_path, seed_text, option):
    source = tmp_path / "seed.txt"
    source.write_text(seed_text)
    result = CliRunner().invoke(main, ["tag", str(source), option, "labels"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert [p["text"] for p in record["paragraphs"]] == [l for l in seed_text.split("\n") if l.strip()]
    from declutter.dataset import parse_record

    assert parse_record(record).labels == [p["label"] for p in record["paragraphs"]]


def test_tag_as_labels_keeps_an_html_pages_dom_evidence(tmp_path, seed_page):
    source = tmp_path / "page.html"
    source.write_text(seed_page)
    result = CliRunner().invoke(main, ["tag", str(source), "--format", "labels"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    from declutter.dataset import parse_record
    from declutter.segment import segment_html

    document = parse_record(record)
    blocks = segment_html(seed_page)
    assert record["source"] == "html" and document.format == "html"
    assert [p.text for p in document.paragraphs] == [b.text for b in blocks]
    assert [p.dom for p in document.paragraphs] == [b.dom for b in blocks]  # as the model saw the page
    assert "navigation" in document.labels and "article" in document.labels


def test_tag_refuses_two_different_outputs(tmp_path, seed_text):
    source = tmp_path / "seed.txt"
    source.write_text(seed_text)
    result = CliRunner().invoke(main, ["tag", str(source), "--format", "labels", "--output-format", "json"])
    assert result.exit_code == 2 and "two outputs" in result.output


def test_train_then_evaluate_a_user_model(tmp_path):
    data = tmp_path / "labels.jsonl"
    data.write_text("".join(json.dumps(d) + "\n" for d in _labelled_documents(40)))
    model = tmp_path / "my-model"
    trained = subprocess.run(
        [sys.executable, "-m", "declutter", "train", str(data), "-o", str(model), "--boosting-iterations", "15"],
        capture_output=True, text=True,
    )
    assert trained.returncode == 0, trained.stderr
    assert "appeal" in trained.stdout and "confusion" in trained.stdout
    manifest = json.loads((model / "manifest.json").read_text())
    assert set(manifest["categories"]) == {"article", "appeal", "ui", "legal"}
    assert manifest["metrics"]["validation"]["per_category"]["appeal"]["recall"] > 0.5

    evaluated = subprocess.run(
        [sys.executable, "-m", "declutter", "evaluate", str(data), "--model", str(model), "--trust-model", "--json"],
        capture_output=True, text=True,
    )
    report = json.loads(evaluated.stdout)
    assert report["documents"] == 40
    assert report["per_category"]["article"]["precision"] > 0.5
    assert 0.5 < report["tokens"]["f1"] <= 1.0
    labels, matrix = report["confusion"]["labels"], report["confusion"]["matrix"]
    assert len(matrix) == len(labels)
    for label, row in zip(labels, matrix):  # "removed": the share of the gold row predicted as any kind not kept
        dropped = sum(count for predicted, count in zip(labels, row) if predicted != "article")
        assert report["per_category"][label]["removed"] == dropped / sum(row)


def test_stats_counts_the_team_data():
    result = CliRunner().invoke(main, ["stats", "training_data"])
    assert result.exit_code == 0
    lines = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[1:]}
    assert int(lines["documents"][-1]) > 100
    for language in ("de", "en", "es", "fr", "ru"):
        assert language in result.output.splitlines()[0]


def test_every_command_has_help_with_examples():
    runner = CliRunner()
    for command in ("clean", "tag", "train", "evaluate", "review", "stats"):
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output


def test_evaluate_scores_what_clean_outputs(cleaner):
    """The kept paragraphs evaluate counts are those `Cleaner.tag` keeps on the same text, under
    the model's own rule and under a --threshold; a lower threshold keeps purer text."""
    from declutter import Cleaner
    from declutter.dataset import read_documents
    from declutter.evaluate import evaluate
    from tests.conftest import ROOT

    documents = [d for d in read_documents([ROOT / "training_data" / "holdout"]) if d.format == "text"][:30]
    assert len(documents) == 30
    reports = {}
    for threshold in (None, 0.2):
        judge = cleaner if threshold is None else Cleaner(cleaner.model, manifest=cleaner.manifest, threshold=threshold)
        kept_and_gold = kept = gold = 0
        for doc in documents:
            tagged = judge.tag("\n".join(p.text for p in doc.paragraphs), format="text")
            assert [p.text for p in tagged] == [p.text for p in doc.paragraphs]
            flags = [p.kept for p in tagged]
            kept_and_gold += sum(k and g == "article" for k, g in zip(flags, doc.labels))
            kept += sum(flags)
            gold += doc.labels.count("article")
        report = evaluate(judge, documents)
        assert report["kept"] == {"precision": kept_and_gold / kept, "recall": kept_and_gold / gold}
        reports[threshold] = report
    assert reports[0.2]["kept"]["precision"] > reports[None]["kept"]["precision"]
    assert reports[0.2]["kept"]["recall"] < reports[None]["kept"]["recall"]


def test_evaluate_takes_a_threshold_and_kept_kinds():
    from tests.conftest import ROOT

    data = str(ROOT / "training_data" / "holdout" / "written_mixed5b.jsonl")
    runner = CliRunner()
    default = json.loads(runner.invoke(main, ["evaluate", data, "--json"]).output)
    strict = json.loads(runner.invoke(main, ["evaluate", data, "--json", "--threshold", "0.1"]).output)
    with_meta = json.loads(runner.invoke(main, ["evaluate", data, "--json", "--keep", "meta"]).output)
    assert strict["kept"]["recall"] < default["kept"]["recall"]
    assert with_meta["per_category"]["meta"]["removed"] < default["per_category"]["meta"]["removed"]


def test_tag_reads_gzip_and_names_a_bad_file_in_one_line(tmp_path, seed_page):
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(seed_page.encode()))
    table = CliRunner().invoke(main, ["tag", str(page)])
    assert table.exit_code == 0 and "navigation" in table.output and "article" in table.output
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 20)
    for name, reason in (("junk.bin", "binary data"), ("missing.txt", "unreadable file")):
        done = subprocess.run([sys.executable, "-m", "declutter", "tag", str(tmp_path / name)], capture_output=True, text=True)
        assert done.returncode == 1 and reason in done.stderr and "Traceback" not in done.stderr


def test_train_refuses_a_document_id_used_twice(tmp_path):
    data = tmp_path / "labels.jsonl"
    data.write_text("".join(json.dumps(d) + "\n" for d in _labelled_documents(5)))
    done = CliRunner().invoke(main, ["train", str(data), str(data), "-o", str(tmp_path / "m")])
    assert done.exit_code == 1 and "already used at" in done.output and "t-0" in done.output
    assert not (tmp_path / "m").exists()


def test_train_on_too_few_documents_says_so(tmp_path):
    data = tmp_path / "two.jsonl"
    data.write_text("".join(json.dumps(d) + "\n" for d in _labelled_documents(2)))
    done = CliRunner().invoke(main, ["train", str(data), "-o", str(tmp_path / "m"), "--validation-percent", "0"])
    assert done.exit_code == 1 and "at least 3 documents" in done.output and "Traceback" not in done.output


def test_labels_from_stdin_get_an_id_of_their_own(seed_text, seed_page):
    ids = [json.loads(CliRunner().invoke(main, ["tag", "-", "--format", "labels"], input=text).output)["id"] for text in (seed_text, seed_page, seed_text)]
    assert ids[0] != ids[1] and ids[0] == ids[2] and all(i.startswith("stdin-") for i in ids)


def test_a_small_corpus_names_the_kinds_on_its_html_pages(tmp_path):
    """A kind that a small corpus hardly has leaves a nearly constant first-stage column (spread
    4e-11); the kind namer's scaler blew it up at prediction and named the boilerplate of HTML
    pages at random, at probability 1.00 (accuracy 0.735 on these three pages)."""
    data = FIXTURES / "retrain_it_pl"  # Italian and Polish pages written for this test
    model = tmp_path / "small"
    done = CliRunner().invoke(main, ["train", str(data / "train.jsonl"), "-o", str(model), "--validation-percent", "0"])
    assert done.exit_code == 0, done.output
    report = evaluate(Cleaner.load(model, trust=True), list(read_documents([data / "test_html.jsonl"])))
    assert report["accuracy"] >= 0.95


def test_train_holds_out_whole_sites_and_keeps_progress_off_stdout(tmp_path):
    data = FIXTURES / "retrain_it_pl" / "train.jsonl"  # nine sites: ids "it-site3-0107", ...
    done = subprocess.run(
        [sys.executable, "-m", "declutter", "train", str(data), "-o", str(tmp_path / "m"), "--validation-percent", "30"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "of 9 sites)" in done.stderr and "[declutter]" in done.stderr
    assert "[declutter]" not in done.stdout and "confusion" in done.stdout  # stdout: the validation report alone
    assert "not calibrated" in done.stderr and "dropped from P(boilerplate) html: 0.5, named 0.75" in done.stdout


def test_train_checks_its_output_before_training(tmp_path):
    data = tmp_path / "labels.jsonl"
    data.write_text("".join(json.dumps(d) + "\n" for d in _labelled_documents(5)))
    (tmp_path / "taken").write_text("a file")
    done = CliRunner().invoke(main, ["train", str(data), "-o", str(tmp_path / "taken")])
    assert done.exit_code == 2 and "exists and is not a directory" in done.output and "first stage" not in done.output


def test_train_says_when_validation_left_too_few_documents(tmp_path):
    data = tmp_path / "labels.jsonl"  # of t-0 ... t-2, t-1 is held out at 15 %: two left to train on
    data.write_text("".join(json.dumps(d) + "\n" for d in _labelled_documents(3)))
    done = CliRunner().invoke(main, ["train", str(data), "-o", str(tmp_path / "m")])
    assert done.exit_code == 1 and "--validation-percent 0 trains on all" in done.output


def test_tag_table_has_one_row_per_paragraph_of_hard_wrapped_text(tmp_path):
    first = "The committee met on Monday to discuss the proposed changes to the\nharbour fees, which have not been raised since the last decade."
    second = "Several members asked for more time to study the figures before the\nvote, which is now expected at the end of the month."
    source = tmp_path / "wrapped.txt"
    source.write_text(f"{first}\n\n{second}\n")
    rows = CliRunner().invoke(main, ["tag", str(source)]).output.splitlines()[1:]
    assert len(rows) == 2 and rows[0].split()[0] == "0" and rows[1].split()[0] == "1"


def test_evaluate_names_the_rule_each_document_was_decided_by(cleaner):
    from declutter.dataset import parse_record

    fragment = parse_record({"id": "f-1", "source": "html", "html": "<article><p data-label='article'>The council met on Monday to approve the budget.</p><p data-label='share'>Share this story</p></article>"})
    report = evaluate(cleaner, [fragment])
    assert fragment.format == "html" and list(report["drop_rules"]) == ["text"]  # read as text, decided by the text rule
