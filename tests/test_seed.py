"""The first acceptance case: the seed article, as plain text and inside an HTML page."""

import subprocess
import sys

from click.testing import CliRunner

from declutter.cli import main
from tests.conftest import SEED


def test_api_cleans_seed_exactly(cleaner, seed_text, seed_expected):
    assert cleaner.clean(seed_text) == seed_expected


def test_api_accepts_bytes(cleaner, seed_text, seed_expected):
    assert cleaner.clean(seed_text.encode("utf-8")) == seed_expected


def test_appeal_paragraphs_are_labelled_appeal_or_ui(cleaner, seed_text, seed_expected):
    tagged = cleaner.tag(seed_text)
    n_article = len(seed_expected.split("\n"))
    assert [p.label for p in tagged[:n_article]] == ["article"] * n_article
    assert {p.label for p in tagged[n_article:]} <= {"appeal", "ui"}
    assert tagged[n_article].label == "appeal"
    assert all(0.0 <= p.probability <= 1.0 for p in tagged)


def test_cli_file_prints_expected(seed_expected):
    result = CliRunner().invoke(main, ["clean", str(SEED)])
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip("\n") == seed_expected


def test_cli_stdin_in_a_real_process(seed_text, seed_expected):
    done = subprocess.run(
        [sys.executable, "-m", "declutter", "clean"], input=seed_text.encode(), capture_output=True, check=True
    )
    assert done.stdout.decode().rstrip("\n") == seed_expected


def test_seed_inside_news_page_gives_the_same_paragraphs(cleaner, seed_page, seed_expected):
    tagged = cleaner.tag(seed_page)
    assert tagged.format == "html"
    assert [p.text for p in tagged.kept] == seed_expected.split("\n")


def test_seed_page_drops_every_kind_of_boilerplate(cleaner, seed_page):
    dropped = " | ".join(p.text for p in cleaner.tag(seed_page).dropped)
    for text in ("Share on Facebook", "Remind me later.", "Privacy policy", "We use cookies", "Dear readers,",
                 "Kremlin Says Talks With Tehran", "Skip to main content", "All rights reserved"):
        assert text in dropped
