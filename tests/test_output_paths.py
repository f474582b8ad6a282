"""Names taken from inputs never write outside the output directory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from declutter.writers import TREE_INDEX_NAME, safe_name, safe_relative_path

HOSTILE_IDS = ["../../escape", "/etc/passwd", "..", ".", "", "CON", "nul.txt", "a/../../b", "C:\\Windows\\system32", "~/.ssh/x", "\x00evil", "name with spaces & ünïcode"]


@pytest.mark.parametrize("name", HOSTILE_IDS)
def test_safe_name_is_one_harmless_component(name):
    cleaned = safe_name(name)
    assert cleaned and "/" not in cleaned and "\\" not in cleaned and cleaned not in (".", "..")
    assert not cleaned.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL"}


@pytest.mark.parametrize("relative", ["../../x.txt", "/abs/path.txt", "a/../../b.txt", "..\\..\\win.txt"])
def test_safe_relative_path_stays_relative(tmp_path, relative):
    target = (tmp_path / safe_relative_path(relative)).resolve()
    assert target.is_relative_to(tmp_path.resolve())


def test_jsonl_ids_cannot_escape_the_output_directory(tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps({"id": i, "text": "A short line of news text."}) + "\n" for i in HOSTILE_IDS))
    out = tmp_path / "deep" / "out"
    subprocess.run([sys.executable, "-m", "declutter", "clean", str(data), "-o", str(out), "-q"], check=True)
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p != data and p.name != TREE_INDEX_NAME]
    assert len(files) == len(HOSTILE_IDS)
    assert all(p.resolve().is_relative_to(out.resolve()) for p in files)


def test_outputs_get_the_mode_of_any_new_file(tmp_path):
    """Written through a private temporary file, but not left private (umask 022: rw-r--r--)."""
    from declutter.writers import atomic_write

    atomic_write(tmp_path / "report.html", "<p>x</p>")
    probe = tmp_path / "probe"
    probe.write_text("")
    assert (tmp_path / "report.html").stat().st_mode & 0o777 == probe.stat().st_mode & 0o777


STORY = "The council voted on Tuesday to extend the harbour wall by forty metres.\n"


@pytest.mark.parametrize("args, message", [
    (["in.jsonl", "-o", "in.jsonl"], "--output in.jsonl: is the input in.jsonl"),
    (["in.jsonl", "-o", "./in.jsonl", "--resume"], "--output ./in.jsonl: is the input in.jsonl"),
    (["pages", "-o", "pages/"], "--output pages/: is the input pages"),
    (["pages", "-o", "pages/clean"], "--output pages/clean: is inside the input directory pages"),
    (["pages", "-o", "pages/clean.jsonl"], "--output pages/clean.jsonl: is inside the input directory pages"),
    (["story.txt", "-o", "."], "--output .: would overwrite the input story.txt with its clean text"),
    (["in.jsonl", "-o", "out.jsonl", "--errors", "in.jsonl"], "--errors in.jsonl: is the input in.jsonl"),
    (["in.jsonl", "-o", "out.jsonl", "--errors", "./out.jsonl"], "--errors ./out.jsonl: is the output"),
    (["in.jsonl", "-o", "."], "--output .: would put the records of the input in.jsonl in a directory of its name"),
    (["link.txt", "-o", "."], "--output .: would overwrite the input link.txt with its clean text"),
    (["pages/nested", "-o", "pages"], "--output pages: holds the input directory pages/nested, whose mirrored tree would land on its own files"),
])
def test_an_output_that_is_or_lies_inside_an_input_is_refused(tmp_path, args, message):
    """`-o in.jsonl --resume` truncated the input to nothing; `pages -o pages/clean` read its own
    outputs back as inputs (100 pages gave 196 files)."""
    (tmp_path / "pages" / "nested").mkdir(parents=True)
    (tmp_path / "pages" / "a.txt").write_text(STORY)
    (tmp_path / "pages" / "nested" / "nested").mkdir()  # nested/nested/c.txt would be cleaned to pages/nested/c.txt
    (tmp_path / "pages" / "nested" / "nested" / "c.txt").write_text(STORY)
    (tmp_path / "pages" / "nested" / "c.txt").write_text(STORY)
    (tmp_path / "story.txt").write_text(STORY)
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "x", "text": STORY}) + "\n")
    (tmp_path / "link.txt").symlink_to("pages/a.txt")  # named link.txt in ., its target elsewhere
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    done = subprocess.run([sys.executable, "-m", "declutter", "clean", *args], cwd=tmp_path, capture_output=True, text=True)

    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_an_html_input_may_be_cleaned_into_its_own_directory_and_dot_is_an_output(tmp_path):
    (tmp_path / "page.html").write_text(f"<html><body><article><p>{STORY}</p></article></body></html>")
    done = subprocess.run([sys.executable, "-m", "declutter", "clean", "page.html", "-o", "."], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "page.txt").read_text() == STORY


def test_a_symlink_loop_among_the_inputs_is_its_failure_not_a_traceback(tmp_path):
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    done = subprocess.run([sys.executable, "-m", "declutter", "clean", "loop.txt", "-o", "out.jsonl"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr


def test_an_output_directory_above_an_input_directory_is_fine_when_nothing_lands_on_it(tmp_path):
    (tmp_path / "crawl" / "raw").mkdir(parents=True)
    (tmp_path / "crawl" / "raw" / "a.html").write_text(f"<html><body><article><p>{STORY}</p></article></body></html>")
    done = subprocess.run([sys.executable, "-m", "declutter", "clean", "crawl/raw", "-o", "crawl"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "crawl" / "a.txt").read_text() == STORY


def test_a_stdout_run_inside_its_input_directory_does_not_read_back_its_error_report(tmp_path):
    """`cd corpus; declutter clean .` writes ./declutter-errors.jsonl into the corpus when a file
    fails; the next run read it as a JSONL input and reported each of its lines as a failure."""
    (tmp_path / "story.txt").write_text("The council voted on Tuesday to extend the harbour wall by forty metres.\n", encoding="utf-8")
    (tmp_path / "broken.txt").write_bytes(bytes(range(256)) * 8)  # binary junk: fails
    runs = [subprocess.run([sys.executable, "-m", "declutter", "clean", "."], cwd=tmp_path, capture_output=True, text=True) for _ in range(2)]
    for done in runs:
        assert done.returncode == 1, done.stderr
        assert "harbour wall" in done.stdout and "declutter-errors" not in done.stdout + done.stderr
        report = [json.loads(line) for line in (tmp_path / "declutter-errors.jsonl").read_text().splitlines()]
        assert [Path(r["source"]).name for r in report] == ["broken.txt"]
        assert "read 2, cleaned 1, empty after cleaning 0, failed 1" in done.stderr
    from_above = subprocess.run([sys.executable, "-m", "declutter", "clean", tmp_path.name], cwd=tmp_path.parent, capture_output=True, text=True)
    assert "read 2, cleaned 1, empty after cleaning 0, failed 1" in from_above.stderr  # another run's report is no input either
    (tmp_path.parent / "declutter-errors.jsonl").unlink(missing_ok=True)
    for extra in ([], ["--errors", str(tmp_path.parent / "elsewhere.jsonl")]):  # a glob names it: refused, whatever the report
        named = subprocess.run([sys.executable, "-m", "declutter", "clean", "story.txt", "declutter-errors.jsonl", *extra],
                               cwd=tmp_path, capture_output=True, text=True)
        assert named.returncode == 2 and "declutter-errors.jsonl is an error report of declutter's, not an input" in named.stderr
    for command in (["tag", "."], ["review", ".", "-o", str(tmp_path.parent / "review.html")]):  # nor do tag and review read it
        shown = subprocess.run([sys.executable, "-m", "declutter", *command], cwd=tmp_path, capture_output=True, text=True)
        assert "declutter-errors" not in shown.stdout + shown.stderr and "broken.txt" in shown.stderr
