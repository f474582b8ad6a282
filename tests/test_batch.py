"""Batch cleaning through the real CLI on real files: no record lost, resumable, parallel."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from declutter.writers import TREE_INDEX_NAME
from tests.corpus import SITES, write_jsonl, write_tree

SUMMARY = re.compile(r"read (\d+), cleaned (\d+), empty after cleaning (\d+), failed (\d+)")


def run(*args, cwd=None, check_rc=None):
    done = subprocess.run([sys.executable, "-m", "declutter", "clean", *map(str, args)], capture_output=True, cwd=cwd)
    if check_rc is not None:
        assert done.returncode == check_rc, done.stderr.decode()
    return done


def summary(done) -> dict:
    read, cleaned, empty, failed = map(int, SUMMARY.search(done.stderr.decode()).groups())
    return {"read": read, "cleaned": cleaned, "empty": empty, "failed": failed}


@pytest.fixture
def messy_tree(tmp_path, seed_text, seed_page):
    root = tmp_path / "in"
    write_tree(root, 12)
    (root / "extra").mkdir()
    (root / "extra" / "seed.txt").write_text(seed_text, encoding="utf-8")
    (root / "extra" / "page.html.gz").write_bytes(gzip.compress(seed_page.encode()))
    (root / "extra" / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (root / "extra" / "empty.txt").write_bytes(b"")
    (root / "extra" / "truncated.html.gz").write_bytes(gzip.compress(seed_page.encode())[:300])
    (root / "extra" / "notes.md").write_text("not an input kind")
    return root


def test_directory_to_mirrored_tree_accounts_for_every_record(tmp_path, messy_tree, seed_expected, cleaner, seed_page):
    out = tmp_path / "out"
    done = run(messy_tree, "-o", out, "-q", check_rc=1)
    counts = summary(done)
    inputs = [p for p in messy_tree.rglob("*") if p.is_file()]
    written = [p for p in out.rglob("*.txt")]
    errors = [json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert counts["read"] == len(inputs) == 18
    assert counts["read"] == len(written) + len(errors) == counts["cleaned"] + counts["empty"] + counts["failed"]
    assert {Path(e["source"]).name for e in errors} == {"binary.txt", "truncated.html.gz", "notes.md"}
    assert "unknown file type" in next(e["reason"] for e in errors if e["source"].endswith("notes.md"))
    assert all(e["reason"] for e in errors)
    assert (out / "extra" / "seed.txt").read_text().rstrip("\n") == seed_expected
    assert (out / "extra" / "page.txt").read_text().rstrip("\n") == cleaner.clean(seed_page)
    assert (out / "extra" / "empty.txt").read_text() == ""
    assert sorted(p.relative_to(out).parent.name for p in written if p.parent.name in SITES) == sorted(
        p.parent.name for p in inputs if p.parent.name in SITES
    )


def test_jsonl_keeps_fields_tags_paragraphs_and_reports_bad_lines(tmp_path, seed_text, seed_expected):
    data = tmp_path / "in.jsonl"
    data.write_text(
        json.dumps({"id": "a", "url": "https://x.example/1", "text": seed_text, "lang": "en"}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "b", "body": "no text field"}) + "\n"
        + json.dumps({"id": "c", "text": 42}) + "\n"
        + "\n"
        + json.dumps({"id": "d", "text": ""}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    done = run(data, "-o", out, "--tags", "-q", check_rc=1)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    errors = [json.loads(line) for line in (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()]
    assert summary(done) == {"read": 5, "cleaned": 1, "empty": 1, "failed": 3}
    assert [r["id"] for r in rows] == ["a", "d"]
    assert rows[0]["lang"] == "en" and rows[0]["url"] == "https://x.example/1"
    assert rows[0]["clean_text"] == seed_expected
    labels = [p["label"] for p in rows[0]["declutter"]["paragraphs"]]
    assert labels[:8] == ["article"] * 8 and "appeal" in labels
    assert [e["id"] for e in errors] == [f"{data}#2", "b", "c"]
    assert "malformed JSON" in errors[0]["reason"] and "missing" in errors[1]["reason"]


def test_html_field_and_stdout(tmp_path, seed_page, cleaner):
    data = tmp_path / "pages.jsonl"
    data.write_text(json.dumps({"doc": "p1", "page": seed_page}) + "\n")
    done = run(data, "--html-field", "page", "--id-field", "doc", "-o", "-", "-q", check_rc=0)
    row = json.loads(done.stdout)
    assert row["doc"] == "p1" and row["clean_text"] == cleaner.clean(seed_page, format="html")


def test_warc_responses(tmp_path, seed_page, cleaner):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, payload in [("https://news.example/a", seed_page.encode()), ("https://news.example/empty", b"")]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers))
        writer.write_record(writer.create_warc_record("https://news.example/a", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    out = tmp_path / "out.jsonl"
    done = run(path, "-o", out, "-q", check_rc=1)
    assert summary(done) == {"read": 2, "cleaned": 1, "empty": 0, "failed": 1}
    row = json.loads(out.read_text())
    assert row["url"] == "https://news.example/a" and row["clean_text"] == cleaner.clean(seed_page, format="html")
    error = json.loads((tmp_path / "out.jsonl.errors.jsonl").read_text())
    assert "without payload" in error["reason"]


def test_parallel_output_equals_serial(tmp_path):
    data = write_jsonl(tmp_path / "c.jsonl", 150)
    run(data, "-o", tmp_path / "one.jsonl", "-q", "-j", "1", check_rc=0)
    run(data, "-o", tmp_path / "two.jsonl", "-q", "-j", "2", check_rc=0)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fail_fast_stops_at_the_first_failure_and_counts_what_it_handled(tmp_path, jobs):
    data = tmp_path / "in.jsonl"
    good = lambda i: json.dumps({"id": i, "text": "A line of text."}) + "\n"  # noqa: E731
    data.write_text("".join(map(good, range(5))) + "{bad\n" + "".join(map(good, range(5, 300))))
    done = run(data, "-o", tmp_path / "o.jsonl", "-q", "--fail-fast", "-j", jobs, check_rc=1)
    counts = summary(done)
    written = (tmp_path / "o.jsonl").read_text().splitlines()
    assert counts["failed"] == 1 and counts["read"] == len(written) + 1 < 300  # read = written + failed
    assert [json.loads(line)["id"] for line in written] == list(range(5))
    assert "stopped at the first failure" in done.stderr.decode()


def _kill_midway(args, part: Path, min_bytes: int, how: int = signal.SIGKILL) -> None:
    process = subprocess.Popen(  # SIGINT as a terminal sends it, even where the test runs in the background (which ignores it)
        [sys.executable, "-m", "declutter", "clean", *map(str, args)], stderr=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        if part.exists() and (part.stat().st_size if part.is_file() else sum(1 for _ in part.rglob("*.txt"))) >= min_bytes:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the run finished before it could be killed; make the corpus larger"
    os.kill(process.pid, how)
    process.wait()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigkill_then_resume_equals_an_uninterrupted_run(tmp_path, jobs):
    data = write_jsonl(tmp_path / "c.jsonl", 3000, seed=7)
    data.write_text(data.read_text() + "{torn record\n")
    reference = tmp_path / "reference.jsonl"
    run(data, "-o", reference, "-q", "-j", jobs, check_rc=1)

    out = tmp_path / "out.jsonl"
    _kill_midway([data, "-o", out, "-q", "-j", jobs], out.with_name("out.jsonl.part"), min_bytes=200_000)
    assert not out.exists()
    done = run(data, "-o", out, "-q", "-j", jobs, "--resume", check_rc=1)
    assert out.read_bytes() == reference.read_bytes()
    assert (tmp_path / "out.jsonl.errors.jsonl").read_bytes() == (tmp_path / "reference.jsonl.errors.jsonl").read_bytes()
    assert re.search(r"skipped \(already done\) \d+", done.stderr.decode())


def test_sigkill_then_resume_tree_output(tmp_path):
    root = write_tree(tmp_path / "in", 1500, seed=3)
    run(root, "-o", tmp_path / "reference", "-q", check_rc=0)
    out = tmp_path / "out"
    _kill_midway([root, "-o", out, "-q"], out, min_bytes=100)
    stale = next(out.rglob("*.txt")).with_name(".page-killed.txt.k1ll3d.tmp")  # what a kill mid-write leaves
    stale.write_text("half a recor")
    run(root, "-o", out, "-q", "--resume", check_rc=0)
    reference = {p.relative_to(tmp_path / "reference"): p.read_bytes() for p in (tmp_path / "reference").rglob("*") if p.is_file() and p.name != TREE_INDEX_NAME}
    resumed = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != TREE_INDEX_NAME}
    assert resumed == reference


def test_resume_into_a_directory_gives_records_that_failed_or_are_new_files_of_their_own(tmp_path):
    """Files were matched to records by the order of their claims: after a page that had failed
    to read (or a new file) claimed page.txt, --resume took page.txt for done (the page never
    cleaned, unreported) and wrote page.txt's story a second time to page.txt.txt."""
    story = "The council voted on Tuesday to extend the harbour wall by forty metres, officials said.\n"
    root = tmp_path / "in"
    root.mkdir()
    (root / "page.html").write_text(f"<html><body><p>From the page: {story}</p></body></html>" + "<!-- padding -->" * 20)
    (root / "page.txt").write_text(f"From the text file: {story}")
    out = tmp_path / "out"
    run(root, "-o", out, "-q", "--max-bytes", "200", check_rc=1)  # the page is too large this time
    assert sorted(p.name for p in out.glob("*.txt")) == ["page.txt"]

    done = run(root, "-o", out, "--resume", check_rc=0)
    (root / "page.htm").write_text(f"<p>From the new page: {story}</p>")
    again = run(root, "-o", out, "--resume", check_rc=0)

    texts = sorted(p.read_text().split(":")[0] for p in out.glob("*.txt"))
    assert texts == ["From the new page", "From the page", "From the text file"]
    assert "read 1, cleaned 1" in done.stderr.decode() and "skipped (already done) 1" in done.stderr.decode()
    assert "read 1, cleaned 1" in again.stderr.decode() and "skipped (already done) 2" in again.stderr.decode()
    spelt_otherwise = run("in", "-o", "out", "--resume", cwd=tmp_path, check_rc=0)  # the index must not key on the path as typed
    assert "read 0" in spelt_otherwise.stderr.decode() and "skipped (already done) 3" in spelt_otherwise.stderr.decode()
    assert len(list(out.glob("*.txt"))) == 3


