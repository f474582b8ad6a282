"""News in nine scripts beyond Latin (Arabic, Greek, Hebrew, Hindi, Japanese, Korean, Thai,
Ukrainian, Chinese), written by the team: a whole page with menus, share bar, related links, a
sign-up or donation box and a footer, and the same story as plain text, one paragraph a line."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "scripts"
LANGUAGES = sorted(path.name.split(".")[0] for path in FIXTURES.glob("*.gold.txt"))


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_there_are_nine_languages():
    assert LANGUAGES == ["ar", "el", "he", "hi", "ja", "ko", "th", "uk", "zh"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_gives_exactly_its_story_and_the_text_keeps_all_of_it(cleaner, language):
    story = _lines((FIXTURES / f"{language}.gold.txt").read_text(encoding="utf-8"))
    page = cleaner.tag((FIXTURES / f"{language}.html").read_bytes())
    assert _lines(page.text) == story
    text = cleaner.tag((FIXTURES / f"{language}.txt").read_bytes())
    kept = _lines(text.text)
    assert [line for line in kept if line in story] == story  # every story line, in order
    assert set(_lines((FIXTURES / f"{language}.txt").read_text(encoding="utf-8"))) >= set(kept)  # nothing altered


def test_the_tag_table_fits_its_width_in_terminal_columns():
    """A CJK character takes two columns: cutting by characters made Chinese rows twice too wide."""
    from unicodedata import east_asian_width

    from click.testing import CliRunner

    from declutter.cli import main

    result = CliRunner().invoke(main, ["tag", str(FIXTURES / "zh.html"), "--width", "30"])
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0]
    texts = [line[header.index("text"):] for line in result.output.splitlines()[1:]]
    columns = [sum(2 if east_asian_width(c) in ("W", "F") else 1 for c in text) for text in texts]
    assert max(columns) <= 30 and any(text.endswith("…") for text in texts) and len(texts) > 20
