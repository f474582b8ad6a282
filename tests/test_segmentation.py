"""Segmentation on real inputs: plain-text layouts and HTML blocks with their DOM evidence."""

from __future__ import annotations

import gzip

import pytest

from declutter.segment import TextLayout, read_fragment_as_text, segment_html, segment_text
from tests.conftest import WCXB


def test_one_paragraph_per_line(seed_text):
    paragraphs, layout = segment_text(seed_text)
    assert layout is TextLayout.LINES
    assert [p.text for p in paragraphs] == [line for line in seed_text.split("\n") if line.strip()]


def test_blank_line_blocks_of_hard_wrapped_text_are_kept_exactly():
    first = "The committee met on Monday to discuss the proposed changes to the\nharbour fees, which have not been raised since the last decade."
    second = "Several members asked for more time to study the figures before the\nvote, which is now expected at the end of the month."
    paragraphs, layout = segment_text(f"{first}\n\n{second}\n")
    assert layout is TextLayout.BLOCKS
    assert [p.text for p in paragraphs] == [first, second]
    assert layout.separator == "\n\n"


def test_menu_lines_stay_separate_even_with_blank_lines():
    text = "Home\nWorld\nSport\n\nThe first paragraph of the story.\n\nThe second paragraph of the story."
    paragraphs, layout = segment_text(text)
    assert layout is TextLayout.LINES
    assert [p.text for p in paragraphs][:3] == ["Home", "World", "Sport"]


def test_a_short_heading_block_does_not_make_a_body_of_long_lines_blocks():
    """A title and a standfirst above a blank line, then one paragraph per line: the two-line
    block looked hard-wrapped and outvoted the body, which became a single paragraph."""
    entries = [f"{9 + i // 6:02d}:{i % 6 * 10:02d} Crews cleared the road near exit {i}, and officials said traffic would move again before the next update." for i in range(30)]
    text = "Live: storm closes the coast road for a second day\nUpdated throughout the day by our staff\n\n" + "\n".join(entries)
    paragraphs, layout = segment_text(text)
    assert layout is TextLayout.LINES
    assert [p.text for p in paragraphs][2:] == entries


def test_windows_line_ends():
    paragraphs, _ = segment_text("One line.\r\nTwo line.\r\n")
    assert [p.text for p in paragraphs] == ["One line.", "Two line."]


def test_html_blocks_carry_dom_evidence(seed_page, seed_expected):
    blocks = segment_html(seed_page)
    texts = [b.text for b in blocks]
    for line in seed_expected.split("\n"):
        assert texts.count(line) == 1
    assert not any("dataLayer" in t or ".paywall" in t for t in texts)  # script and style dropped
    home = next(b for b in blocks if b.text == "Business")
    assert home.dom.tag == "li" and home.dom.in_boilerplate_region and home.dom.link_density == 1.0
    assert "a_main" in home.dom.tokens and "a_nav" in home.dom.tokens
    story = next(b for b in blocks if b.text == seed_expected.split("\n")[0])
    assert story.dom.tag == "p" and story.dom.link_density == 0.0 and not story.dom.in_boilerplate_region
    assert story.dom.in_densest_container and story.dom.sibling_blocks == 8
    assert "a_content" in story.dom.tokens.split()
    assert blocks.index(story) < blocks.index(next(b for b in blocks if b.text == "Dear readers,"))


def in_both_parsers(page: str) -> tuple[list[str], list[str]]:
    """The block texts of ``page`` from lxml, and from BeautifulSoup's fallback for markup
    nested too deep for lxml (the same page inside 100,000 divs)."""
    return [b.text for b in segment_html(page)], [b.text for b in segment_html("<div>" * 100_000 + page + "</div>" * 100_000)]


def test_hidden_elements_and_line_breaks():
    page = """<html><body><div hidden>secret one</div><p style="display: none">secret two</p>
    <div aria-hidden="true">secret three <p hidden>inside</p></div><p>Visible<br>same paragraph</p>
    <p aria-hidden="TRUE">secret four</p><p style="DISPLAY : NONE">secret five</p><p style="visibility:\thidden">secret six</p>
    <div>First block<br><br>Second block</div><p>tail <span style="display:none">x</span>kept</p></body></html>"""
    assert in_both_parsers(page) == (["Visible same paragraph", "First block", "Second block", "tail kept"],) * 2


