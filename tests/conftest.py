"""Shared fixtures: the seed article from ../shared/seeds and the team-written page around it."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_b7c9669f5b24fec5.txt"
SEED_EXPECTED = SHARED / "seeds" / "000_b7c9669f5b24fec5.expected.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
WCXB = SHARED / "data" / "wcxb-dev"


@pytest.fixture(scope="session")
def cleaner():
    from declutter import Cleaner

    return Cleaner.load()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_expected() -> str:
    return SEED_EXPECTED.read_text(encoding="utf-8").rstrip("\n")


@pytest.fixture(scope="session")
def seed_page(seed_text: str, seed_expected: str) -> str:
    return build_seed_page(seed_text, seed_expected)


def build_seed_page(seed_text: str, seed_expected: str) -> str:
    """The seed article inside a realistic news page: header, nav, share bar, appeal box, footer."""
    article = seed_expected.split("\n")
    appeal = [line for line in seed_text.split("\n")[len(article):] if line != "Remind me later."]
    template = (FIXTURES / "news_page_template.html").read_text(encoding="utf-8")
    return template.replace(
        "{article}", "\n".join(f"        <p>{html.escape(p)}</p>" for p in article)
    ).replace(
        "{appeal}",
        f"      <h3 class=\"support-banner__title\">{html.escape(appeal[0])}</h3>\n"
        + "\n".join(f"      <p>{html.escape(p)}</p>" for p in appeal[1:]),
    )


def pytest_terminal_summary(terminalreporter):
    from tests.fuzz_log import FUZZ

    lines = FUZZ.lines()
    if lines:
        terminalreporter.section("hostile input summary")
        for line in lines:
            terminalreporter.write_line(line)
