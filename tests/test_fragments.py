"""HTML fragments (an article body without the page around it) are read like plain text."""

from __future__ import annotations

import html

from declutter.dataset import read_documents
from tests.conftest import ROOT


def _paragraphs_as(tag: str, texts: list[str]) -> str:
    return "".join(f"<{tag}>{html.escape(t)}</{tag}>" for t in texts)


def test_the_seed_as_an_article_fragment_gives_the_expected_paragraphs(cleaner, seed_text, seed_expected):
    lines = [line for line in seed_text.split("\n") if line.strip()]
    for fragment in (f"<article>{_paragraphs_as('p', lines)}</article>", f"<div class='entry-content'>{_paragraphs_as('p', lines)}</div>"):
        tagged = cleaner.tag(fragment, format="html")
        assert all(p.dom is None for p in tagged)
        assert tagged.text == seed_expected
        assert (tagged.format, tagged.to_dict()["read_as"]) == ("html", "text")  # the JSON output says how it was read


def test_a_long_story_as_a_bare_fragment_keeps_its_end(cleaner):
    """The HTML model learned from whole pages, whose last blocks are a footer; read as HTML, a
    bare <article> of 100 story paragraphs lost its last 14. Two of these lines are about
    signing up (one ends on "Sign up ..."), and a model may misjudge them wherever they stand
    (session 15's drops the first one at the top of the story too): the end may lose two
    lines, never a run of them."""
    story = [
        p.text for d in read_documents([ROOT / "training_data" / "holdout"]) if d.source == "text" and d.lang == "en"
        for p in d.paragraphs if p.label == "article" and len(p.text) > 80
    ][:100]
    assert len(story) == 100
    tagged = cleaner.tag(f"<html><body><article>{_paragraphs_as('p', story)}</article></body></html>", format="html")
    assert [p.text for p in tagged] == story
    kept = [p.kept for p in tagged]
    assert sum(kept) >= 97 and sum(kept[-10:]) >= 8  # a story line may be misjudged; its end is not cut off
    assert not any(kept[i:i + 2] == [False, False] for i in range(90, 99))


def test_a_whole_page_is_read_as_html(cleaner, seed_page):
    tagged = cleaner.tag(seed_page)
    assert (tagged.format, tagged.read_as) == ("html", "html") and all(p.dom is not None for p in tagged)


def test_a_page_whose_menu_is_only_divs_and_links_is_a_page_and_a_story_ending_in_links_a_fragment(seed_text):
    """Old portals mark nothing: a menu of links in a <div class="top"> before the story makes the
    document a page (read with its DOM evidence); a feed item's "Read more" links after the story
    leave it a fragment."""
    from declutter.segment import is_fragment, segment_html

    story = _paragraphs_as("p", [line for line in seed_text.split("\n") if line.strip()])
    menu = "<div class='top'><ul>" + "".join(f"<li><a href='/{s}'>{s}</a></li>" for s in ("News", "Sport", "Business", "Culture")) + "</ul></div>"
    links = "<p>Read more:</p><ul>" + "".join(f"<li><a href='/{n}'>Earlier story {n}</a></li>" for n in range(4)) + "</ul>"
    assert not is_fragment(segment_html(f"<html><body>{menu}<div class='c'>{story}</div></body></html>"))
    assert is_fragment(segment_html(f"<div class='c'>{story}{links}</div>"))
    assert is_fragment(segment_html(f"<html><body><div class='c'>{story}</div></body></html>"))
