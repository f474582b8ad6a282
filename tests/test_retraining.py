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
    for name, reason in (("junk.bin", "binary data"), ("missing.txt", "no such file or directory")):
        done = subprocess.run([sys.executable, "-m", "declutter", "tag", str(tmp_path / name)], capture_output=True, text=True)
        assert done.returncode == 1 and reason in done.stderr and "Traceback" not in done.stderr


def test_train_refuses_a_document_id_used_twice_but_reads_a_file_named_twice_once(tmp_path):
    data = tmp_path / "labels.jsonl"
    data.write_text("".join(json.dumps(d) + "\n" for d in _labelled_documents(5)))
    (tmp_path / "copy").mkdir()
    copy = tmp_path / "copy" / "labels.jsonl"
    copy.write_bytes(data.read_bytes())
    done = CliRunner().invoke(main, ["train", str(data), str(copy), "-o", str(tmp_path / "m")])
    assert done.exit_code == 1 and f"document id 't-0' already used at {data}:1" in done.output
    assert not (tmp_path / "m").exists()
    copy.unlink()
    assert len(list(read_documents([data, tmp_path / ".." / tmp_path.name / "labels.jsonl", tmp_path]))) == 5  # one file, named three ways


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


def test_ids_that_are_file_paths_are_sites_of_their_own(tmp_path):
    """`tag --format labels` writes a file's path as its id: "corpus/it-00.txt" … "it-35.txt" were
    all the site "corpus/it", so validation held out one site of all and the folds of the first
    stage put every one of them on one side."""
    from declutter.dataset import LabelledDocument
    from declutter.training import site_of

    ids = ["corpus/it-00.txt", "corpus/it-01.txt", "it-02.txt", "C:\\corpus\\it-03", "stdin-0123456789ab", "stdin-ba9876543210"]
    assert [site_of(LabelledDocument(i, "text", "it", [])) for i in ids] == ids
    assert site_of(LabelledDocument("wen-mix3-014", "text", "en", [])) == "wen-mix3"  # the team's ids: site, running number
    data = tmp_path / "labels.jsonl"
    data.write_text("".join(json.dumps({**d, "id": f"corpus/it-{i:02}.txt"}) + "\n" for i, d in enumerate(_labelled_documents(12))))
    done = CliRunner().invoke(main, ["train", str(data), "-o", str(tmp_path / "m"), "--validation-percent", "30", "--boosting-iterations", "10"])
    assert done.exit_code == 0, done.output
    assert "of 12 sites)" in done.output


def test_a_corpus_without_article_labels_is_refused(tmp_path):
    data = tmp_path / "junk.jsonl"
    docs = [{**d, "paragraphs": [p for p in d["paragraphs"] if p["label"] != "article"]} for d in _labelled_documents(6)]
    data.write_text("".join(json.dumps(d) + "\n" for d in docs))
    done = CliRunner().invoke(main, ["train", str(data), "-o", str(tmp_path / "m"), "--validation-percent", "0"])
    assert done.exit_code == 1 and "no paragraph is labelled 'article'" in done.output
    assert not (tmp_path / "m").exists()


def _page(i: int, labels: list[str]) -> dict:
    blocks = "".join(f"<p data-label='{label}'>{text}</p>" for label, text in zip(labels, [
        f"Menu item {i}", f"The harbour board met on day {i} to approve the new fees for visiting boats.",
        f"Members said the money would pay for dredging and repairs to wall number {i}.", "Share this story", "© 2026 Harbour News",
    ]))
    return {"id": f"page-{i}", "source": "html", "lang": "en", "html": f"<html><body><main>{blocks}</main></body></html>"}