def test_resume_tells_apart_two_input_directories_holding_the_same_names(tmp_path):
    """Records were named by their path inside their input: a/one.html, which failed, took
    b/one.html's file for done on --resume, and its story was never written."""
    story = "The council voted on Tuesday to extend the harbour wall by forty metres, officials said."
    for root, padding in (("a", 100), ("b", 0)):
        (tmp_path / root).mkdir()
        (tmp_path / root / "one.html").write_text(f"<html><body><p>Story {root}: {story}</p></body></html>" + "<!-- padding -->" * padding)
    out = tmp_path / "out"
    run(tmp_path / "a", tmp_path / "b", "-o", out, "-q", "--max-bytes", "1000", check_rc=1)
    done = run(tmp_path / "a", tmp_path / "b", "-o", out, "--resume", check_rc=0)
    assert "read 1, cleaned 1" in done.stderr.decode() and "skipped (already done) 1" in done.stderr.decode()
    assert sorted(p.read_text().split(":")[0] for p in out.glob("*.txt")) == ["Story a", "Story b"]

    (tmp_path / "b").rename(tmp_path / "moved")  # an input directory moved between runs: its files are done
    done = run(tmp_path / "a", tmp_path / "moved", "-o", out, "--resume", check_rc=0)
    assert "read 0" in done.stderr.decode() and len(list(out.glob("*.txt"))) == 2

    (tmp_path / "a" / "link.html").symlink_to("one.html")  # a second name of a file: a record of its own
    done = run(tmp_path / "a", "-o", out, "--resume", check_rc=0)
    assert "read 1, cleaned 1" in done.stderr.decode() and (out / "link.txt").read_text().startswith("Story a")