def test_screen_reader_only_text_is_hidden_but_a_lookalike_class_is_not():
    """Text only screen readers get (Bootstrap's sr-only, WordPress's screen-reader-text, ...)
    is not on the page a reader sees: it put "(opens in a new window)" inside story sentences."""
    page = """<body><a class="skip-link screen-reader-text" href="#main">Skip to content</a><main id="main">
    <h2 class="visually-hidden">Story</h2><p>The council published <a href="/r">its report<span class="sr-only">
    (opens in a new window)</span></a> on Monday.</p><p>Sales rose<span class="visually-hidden-focusable"> Footnote 1</span>
    in May.</p><p class="not-sr-only">Shown by its class.</p><p class="srx-only visually">Also shown.</p>
    <p>Rents <span class="sr-only md:not-sr-only">rose again</span> in May<span class="sr-only focus:not-sr-only"> (skip)</span>.</p></main></body>"""
    assert in_both_parsers(page) == ([
        "The council published its report on Monday.", "Sales rose in May.", "Shown by its class.", "Also shown.",
        "Rents rose again in May.",  # Tailwind: shown from a screen width on; a focus: variant only for keyboards
    ],) * 2


def test_a_hidden_element_holding_most_of_the_page_is_the_page():
    """A body a script reveals, React's streamed <div hidden id="S:0">, the page behind an open
    modal (aria-hidden on its wrapper): dropping them left nothing of the story."""
    story = "<p>The council approved the reservoir plan after a long night of debate.</p><p>Work starts in May.</p>"
    for page in (
        f"<html><body style='visibility: hidden'>{story}</body></html>",
        f"<html><body><div hidden id='S:0'>{story}</div><div style='display:none'><p>Menu</p></div></body></html>",
        f"<html><body><div id='app' aria-hidden='true'>{story}<nav hidden>Home</nav></div><div role='dialog'><p>We use cookies.</p></div></body></html>",
    ):
        for texts in in_both_parsers(page):
            assert texts[:2] == ["The council approved the reservoir plan after a long night of debate.", "Work starts in May."]
            assert "Menu" not in texts and "Home" not in texts  # small hidden parts inside or beside it still go


def test_a_hidden_menu_or_consent_dialog_stays_hidden_however_big():
    """Only the page itself is revealed: an off-canvas menu (mostly links) or a consent dialog can
    outweigh a short story and must not replace it."""
    story = "<article><h1>Bridge reopens</h1><p>The bridge reopened on Monday after two years of repairs.</p></article>"
    menu = "<div style='display:none'><ul>" + "".join(f"<li><a href='/s{i}'>Section number {i} of the site</a></li>" for i in range(60)) + "</ul></div>"
    consent = "<div class='cmp-dialog' aria-hidden='true'>" + "<p>We and our 842 partners store and access information on your device for personalised ads.</p>" * 4 + "</div>"
    for page in (f"<html><body>{menu}{story}</body></html>", f"<html><body>{consent}{story}</body></html>"):
        assert in_both_parsers(page) == (["Bridge reopens", "The bridge reopened on Monday after two years of repairs."],) * 2


def test_word_tags_inline_media_fallbacks_and_invisible_characters():
    page = (
        "<p>Shares of <st1:City>Acme Water Corp</st1:City> rose<o:p></o:p> four percent.</p>"
        "<video src='clip.mp4'>Your browser does not support the video tag.</video>"
        "<p>Das Bundes\u00adumwelt\u200bministerium teilte mit.</p>"
    )
    assert [b.text for b in segment_html(page)] == ["Shares of Acme Water Corp rose four percent.", "Das Bundesumweltministerium teilte mit."]
    too_deep = "<div>" * 100_000 + page + "</div>" * 100_000  # past lxml's depth limit: BeautifulSoup's fallback
    assert [b.text for b in segment_html(too_deep)] == ["Shares of Acme Water Corp rose four percent.", "Das Bundesumweltministerium teilte mit."]


