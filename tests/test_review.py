"""`declutter review` renders in a real headless Chromium: colours, strike-through, probabilities."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# Appended to a copy of the report: reads what the browser computed and prints it into the DOM.
PROBE = """<script>
const rows = [...document.querySelectorAll('.para')].map(el => {
  const text = el.querySelector('.text'), tag = el.querySelector('.tag'), box = text.getBoundingClientRect();
  return {label: el.dataset.label, background: getComputedStyle(el).backgroundColor,
          decoration: getComputedStyle(text).textDecorationLine, tag: tag.innerText,
          text: text.innerText, visible: box.width > 0 && box.height > 0};
});
const out = document.createElement('pre'); out.id = 'probe'; out.textContent = JSON.stringify(rows);
document.body.appendChild(out);
</script>"""


def _chromium(*args: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def report(tmp_path_factory, seed_page):
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is required for this test; .ci/run installs it")
    from tests.conftest import SEED

    folder = tmp_path_factory.mktemp("review")
    page = folder / "page.html"
    page.write_text(seed_page, encoding="utf-8")
    out = folder / "report.html"
    subprocess.run([sys.executable, "-m", "declutter", "review", str(SEED), str(page), "-o", str(out)], check=True)
    return out


def test_report_is_self_contained(report):
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert "<style>" in text


def test_browser_shows_every_paragraph_coloured_and_dropped_ones_struck(report, tmp_path, cleaner, seed_text, seed_page):
    probed = tmp_path / "probed.html"
    probed.write_text(report.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = _chromium("--user-data-dir=" + str(tmp_path / "profile"), "--dump-dom", probed.as_uri())
    dom = done.stdout.decode()
    rows = json.loads(html.unescape(re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S).group(1)))

    expected = list(cleaner.tag(seed_text)) + list(cleaner.tag(seed_page))
    assert len(rows) == len(expected)
    for row, paragraph in zip(rows, expected):
        assert row["visible"] and row["text"] == paragraph.text
        assert row["label"] == paragraph.label
        assert row["tag"] == f"{paragraph.label} {paragraph.probability:.2f}"
        assert ("line-through" in row["decoration"]) == (not paragraph.kept)
    colours = {row["label"]: row["background"] for row in rows}
    assert len(set(colours.values())) == len(colours) >= 3  # one distinct colour per category shown
    assert "rgba(0, 0, 0, 0)" not in colours.values()


def test_screenshot_is_not_blank(report, tmp_path):
    shot = tmp_path / "shot.png"
    _chromium("--user-data-dir=" + str(tmp_path / "profile"), f"--screenshot={shot}", "--window-size=1200,1600", report.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_review_shows_the_files_it_can_and_names_the_others(tmp_path, seed_text):
    good, junk, report = tmp_path / "a.txt", tmp_path / "junk.bin", tmp_path / "report.html"
    good.write_text(seed_text)
    junk.write_bytes(bytes(range(256)) * 20)
    done = subprocess.run([sys.executable, "-m", "declutter", "review", str(good), str(junk), "-o", str(report)], capture_output=True, text=True)
    assert done.returncode == 1 and "junk.bin: DecodeError: binary data" in done.stderr and "1 of 2 documents" in done.stderr
    assert "Remind me later." in html.unescape(report.read_text())


def test_the_report_names_the_model_and_rule_that_decided(tmp_path, seed_text):
    from declutter.model_store import load_model

    good, report = tmp_path / "a.txt", tmp_path / "report.html"
    good.write_text(seed_text)
    subprocess.run([sys.executable, "-m", "declutter", "review", str(good), "-o", str(report), "--threshold", "0.3"], check=True, capture_output=True)
    shipped_sha = load_model()[1]["model_sha256"]
    text = report.read_text()
    assert f"sha256 {shipped_sha[:12]}" in text and "drop threshold 0.3" in text


def test_review_shows_each_record_of_a_jsonl_file_as_a_document(tmp_path, seed_text):
    """It showed the JSONL file as one plain-text document of raw JSON lines."""
    crawl, report = tmp_path / "crawl.jsonl", tmp_path / "report.html"
    crawl.write_text("".join(json.dumps({"id": name, "text": seed_text}) + "\n" for name in ("first-story", "second-story")), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "declutter", "review", str(crawl), "-o", str(report)], capture_output=True, text=True)
    assert done.returncode == 0 and "2 of 2 documents" in done.stderr, done.stderr
    titles = re.findall(r"<h2>(.*?)</h2>", report.read_text())
    assert titles == ["first-story", "second-story"]
    assert '"text"' not in html.unescape(report.read_text())


def test_review_reads_a_directory_and_shows_a_rules_reason(tmp_path, seed_text):
    """`review DIR` was refused (exit 2) though tag and clean read directories; a paragraph a
    rule decided showed no reason."""
    from declutter.paragraph import Paragraph
    from declutter.review import render_review

    corpus, report = tmp_path / "corpus", tmp_path / "report.html"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text(seed_text)
    (corpus / "sub" / "b.txt").write_text(seed_text)
    done = subprocess.run([sys.executable, "-m", "declutter", "review", str(corpus), "-o", str(report)], capture_output=True, text=True)
    assert done.returncode == 0 and "2 of 2 documents" in done.stderr, done.stderr
    assert re.findall(r"<h2>(.*?)</h2>", report.read_text()) == [str(corpus / "a.txt"), str(corpus / "sub" / "b.txt")]
    kept = Paragraph(text="A long appeal run together.", index=0, label="appeal", probability=0.9, kept=True, boilerplate=0.95,
                     reason="kept: 2,112 characters, text run together (never dropped from 2,000)")
    assert "; kept: 2,112 characters, text run together" in render_review([("doc", [kept])])


def test_a_review_written_inside_its_input_directory_is_refused(tmp_path, seed_text):
    """The next `review DIR` would show the report itself as a document."""
    (tmp_path / "a.txt").write_text(seed_text)
    done = subprocess.run([sys.executable, "-m", "declutter", "review", str(tmp_path), "-o", str(tmp_path / "report.html")], capture_output=True, text=True)
    assert done.returncode == 2 and "is inside the input directory" in done.stderr and not (tmp_path / "report.html").exists()