def test_site_repetition_drops_what_repeats_across_a_site_but_not_a_shared_quote(tmp_path):
    quote = "“We will rebuild the pier before summer,” the mayor said at the harbour meeting on Tuesday evening."
    footer = "Harbour Ledger, 12 Quay Street. Sign up for our morning briefing and read us on the app."
    records = []
    towns = ["Northwick", "Eastmere", "Saltby", "Crowhaven", "Linmouth", "Pellerton"]
    for i, town in enumerate(towns):
        body = [f"The ferry timetable for {town} changes next week, the harbour office in {town} said on Monday.",
                f"Councillors in {town} argued about the cost of dredging the channel before approving the plan."]
        if i < 2:
            body.append(quote)
        records.append({"id": f"p{i}", "url": f"https://harbourledger.example/{i}", "text": "\n".join(body + [footer])})
    data = tmp_path / "site.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in records))

    plain = [json.loads(l) for l in run(data, "-o", "-", "-q", "--tags", check_rc=0).stdout.decode().splitlines()]
    dedup = [json.loads(l) for l in run(data, "-o", "-", "-q", "--site-repeats", "3", "--tags", check_rc=0).stdout.decode().splitlines()]
    assert all(footer not in r["clean_text"] for r in dedup)
    for before, after in zip(plain, dedup):
        kept_before = [p["text"] for p in before["declutter"]["paragraphs"] if p["kept"]]
        kept_after = [p["text"] for p in after["declutter"]["paragraphs"] if p["kept"]]
        assert kept_after == [t for t in kept_before if t != footer]  # only the site's repeated line goes
        dropped = [p for p in after["declutter"]["paragraphs"] if p["text"] == footer][0]
        assert not dropped["kept"]
        if footer in kept_before:
            assert dropped["reason"] == "repeated on 3+ pages of harbourledger.example"
    quoted = [p for r in dedup[:2] for p in r["declutter"]["paragraphs"] if p["text"] == quote]
    assert len(quoted) == 2 and "reason" not in quoted[0] and "reason" not in quoted[1]  # a quote on two pages stays