def test_line_breaks_and_ruby_in_both_parsers():
    """A <br> is a space and two make a paragraph break, in the lxml path and in the fallback for
    markup too deep for lxml; furigana (<rt>) is no text; a source line break between CJK
    characters is no space, but a <br> there stays one."""
    page = (
        "<p>line one<br>line two</p><p>first<br><br>second</p>"
        "<p><ruby><rb>東京</rb><rp>(</rp><rt>とうきょう</rt><rp>)</rp></ruby>の図書館が\n開館した。</p>"
        "<p>第一行<br>\n第二行</p>"
    )
    expected = ["line one line two", "first", "second", "東京の図書館が開館した。", "第一行 第二行"]
    assert [b.text for b in segment_html(page)] == expected
    assert [b.text for b in segment_html("<div>" * 100_000 + page + "</div>" * 100_000)] == expected


def test_text_after_a_nested_block_is_a_block_of_its_own_in_document_order():
    html = (
        "<html><body><div class='story'>The first paragraph.<br><br>The second paragraph."
        "<div class='support-box'><p>Please support our reporting.</p></div>"
        "The third paragraph, after the box.<br><br>The fourth.</div></body></html>"
    )
    paragraphs = segment_html(html)
    assert [p.text for p in paragraphs] == [
        "The first paragraph.", "The second paragraph.", "Please support our reporting.",
        "The third paragraph, after the box.", "The fourth.",
    ]
    after_box = paragraphs[3].dom
    assert after_box.tag == "div" and "s_story" in after_box.tokens and "support" not in after_box.tokens


@pytest.mark.skipif(not WCXB.exists(), reason="WCXB data not beside the repository")
def test_real_pages_segment_into_many_blocks():
    for name in ("0001", "0031", "0106"):
        html = gzip.open(WCXB / "html" / f"{name}.html.gz").read()
        blocks = segment_html(html)
        assert len(blocks) > 20
        assert any(b.dom.in_densest_container for b in blocks)
        assert all(b.text == " ".join(b.text.split()) for b in blocks)


def test_a_page_keeps_its_dom_evidence_and_a_fragment_is_read_as_text():
    story = "".join(f"<p>Paragraph {i} of the story, with a few more words in it.</p>" for i in range(5))
    page = f"<html><body><header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header><article>{story}</article><footer><p>Contact us</p></footer></body></html>"
    fragments = [
        f"<article>{story}</article>",
        # a CMS post's own header and footer (WordPress's entry-header, entry-footer)
        f"<div class='post'><div class='entry-header'><h1>The title</h1></div><div class='entry-content'>{story}</div><div class='entry-footer'><p>Filed under: city</p></div></div>",
        f"<div class='entry-content'>{story}</div>",
        # an article's own header, footer and sidebar do not make it a page
        f"<html><body><article><header><h1>The title</h1></header>{story}<aside><p>Related: another story</p></aside><footer><p>Filed under: city</p></footer></article></body></html>",
    ]
    # a page of divs says what its furniture is by class or id
    div_soup = f"<html><body><div class='top'><div id='site-header'><a href='/'>Home</a></div></div><div class='content'>{story}</div><div class='bottom'><p>Contact us</p></div></body></html>"
    for whole in (page, div_soup):
        as_read = read_fragment_as_text(segment_html(whole))
        assert all(p.dom is not None for p in as_read)
        assert [p.text for p in as_read] == [p.text for p in segment_html(whole)]
    for html in fragments:
        blocks = segment_html(html)
        assert all(b.dom is not None for b in blocks)  # segmentation itself always gives the evidence
        as_read = read_fragment_as_text(blocks)
        assert [p.text for p in as_read] == [b.text for b in blocks] and all(p.dom is None for p in as_read)