@pytest.mark.parametrize("html_labels", [
    ["navigation", "navigation", "navigation", "share", "legal"],  # an index page: no article block
    ["article"] * 5,  # pages labelled with one kind only
])
def test_html_pages_clean_when_their_training_blocks_hold_no_article_or_one_label(tmp_path, html_labels):
    """Training succeeded, then every HTML page failed to clean ("True is not in list", "shape
    mismatch"): the HTML stage checked the labels of all rows, not of its own."""
    data = tmp_path / "mixed.jsonl"
    records = [json.dumps(d) for d in _labelled_documents(12)] + [json.dumps(_page(i, html_labels)) for i in range(4)]
    data.write_text("\n".join(records) + "\n")
    model = tmp_path / "m"
    done = subprocess.run(
        [sys.executable, "-m", "declutter", "train", str(data), "-o", str(model), "--validation-percent", "0", "--boosting-iterations", "10"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    if len(set(html_labels)) == 1:
        assert "html paragraphs go through the text stage" in done.stderr and "html boosting" not in done.stderr
    page = tmp_path / "page.html"
    page.write_text(_page(9, ["navigation", "article", "article", "share", "legal"])["html"].replace(" data-label", " data-x"))
    tagged = subprocess.run([sys.executable, "-m", "declutter", "tag", str(page), "--model", str(model), "--trust-model"], capture_output=True, text=True)
    assert tagged.returncode == 0, tagged.stderr
    assert len(tagged.stdout.splitlines()) == 6  # header and the five blocks


def test_empty_documents_are_skipped_before_the_split(tmp_path):
    """They were held out for validation and then not scored ("validating on 3", a report of 2
    documents); when all held-out documents were empty, a traceback after the whole training."""
    docs = _labelled_documents(12) + [{"id": f"empty-{i}", "source": "text", "paragraphs": []} for i in range(30)]
    data = tmp_path / "labels.jsonl"
    data.write_text("".join(json.dumps(d) + "\n" for d in docs))
    done = CliRunner().invoke(main, ["train", str(data), "-o", str(tmp_path / "m"), "--boosting-iterations", "10"])
    assert done.exit_code == 0, done.output
    assert "skipping 30 documents without paragraphs" in done.output and "training on 12 documents" not in done.output
    held = int(done.output.split("validating on ")[1].split()[0])
    assert f"{held} documents," in done.output  # the report scores every held-out document


def test_a_model_directory_is_replaced_whole_and_any_other_directory_refused(tmp_path):
    data = tmp_path / "labels.jsonl"
    data.write_text("".join(json.dumps(d) + "\n" for d in _labelled_documents(8)))
    model = tmp_path / "m"
    model.mkdir()
    (model / "metrics.txt").write_text("== an older model's figures ==")
    (model / "model.joblib").write_bytes(b"old")
    train = ["train", str(data), "--validation-percent", "0", "--boosting-iterations", "10", "-o"]
    done = CliRunner().invoke(main, [*train, str(model)])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.jsonl", "m"]  # nothing left beside it
    assert sorted(p.name for p in model.iterdir()) == ["manifest.json", "model.joblib"]  # the stale metrics are gone
    Cleaner.load(model, trust=True)
    refused = CliRunner().invoke(main, [*train, str(tmp_path)])
    assert refused.exit_code == 2 and "holds other files than a model (labels.jsonl, m)" in refused.output


def test_a_model_is_saved_into_a_symlinked_directory_dot_or_one_with_hidden_files(tmp_path, monkeypatch):
    """The shipped model's directory holds git's .keep; an output may be a symlink or '.': the
    directory stays, its model files are replaced."""
    from declutter.model_store import save_model

    model = Cleaner.load().model
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / ".keep").write_text("")
    (tmp_path / "current").symlink_to("v1")
    save_model(model, tmp_path / "current")
    assert (tmp_path / "current").is_symlink()
    assert sorted(p.name for p in (tmp_path / "v1").iterdir()) == [".keep", "manifest.json", "model.joblib"]
    Cleaner.load(tmp_path / "current", trust=True)
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    save_model(model, ".")
    assert sorted(p.name for p in (tmp_path / "here").iterdir()) == ["manifest.json", "model.joblib"]
    (tmp_path / "next").symlink_to(tmp_path / "v2")  # a symlink to a directory not made yet
    save_model(model, tmp_path / "next")
    assert sorted(p.name for p in (tmp_path / "v2").iterdir()) == ["manifest.json", "model.joblib"]


def test_evaluate_scores_nothing_kept_where_nothing_should_be_as_right(cleaner):
    from declutter.dataset import parse_record

    junk = parse_record({"id": "j-1", "paragraphs": [{"text": "Accept all cookies", "label": "cookie"}, {"text": "Subscribe to our newsletter", "label": "newsletter"}]})
    report = evaluate(cleaner, [junk])
    assert all(not p for p in [cleaner.clean("Accept all cookies\nSubscribe to our newsletter")])
    assert report["kept"] == {"precision": 1.0, "recall": 1.0} and report["tokens"]["f1"] == 1.0


def test_the_tag_table_shows_the_probability_the_drop_rule_weighs(tmp_path, seed_text):
    """With --threshold 0.3 a story line with P(article) 0.63 is dropped and named by its likeliest
    boilerplate kind at 0.20: the table must show the 0.37 that was compared with 0.3."""
    source = tmp_path / "seed.txt"
    source.write_text(seed_text)
    rows = CliRunner().invoke(main, ["tag", str(source), "--threshold", "0.3"]).output.splitlines()
    assert rows[0].split()[:5] == ["#", "keep", "label", "prob", "P(bp)"]
    for row in rows[1:]:
        keep, p_boilerplate = row.split()[1], float(row.split()[4])
        assert (keep == "no") == (p_boilerplate >= 0.3)
    document = Cleaner.load(threshold=0.3).tag(seed_text)
    assert all(p.to_dict()["p_boilerplate"] == round(p.boilerplate, 4) for p in document)


def test_tag_reads_each_record_of_a_jsonl_or_warc_file(tmp_path, seed_text):
    """`tag crawl.jsonl` showed the raw JSON lines as one plain-text document labelled article,
    and `tag crawl.warc` its WARC headers: a corpus could not be pre-labelled for correction."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>" + "".join(
        f"<p>{line}</p>" for line in seed_text.splitlines() if line.strip()) + "</body></html>"
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text(
        json.dumps({"id": "a", "url": "https://www.harbourledger.example/a", "html": page}) + "\n{not json\n"
        + json.dumps({"id": "b", "url": "https://other.example/b", "html": page}) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "declutter", "tag", str(crawl), "--html-field", "html", "--format", "labels"],
                          capture_output=True, text=True)
    assert done.returncode == 1 and f"{crawl}#2: malformed JSON on line 2" in done.stderr, done.stderr
    labels = tmp_path / "labels.jsonl"
    labels.write_text(done.stdout, encoding="utf-8")
    documents = list(read_documents([labels]))
    assert [(d.id, d.extra.get("domain")) for d in documents] == [("a", "harbourledger.example"), ("b", "other.example")]
    assert all("Remind me later." in [p.text for p in d.paragraphs] and "{" not in d.paragraphs[0].text for d in documents)

    warc = tmp_path / "crawl.warc.gz"
    with warc.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://harbourledger.example/a", "response", payload=io.BytesIO(page.encode()), http_headers=headers))
    shown = subprocess.run([sys.executable, "-m", "declutter", "tag", str(warc), "--format", "json"], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    [record] = [json.loads(line) for line in shown.stdout.splitlines()]
    assert record["id"].startswith("<urn:uuid:") and "WARC/1" not in record["text"] and "Remind me later." in [p["text"] for p in record["paragraphs"]]


def test_train_says_why_it_prints_no_validation_scores(tmp_path):
    """On a small corpus the draw by site can hold out nothing: it printed "validating on 0" and no scores, without a word why."""
    from declutter.dataset import held_out

    sites = [f"w{n}" for n in range(200) if not held_out(f"w{n}", 15)][:8]
    data = tmp_path / "small.jsonl"
    data.write_text("".join(json.dumps({**doc, "id": f"{site}-1"}) + "\n" for site, doc in zip(sites, _labelled_documents(8))))
    done = subprocess.run([sys.executable, "-m", "declutter", "train", str(data), "-o", str(tmp_path / "model")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "validating on 0 (0 of 8 sites)" in done.stderr
    assert "no validation scores: 15 % of 8 sites held none out; a larger --validation-percent holds some out" in done.stderr


def test_sites_whose_pages_hold_only_article_train(tmp_path):
    """Extractor output is all story: a first-stage fold whose training sites held one label
    stopped training ("The number of classes has to be greater than one")."""
    docs = _labelled_documents(3)
    for site in range(1, 4):
        docs += [{"id": f"site{site}-{i}", "source": "text", "lang": "en",
                  "paragraphs": [{"text": t, "label": "article"} for t in article(__import__("random").Random(site * 10 + i), 3)]}
                 for i in range(3)]
    data = tmp_path / "mostly_story.jsonl"
    data.write_text("".join(json.dumps(d) + "\n" for d in docs))
    done = CliRunner().invoke(main, ["train", str(data), "-o", str(tmp_path / "m"), "--validation-percent", "0", "--boosting-iterations", "10"])
    assert done.exit_code == 0, done.output
    text = Cleaner.load(tmp_path / "m", trust=True).clean("\n\n".join(p["text"] for p in docs[0]["paragraphs"]))
    assert "Remind me later." not in text and docs[0]["paragraphs"][0]["text"] in text


def test_a_corpus_of_one_label_is_refused_with_that_label_named(tmp_path):
    data = tmp_path / "story.jsonl"
    docs = [{**d, "paragraphs": [p for p in d["paragraphs"] if p["label"] == "article"]} for d in _labelled_documents(4)]
    data.write_text("".join(json.dumps(d) + "\n" for d in docs))
    done = CliRunner().invoke(main, ["train", str(data), "-o", str(tmp_path / "m"), "--validation-percent", "0"])
    assert done.exit_code == 1 and "every paragraph is labelled 'article'" in done.output, done.output


def test_ids_of_records_and_urls_name_their_sites(tmp_path):
    """`tag --format labels` writes "my-crawl.jsonl#3" for a record without an id: every file named
    "my-…" was the one site "my"; an id that is a URL was a site of its own per page."""
    from declutter.dataset import LabelledDocument
    from declutter.training import site_of

    ids = ["my-crawl.jsonl#1", "my-notes.jsonl#2", "https://www.ilfaro.example/cronaca/a-1", "HTTPS://ilfaro.example/sport/b-2"]
    assert [site_of(LabelledDocument(i, "text", "it", [])) for i in ids] == ids[:2] + ["ilfaro.example"] * 2


def test_train_never_overwrites_the_shipped_model(tmp_path):
    from declutter.model_store import default_model_dir, sha256_of

    data = tmp_path / "labels.jsonl"
    data.write_text("".join(json.dumps(d) + "\n" for d in _labelled_documents(2)))  # too few to train: should the check go, nothing is written
    before = sha256_of(default_model_dir() / "model.joblib")
    done = CliRunner().invoke(main, ["train", str(data), "-o", str(default_model_dir()), "--validation-percent", "0"])
    assert done.exit_code == 2 and "the shipped default model" in done.output, done.output
    assert sha256_of(default_model_dir() / "model.joblib") == before


def test_training_data_directories_leave_an_error_report_out(tmp_path):
    """A stdout `clean` run writes declutter-errors.jsonl where it runs; `train .` / `evaluate .` /
    `stats .` then stopped on it ("missing field 'paragraphs'")."""
    from declutter.dataset import data_files

    (tmp_path / "labels.jsonl").write_text("".join(json.dumps(d) + "\n" for d in _labelled_documents(4)))
    (tmp_path / "declutter-errors.jsonl").write_text(json.dumps({"id": "x.txt", "error": "too large"}) + "\n")
    assert [p.name for p in data_files([tmp_path])] == ["labels.jsonl"]
    done = CliRunner().invoke(main, ["stats", str(tmp_path)])
    assert done.exit_code == 0, done.output


def test_an_html_source_without_dom_evidence_is_text():
    """Paragraphs of "source": "html" with no `dom` were trained as a page (0 HTML rows) and again as text."""
    from declutter.dataset import parse_record
    from declutter.training import build_training_set

    record = {**_labelled_documents(1)[0], "source": "html"}
    doc = parse_record(record)
    assert doc.format == "text"
    text_only = build_training_set([parse_record(_labelled_documents(1)[0])], limit_groups=False)
    assert len(build_training_set([doc], limit_groups=False).labels) == len(text_only.labels)


def test_train_says_when_validation_holds_out_every_document(tmp_path):
    """It said "training on 0 documents", then "no paragraph is labelled 'article'"."""
    from declutter.dataset import held_out

    data = tmp_path / "three.jsonl"
    docs = [d for d in _labelled_documents(8) if held_out(d["id"], 90)][:3]  # ids the 90 % draw holds out
    data.write_text("".join(json.dumps(d) + "\n" for d in docs))
    done = CliRunner().invoke(main, ["train", str(data), "-o", str(tmp_path / "m"), "--validation-percent", "90"])
    assert done.exit_code == 1 and "all 3 documents are held out for validation" in done.output, done.output


def test_tag_labels_several_files_one_line_each(tmp_path, seed_text, seed_page):
    """`declutter tag pages/*.html --format labels` stopped at "Got unexpected extra arguments"."""
    (tmp_path / "a.txt").write_text(seed_text)
    (tmp_path / "b.html").write_text(seed_page)
    done = CliRunner().invoke(main, ["tag", str(tmp_path / "a.txt"), str(tmp_path / "b.html"), "--format", "labels"])
    assert done.exit_code == 0, done.output
    records = [json.loads(line) for line in done.output.splitlines()]
    assert [(r["id"], r["source"]) for r in records] == [(str(tmp_path / "a.txt"), "text"), (str(tmp_path / "b.html"), "html")]
    assert all(any(p["label"] != "article" for p in r["paragraphs"]) for r in records)