def test_site_repetition_counts_a_page_captured_three_times_once(tmp_path):
    """A crawl holds repeat captures of one URL (and copies without one): each was counted as a
    page of its own, so a story captured three times lost every line at --site-repeats 3."""
    story = ["The ferry timetable for Saltby changes next week, the harbour office said on Monday.",
             "Councillors argued about the cost of dredging the channel before approving the plan."]
    records = [{"id": f"c{i}", "url": "https://harbourledger.example/ferry", "text": "\n".join(story)} for i in range(3)]
    data = tmp_path / "captures.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in records))
    copies = tmp_path / "copies"  # files without a URL: the site is their directory, identical ones are one page
    copies.mkdir()
    for i in range(3):
        (copies / f"copy{i}.txt").write_text("\n".join(story) + "\n")

    dedup = [json.loads(l) for l in run(data, copies, "-o", "-", "-q", "--site-repeats", "3", check_rc=0).stdout.decode().splitlines()]

    assert [r["clean_text"] for r in dedup] == ["\n".join(story)] * 6


def test_an_output_named_like_a_text_file_is_refused_not_made_a_directory(tmp_path, seed_text):
    source = tmp_path / "a.txt"
    source.write_text(seed_text)
    for name in ("clean.txt", "clean.json"):
        done = run(source, "-o", tmp_path / name, check_rc=2)
        assert "redirect stdout" in done.stderr.decode() and not (tmp_path / name).exists()
    done = run(source, "-o", tmp_path / "clean.jsonl", "--output-format", "json", check_rc=2)  # not silently ignored
    assert "--tags" in done.stderr.decode() and not (tmp_path / "clean.jsonl").exists()


def test_a_record_with_html_but_no_html_field_option_gets_a_hint(tmp_path, seed_page):
    data = tmp_path / "crawl.jsonl"
    data.write_text(json.dumps({"id": "p1", "html": seed_page}) + "\n")
    done = run(data, "-o", tmp_path / "o.jsonl", "-q", check_rc=1)
    errors = [json.loads(line) for line in (tmp_path / "o.jsonl.errors.jsonl").read_text().splitlines()]
    assert [e["id"] for e in errors] == ["p1"] and "--html-field html" in errors[0]["reason"]
    assert summary(done)["failed"] == 1