def test_custom_elements_inside_sentences_are_inline_in_both_parsers():
    """A custom element in running text (a ticker, a link component, a date) stays inside its
    sentence, as a browser shows it; one standing alone, holding blocks, in a row of its kind,
    or after a finished sentence stays a block of its own."""
    page = (
        "<p>Shares of Apple (<fin-streamer data-symbol='AAPL'>AAPL</fin-streamer>) rose 2% on Tuesday.</p>"
        "<p>A <ext-link href='/s'>large, older study</ext-link> <b>of</b> <x-a><i>200,000</i></x-a> people found it.</p>"
        "<p>Shares of <x-link><fin-streamer>MSFT</fin-streamer></x-link> fell.</p>"
        "<p>Updated <relative-time>Mar 8, 2026</relative-time></p><p><user-link>Ana Ruiz</user-link> wrote:</p>"
        "<div><x-title>Title here</x-title><x-sub>Subtitle there</x-sub></div>"
        "<div>Before <gu-island><p>A paragraph of its own.</p></gu-island></div>"
        "<div><x-card>Story one</x-card><x-card>Story two</x-card><a href='/more'>More stories</a></div>"
        "<div>The last line of the story.<newsletter-signup><a href='/nl'>Sign up for our newsletter</a></newsletter-signup></div>"
        "<p>Apple (<a href='/q/AAPL'><fin-streamer>AAPL</fin-streamer></a>) and <i class='icon-up'></i><fin-streamer>IBM</fin-streamer> rose.</p>"
        "<p>Shares <fin-streamer>rose 1.2<!-- -->% on Monday</fin-streamer></p>"
        "<div>He said: “We will rebuild.”<x-signup>Sign up now</x-signup></div>"
    )
    expected = [
        "Shares of Apple (AAPL) rose 2% on Tuesday.", "A large, older study of 200,000 people found it.",
        "Shares of MSFT fell.", "Updated Mar 8, 2026", "Ana Ruiz wrote:",
        "Title here", "Subtitle there", "Before", "A paragraph of its own.",
        "Story one", "Story two", "More stories", "The last line of the story.", "Sign up for our newsletter",
        "Apple (AAPL) and IBM rose.", "Shares rose 1.2% on Monday", "He said: “We will rebuild.”", "Sign up now",
    ]
    assert [b.text for b in segment_html(page)] == expected
    assert [b.text for b in segment_html("<div>" * 100_000 + page + "</div>" * 100_000)] == expected
    hidden_between = "<div><x-a>Alpha</x-a><span hidden>hidden</span><x-b>Beta</x-b></div><p>The story goes on here.</p>"
    assert [b.text for b in segment_html(hidden_between)] == ["Alpha", "Beta", "The story goes on here."]  # hidden text is no neighbour


def test_icon_font_glyphs_are_text_not_link_or_break_markers():
    """Icon fonts put their glyphs in the private use area (Bootstrap's glyphicons at U+E001,
    U+E002): when the walk marked links and line breaks with those characters, a glyph split a
    paragraph in two and hid links from the link density."""
    page = "<p>Read <a href='/r'>\ue001 the report</a> now.\ue002 It is long.</p><p>\ue000<a href='/a'>Home</a> <a href='/b'>News</a></p>"
    blocks = segment_html(page)
    assert [b.text for b in blocks] == ["Read \ue001 the report now.\ue002 It is long.", "\ue000Home News"]
    assert blocks[1].dom.link_density > 0.8
    assert in_both_parsers(page)[1] == [b.text for b in blocks]


def test_marker_characters_in_the_input_forge_no_break_and_no_link():
    """The walk marks links and line breaks with noncharacters (U+FDD0–U+FDD2); a page holding
    them split a paragraph where it has no break and counted plain words as link text."""
    page = "<p>The council met \ufdd2\ufdd2 on Tuesday \ufdd0to vote\ufdd1 on the harbour wall.</p>"
    expected = ["The council met on Tuesday to vote on the harbour wall."]
    for document in (page, page.encode("utf-8")):
        blocks = segment_html(document)
        assert [b.text for b in blocks] == expected and blocks[0].dom.link_density == 0
    assert in_both_parsers(page) == (expected,) * 2


def test_clean_text_keeps_the_blank_lines_between_one_line_paragraphs(cleaner, seed_text):
    """"P1\\n\\nP2" (an extractor's usual output) came back as "P1\\nP2": a chunker that splits on
    blank lines then saw one paragraph."""
    story = [line for line in seed_text.splitlines() if line.strip()]
    spaced = "\n\n".join(story)
    kept = [p.text for p in cleaner.tag(seed_text, "text") if p.kept]
    assert cleaner.clean(spaced, "text") == "\n\n".join(kept)
    assert cleaner.clean(spaced.replace("\n", "\r\n"), "text") == "\n\n".join(kept)
    assert cleaner.clean(seed_text, "text") == "\n".join(kept)  # one paragraph per line stays so
    mixed = story[0] + "\n" + story[1] + "\n\n" + "\n".join(story[2:])  # some breaks single: lines
    assert cleaner.clean(mixed, "text") == "\n".join(kept)