def test_resume_tries_failed_records_again(tmp_path, seed_text, seed_expected):
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(seed_text)
    (root / "b.txt.gz").write_bytes(gzip.compress(seed_text.encode())[:40])  # torn
    out = tmp_path / "out"
    run(root, "-o", out, "-q", check_rc=1)
    assert [json.loads(line)["source"] for line in (tmp_path / "out.errors.jsonl").read_text().splitlines()] == [str(root / "b.txt.gz")]
    (root / "b.txt.gz").write_bytes(gzip.compress(seed_text.encode()))  # fixed
    done = run(root, "-o", out, "--resume", check_rc=0)
    assert (out / "b.txt").read_text().rstrip("\n") == seed_expected
    assert "read 1, cleaned 1" in done.stderr.decode() and "skipped (already done) 1" in done.stderr.decode()
    assert not (tmp_path / "out.errors.jsonl").exists()  # nothing fails any more


def test_ctrl_c_leaves_the_jsonl_output_unfinished_and_resume_keys_on_declutter_key(tmp_path):
    """An interrupted run must not leave a complete-looking output under the final name; records
    that carry a "key" field of their own must not confuse --resume (it once read theirs, not
    declutter's, and wrote every record again)."""
    data = write_jsonl(tmp_path / "c.jsonl", 2000, seed=5)
    records = [json.loads(line) for line in data.read_text().splitlines()]
    data.write_text("".join(json.dumps({**r, "key": f"crawl-{i}"}) + "\n" for i, r in enumerate(records)))
    reference = tmp_path / "reference.jsonl"
    run(data, "-o", reference, "-q", check_rc=0)

    out = tmp_path / "out.jsonl"
    _kill_midway([data, "-o", out, "-q"], out.with_name("out.jsonl.part"), min_bytes=100_000, how=signal.SIGINT)
    assert not out.exists() and out.with_name("out.jsonl.part").exists()
    done = run(data, "-o", out, "--resume", check_rc=0)
    assert out.read_bytes() == reference.read_bytes()
    assert int(re.search(r"skipped \(already done\) (\d+)", done.stderr.decode()).group(1)) > 0


def test_every_file_of_a_tree_gets_its_own_output_and_a_rerun_redoes_the_work(tmp_path, seed_text, seed_expected, seed_page, cleaner):
    root = tmp_path / "in"
    (root / "юникод").mkdir(parents=True)
    (root / "a.txt").write_text(seed_text, encoding="utf-8")
    (root / "a.html").write_text(seed_page, encoding="utf-8")
    (root / "юникод" / "статья.txt").write_text(seed_text, encoding="utf-8")
    (root / "юникод" / "новость.txt").write_text(seed_expected, encoding="utf-8")
    (root / ("L" * 200 + ".txt")).write_text(seed_text, encoding="utf-8")
    (root / ("L" * 200 + "X.txt")).write_text(seed_expected, encoding="utf-8")
    out = tmp_path / "out"
    counts = summary(run(root, "-o", out, check_rc=0))
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt"))
    assert counts["cleaned"] == len(written) == 6  # no two records on one file
    # in input (sorted) order: a.html takes a.txt, so a.txt keeps its whole name
    assert {"a.txt", "a.txt.txt", "юникод/статья.txt", "юникод/новость.txt"} <= set(written)
    assert all(len(Path(name).name) <= 150 and name.endswith(".txt") for name in written)
    assert (out / "a.txt.txt").read_text().rstrip("\n") == seed_expected
    assert (out / "a.txt").read_text().rstrip("\n") == cleaner.clean(seed_page)

    (root / "a.txt").write_text(seed_expected, encoding="utf-8")  # changed input: without --resume it is cleaned again
    again = summary(run(root, "-o", out, check_rc=0))
    assert again["cleaned"] == 6
    assert (out / "a.txt.txt").read_text().rstrip("\n") == cleaner.clean(seed_expected)


def test_stdout_runs_write_no_error_report_unless_something_fails(tmp_path, seed_text):
    """With output on stdout the default report is ./declutter-errors.jsonl: a run without
    failures must neither need a writable directory nor delete an earlier run's report."""
    source = tmp_path / "a.txt"
    source.write_text(seed_text, encoding="utf-8")
    earlier = tmp_path / "work" / "declutter-errors.jsonl"
    earlier.parent.mkdir()
    earlier.write_text('{"id": "x", "reason": "an earlier run"}\n')
    run(source, cwd=earlier.parent, check_rc=0)
    assert earlier.read_text().startswith('{"id": "x"')
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o555)
    done = run(source, cwd=readonly, check_rc=0)
    assert done.stdout.decode().strip() and not list(readonly.iterdir())


@pytest.mark.parametrize("name", ["clean.jsonl.gz", "clean.ndjson.gz"])
def test_compressed_output_is_refused_and_output_names_are_case_insensitive(tmp_path, seed_text, name):
    source = tmp_path / "a.txt"
    source.write_text(seed_text, encoding="utf-8")
    done = run(source, "-o", tmp_path / name, check_rc=2)
    assert "compressed output" in done.stderr.decode() and not (tmp_path / name).exists()
    run(source, "-o", tmp_path / "CLEAN.JSONL", check_rc=0)
    assert (tmp_path / "CLEAN.JSONL").is_file()
    assert json.loads((tmp_path / "CLEAN.JSONL").read_text())["clean_text"]


def test_a_file_named_twice_long_non_latin_ids_and_a_strict_stdout_lose_no_record(tmp_path, seed_text):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text(seed_text, encoding="utf-8")
    out = tmp_path / "out"
    counts = summary(run(root, root / "sub", "-o", out, check_rc=0))  # the same file reached twice
    assert counts["read"] == counts["cleaned"] == 2 == len(list(out.rglob("*.txt")))

    data = tmp_path / "cjk.jsonl"  # 120 CJK characters: 360 bytes, over a file system's 255 for a name
    data.write_text(json.dumps({"id": "新闻" * 60, "text": seed_text}, ensure_ascii=False) + "\n" + json.dumps({"id": "b", "text": seed_text}) + "\n")
    counts = summary(run(data, "-o", tmp_path / "tree", check_rc=0))
    assert counts["cleaned"] == 2 == len(list((tmp_path / "tree").rglob("*.txt")))

    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "caf\udce9.txt").write_text(seed_text, encoding="utf-8")  # the name's byte 0xE9 is not UTF-8
    for stdout in ("utf-8:strict", "utf-8:surrogateescape"):  # the second is what a C.UTF-8 locale gives: it wrote the raw byte
        done = subprocess.run([sys.executable, "-m", "declutter", "clean", str(odd), "-o", "-"], capture_output=True,
                              env={**os.environ, "PYTHONIOENCODING": stdout})
        assert done.returncode == 0, done.stderr.decode()
        record = json.loads(done.stdout.decode("utf-8"))
        assert record["clean_text"] and record["id"].endswith("caf\udce9.txt")


def test_an_error_report_that_cannot_be_written_stops_the_run_before_it_starts(tmp_path, seed_text):
    (tmp_path / "a.txt").write_text(seed_text, encoding="utf-8")
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    done = run(tmp_path / "a.txt", "-o", tmp_path / "out", "--errors", blocked / "errors.jsonl", check_rc=1)
    assert "cannot write the error report" in done.stderr.decode() and not (tmp_path / "out" / "a.txt").exists()
    (tmp_path / "reports").mkdir()  # its probe was written beside it; the rename at the end failed, after all the work
    done = run(tmp_path / "a.txt", "-o", tmp_path / "out", "--errors", tmp_path / "reports", check_rc=1)
    assert "it is a directory" in done.stderr.decode() and not (tmp_path / "out" / "a.txt").exists()


def test_site_repeats_refuses_a_pipe_it_could_read_only_once(tmp_path):
    """`clean <(cat page) --site-repeats 2` counted on the first pass and cleaned nothing on the second."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "declutter", "clean", str(fifo), "--site-repeats", "2"], capture_output=True, timeout=60)
    assert done.returncode == 2 and "cannot be used with stdin or a pipe" in done.stderr.decode()
    (tmp_path / "a.txt").write_text("The council voted on Tuesday to extend the harbour wall by forty metres.\n")
    done = run(tmp_path / "missing.txt", tmp_path / "a.txt", "--site-repeats", "2", "-o", tmp_path / "out.jsonl", check_rc=1)
    assert "missing.txt" in (tmp_path / "out.jsonl.errors.jsonl").read_text() and len((tmp_path / "out.jsonl").read_text().splitlines()) == 1


def test_several_documents_on_stdout_are_each_named_as_head_names_files(tmp_path, seed_text, seed_expected, seed_page):
    """Text from several records on stdout would run together; a "==> ID <==" line starts each
    (a blank line before every one but the first), and a single document stays bare text."""
    (tmp_path / "seed.txt").write_text(seed_text, encoding="utf-8")
    (tmp_path / "page.html").write_text(seed_page, encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    expected = seed_expected.strip()
    done = run("seed.txt", "binary.txt", "page.html", "-q", cwd=tmp_path, check_rc=1)
    assert done.stdout.decode() == f"==> seed.txt <==\n{expected}\n\n==> page.html <==\n{expected}\n"  # the failed record has no header
    assert run("seed.txt", cwd=tmp_path, check_rc=0).stdout.decode() == expected + "\n"
    as_json = run("seed.txt", "page.html", "--output-format", "json", cwd=tmp_path, check_rc=0).stdout.decode().splitlines()
    assert [json.loads(line)["text"] for line in as_json] == [expected, expected]  # JSON lines name their source already
    records = [{"id": "one\n==> forged <==", "text": seed_text}, {"id": "two", "text": seed_text}]
    (tmp_path / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    headers = [line for line in run("r.jsonl", cwd=tmp_path, check_rc=0).stdout.decode().splitlines() if line.startswith("==>")]
    assert headers == ["==> one\\n==> forged <== <==", "==> two <=="]  # an id cannot start a line of its own


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _workers(run_: subprocess.Popen) -> list[int]:
    """The worker processes of a run: forked children with the run's command line (taken from the
    arguments, not from /proc: read right after Popen, that is often still empty)."""
    own = b"".join(os.fsencode(a) + b"\0" for a in run_.args)
    found = []
    for child in _children(run_.pid):
        try:
            if Path(f"/proc/{child}/cmdline").read_bytes() == own:
                found.append(child)
        except OSError:  # gone meanwhile
            continue
    return found


def test_a_worker_killed_mid_run_costs_no_record(tmp_path):
    """A worker killed by the system (out of memory, say) broke the pool: a traceback, the batch
    aborted. The pool is replaced and the chunks it held are cleaned again."""
    data = tmp_path / "many.jsonl"
    data.write_text("".join(
        json.dumps({"id": f"r{i}", "text": f"The council of town {i} voted on Tuesday to extend the harbour wall.\nShare this story"}) + "\n"
        for i in range(12000)
    ))
    out = tmp_path / "out.jsonl"
    run_ = subprocess.Popen([sys.executable, "-m", "declutter", "clean", str(data), "-o", str(out), "-q", "-j", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killed = None
    deadline = time.monotonic() + 120
    while killed is None and run_.poll() is None and time.monotonic() < deadline:
        part = tmp_path / "out.jsonl.part"
        workers = _workers(run_)
        if workers and part.exists():  # the run has started: let the workers load the model and clean
            time.sleep(1.5)
            try:
                os.kill(workers[0], signal.SIGKILL)
            except ProcessLookupError:  # gone meanwhile (seen once on a loaded machine): take a live one
                continue
            killed = workers[0]
        time.sleep(0.02)
    _, stderr = run_.communicate(timeout=300)

    assert killed is not None, "the run ended before a worker could be killed"
    assert run_.returncode == 0 and b"Traceback" not in stderr, stderr.decode()
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [f"r{i}" for i in range(12000)]


def test_a_worker_killed_while_input_is_read_and_a_record_too_deep_to_send_cost_no_other_record(tmp_path):
    """Killed while the parent waited for input, the broken pool raised at the next submit (a
    traceback); a JSON value nested 600 deep, readable (-j 1 cleans it), could not be pickled to a
    worker (RecursionError) and aborted a -j 2 run."""
    out = tmp_path / "out.jsonl"
    run_ = subprocess.Popen([sys.executable, "-m", "declutter", "clean", "--stdin-jsonl", "-o", str(out), "-q", "-j", "2"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = lambda i: json.dumps({"id": f"r{i}", "text": f"The council of town {i} voted on Tuesday to extend the harbour wall."}) + "\n"  # noqa: E731
    deep = '{"id": "deep", "text": "The harbour wall.", "meta": ' + "[" * 600 + "]" * 600 + "}\n"
    run_.stdin.write("".join(line(i) for i in range(200)).encode() + deep.encode())
    run_.stdin.flush()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not ((tmp_path / "out.jsonl.part").exists() and (tmp_path / "out.jsonl.part").stat().st_size):
        time.sleep(0.02)  # the workers are cleaning the first chunks
    time.sleep(0.5)  # and the parent now waits for more input
    workers = _workers(run_)
    assert workers, "no worker process found"
    os.kill(workers[0], signal.SIGKILL)
    time.sleep(0.5)
    _, stderr = run_.communicate("".join(line(i) for i in range(200, 400)).encode(), timeout=300)

    assert run_.returncode == 0 and b"Traceback" not in stderr, stderr.decode()
    ids = [f"r{i}" for i in range(200)] + ["deep"] + [f"r{i}" for i in range(200, 400)]
    assert [json.loads(l)["id"] for l in out.read_text().splitlines()] == ids  # the deep one cleaned in the parent, as -j 1 does


def test_jsonl_files_in_subdirectories_are_mirrored_in_a_directory_output(tmp_path):
    """Records of a/data.jsonl and b/data.jsonl all went to out/data.jsonl/, numbered apart."""
    root = tmp_path / "crawl"
    for site in ("a", "b"):
        (root / site).mkdir(parents=True)
        (root / site / "data.jsonl").write_text(json.dumps({"id": "x", "text": f"The {site} council voted on Tuesday to extend the harbour wall."}) + "\n")
    (root / "top.jsonl").write_text(json.dumps({"id": "y", "text": "The council voted on Tuesday to extend the harbour wall."}) + "\n")
    out = tmp_path / "out"

    run(root, "-o", out, "-q", check_rc=0)

    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt")) == ["a/data.jsonl/1-x.txt", "b/data.jsonl/1-x.txt", "top.jsonl/1-y.txt"]
    assert "The b council" in (out / "b" / "data.jsonl" / "1-x.txt").read_text()


def test_a_paragraph_dropped_as_repeated_keeps_the_models_label_and_probability(tmp_path):
    """It became `other` with P(article) as its probability: a label the model never gave."""
    line = "The harbour office publishes the tide tables for the coast every morning at six o'clock."
    records = [
        {"id": f"p{i}", "url": f"https://harbourledger.example/{i}", "text": "\n".join([
            f"The ferry timetable for {town} changes next week, the harbour office in {town} said on Monday.",
            f"Councillors in {town} argued about the cost of dredging the channel before approving the plan.", line])}
        for i, town in enumerate(["Northwick", "Eastmere", "Saltby"])
    ]
    data = tmp_path / "site.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in records))
    runs = [[json.loads(l)["declutter"]["paragraphs"][2] for l in run(data, "-o", "-", "-q", "--tags", *extra).stdout.decode().splitlines()]
            for extra in ([], ["--site-repeats", "3"])]
    for before, after in zip(*runs):
        assert before["kept"] and before["label"] == "article"
        assert not after["kept"] and after["reason"] == "repeated on 3+ pages of harbourledger.example"
        assert (after["label"], after["probability"]) == (before["label"], before["probability"])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_reader_that_stops_early_is_no_error(tmp_path, jobs):
    """`declutter clean corpus | head` printed "Error: [Errno 32] Broken pipe"."""
    data = tmp_path / "many.jsonl"
    data.write_text("".join(json.dumps({"id": f"d{i}", "text": f"The council voted on Tuesday to extend the harbour wall, officials in town {i} said."}) + "\n"
                            for i in range(1500)))
    process = subprocess.Popen([sys.executable, "-m", "declutter", "clean", str(data), "-q", "-j", jobs], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline() == b"==> d0 <==\n"
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=120)
    assert "Error" not in stderr and "Traceback" not in stderr, stderr
