"""HTML → paragraphs: the text of block-level elements, each with its DOM evidence.

:func:`read_fragment_as_text` then decides how the model reads them: a whole page with its
evidence, a fragment of one like plain text.

The hot path stays in lxml's C code where it can: junk elements are removed with
``strip_elements``, inline tags are merged into their block with ``strip_tags`` (links are first
wrapped in marker characters so link density survives), and a single ``iter()`` pass collects the
blocks. No BeautifulSoup tree is built, but for markup nested deeper than libxml2's limit
(:func:`_fallback_paragraphs`).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

from lxml import etree

from declutter.paragraph import DomEvidence, Paragraph
from declutter.scripts import HAN_AND_KANA

JUNK_TAGS = (
    "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object",
    "embed", "canvas", "select", "datalist", "video", "audio",  # their text is a fallback no browser shows
    "rt", "rp", "rtc",  # a ruby annotation (furigana: the reading of the characters it sits on), not more text
)
INLINE_TAGS = (
    "a", "abbr", "b", "bdi", "bdo", "big", "button", "cite", "code", "data", "del", "dfn", "em",
    "font", "i", "img", "input", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small",
    "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "br", "acronym",
    "ruby", "rb",
)
_INLINE = frozenset(INLINE_TAGS)
BOILERPLATE_REGION_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "menu"})
BOILERPLATE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu"})
_HIDING_STYLES = ("display:none", "visibility:hidden")
_NO_WHITESPACE = str.maketrans("", "", " \t\n\r\f")
#: class names that hide an element from sight and leave it to screen readers (Bootstrap,
#: WordPress, HTML5 Boilerplate, Drupal): "Skip to content", "(opens in a new window)", "Footnote"
_SCREEN_READER_ONLY = re.compile(  # a class attribute splits at ASCII whitespace only
    r"(?:^|[ \t\n\f\r])(?:sr-only|visually-hidden|visually-hidden-focusable|visuallyhidden|u-visually-hidden|screen-reader-text"
    r"|screen-reader-only|screenreader-only|element-invisible|assistive-text)(?:[ \t\n\f\r]|$)"
)
#: Tailwind's "sr-only md:not-sr-only": shown from some screen width on (a focus: variant only
#: shows it to keyboard users: still hidden)
_SHOWN_FROM_A_WIDTH = re.compile(r"(?:^|[ \t\n\f\r])(?![^ \t\n\f\r]*(?:focus|active)[^ \t\n\f\r]*:not-sr-only)[^ \t\n\f\r:]+:not-sr-only(?:[ \t\n\f\r]|$)")
#: A hidden element holding more of the page's text than this share is kept: it is the page a
#: script will show (a hidden body, React's streamed ``<div hidden id="S:0">``, the page behind an
#: open modal, marked aria-hidden).
_MOST_HIDDEN = 0.5
_FURNITURE_WORDS = r"nav|navbar|navigation|menu|mainmenu|sidebar|masthead|breadcrumbs?|topbar"  # class and id words of page furniture
_NOT_A_PAGE_ROLES = BOILERPLATE_ROLES | {"dialog", "alertdialog"}
_HIDDEN_FURNITURE = re.compile(  # in a hidden element's own class and id: furniture, or a dialog
    rf"\b(?:{_FURNITURE_WORDS}|submenu|megamenu|header|footer|modal|dialog|popup|overlay|drawer|cookie|cookies|consent|cmp|gdpr)\b"
)
_TEXT = etree.XPath("string()")
_INVISIBLE = ("\u00ad", "\u200b")  # soft hyphen, zero-width space
_WIDE = "\u3000-\u303f" + HAN_AND_KANA + "\uff00-\uffef"  # CJK punctuation, Han and kana, fullwidth forms
_WIDE_LINE_BREAK = re.compile(f"(?<=[{_WIDE}])[ \t\r]*\n\\s*(?=[{_WIDE}])")
# Markers of links and line breaks in the text: Unicode noncharacters, which no text holds
# (private-use ones did: icon fonts such as Bootstrap's glyphicons put their glyphs at U+E001...)
_LINK_OPEN, _LINK_CLOSE, _BREAK = "\ufdd0", "\ufdd1", "\ufdd2"
_PARAGRAPH_BREAK = re.compile(f"{_BREAK}(?:\\s*{_BREAK})+")
_LINK_TEXT = re.compile(f"{_LINK_OPEN}([^{_LINK_CLOSE}]*)")
_TOKEN_SPLIT = re.compile(r"[^0-9a-zA-Z]+")
_FURNITURE_WORD = re.compile(  # in a block's DOM tokens; "entry-header", "post-footer" are an article's own
    rf"\b[as]_(?:{_FURNITURE_WORDS})\b|(?<![as]_entry )(?<![as]_post )(?<![as]_article )\b[as]_(?:header|footer)\b"
)
_LONG_BLOCK_CHARS = 80
_SHORT_INLINE_WORDS = 4  # a custom element with words on one side only is inline up to this many words of its own
_SENTENCE_STOPS = (".", "!", "?", ":", "…", "。", "！", "？", "।", "॥", "؟", "۔")
_CLOSERS = "\"'”’»)]」』"  # may follow a sentence's last stop
_MENU_BLOCKS = 3
_MAX_ANCESTOR_TOKENS = 400
_LOCAL = threading.local()  # lxml parsers must not be shared between threads


def _parser() -> etree.HTMLParser:
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = etree.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8", no_network=True)
    return parser


class HtmlError(ValueError):
    """The markup could not be turned into a tree."""


def parse_html(html: str | bytes) -> tuple[etree._Element | None, bool]:
    """Parse with lxml: the root (``None`` without elements) and whether lxml gave up part of
    the tree because it nests deeper than libxml2's limit."""
    data = html.encode("utf-8", "replace") if isinstance(html, str) else html
    if not data.strip():
        return None, False
    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise HtmlError(f"HTML parse error: {exc}") from exc
    too_deep = any(e.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in e.message for e in parser.error_log)  # lxml < 6.0.2: type unknown
    return root, too_deep


def is_fragment(paragraphs: list[Paragraph]) -> bool:
    """HTML blocks that are a piece of a page, not a whole one — an article body from a feed, an
    extractor or a CMS export: none sits in page furniture outside an ``<article>``, whether
    marked by tag or role (nav, header, footer, aside, form) or, on pages without them, by class
    or id ("menu", "site-header"), and they do not open with a menu (:func:`_opens_with_a_menu`)."""
    return bool(paragraphs) and all(
        p.dom is not None and (p.dom.in_article or not (p.dom.in_boilerplate_region or _FURNITURE_WORD.search(p.dom.tokens)))
        for p in paragraphs
    ) and not _opens_with_a_menu(paragraphs)


def _opens_with_a_menu(paragraphs: list[Paragraph]) -> bool:
    """``_MENU_BLOCKS`` short link-only blocks in a row outside an ``<article>``, before the first
    long block: the menu of a page whose markup does not name it (``<div class="top">``). A
    feed's or an export's link lists ("Read more: …") come after its story."""
    run = 0
    for p in paragraphs:
        if len(p.text) >= _LONG_BLOCK_CHARS:
            return False
        short_links = p.dom is not None and not p.dom.in_article and p.dom.link_density >= 0.9 and len(p.text.split()) <= 5
        run = run + 1 if short_links else 0
        if run >= _MENU_BLOCKS:
            return True
    return False


def read_fragment_as_text(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """``paragraphs`` as cleaning reads them: a whole page's with their DOM evidence, a
    fragment's (:func:`is_fragment`) without it, like plain text, one paragraph per block. The
    HTML stages learned from whole pages, whose last blocks are a footer: given a story with
    nothing after it, they dropped its last tenth."""
    if not is_fragment(paragraphs):
        return paragraphs
    return [Paragraph(p.text, p.index, None, p.label) for p in paragraphs]


def _fallback_paragraphs(data: str | bytes) -> list[Paragraph]:
    """Markup lxml cannot hold (nesting past its depth limit): BeautifulSoup's lenient parser
    recovers the text, a paragraph per block-level element (the text of inline ones stays in
    its sentence; ``<br>`` is a space, two or more a paragraph break; hidden elements dropped:
    as in the lxml path), without DOM evidence."""
    from bs4 import BeautifulSoup, CData, NavigableString, Tag

    soup = BeautifulSoup(data, "html.parser", multi_valued_attributes=None)  # class="a b" one string, as in lxml
    for junk in soup(list(JUNK_TAGS)):
        junk.decompose()
    _drop_hidden_in_soup(soup)
    pieces: list[list[str]] = [[]]
    inline_custom: set[int] = set()
    holds_blocks = _holding_blocks(soup)
    current = soup  # the block-level element the text so far belongs to
    block_of = {id(soup): soup}  # every element's block: itself, or its parent's for an inline one (parents come first)
    for node in soup.descendants:
        if type(node) in (NavigableString, CData):
            block = block_of[id(node.parent)]
            if block is not current:
                pieces.append([])
                current = block
            pieces[-1].append(str(node))
        elif getattr(node, "name", None) is not None:  # an element (comments and doctypes have no name)
            if "-" in node.name and id(node) not in inline_custom and _custom_inline_in_soup(node, holds_blocks):
                inline_custom.add(id(node))  # and the custom elements inside it, as in the lxml path
                inline_custom.update(id(d) for d in node.descendants if isinstance(d, Tag) and "-" in d.name)
            inline = node.name in _INLINE or ":" in node.name or id(node) in inline_custom  # Word's <o:p> is inline too
            block_of[id(node)] = block_of[id(node.parent)] if inline else node
            if node.name == "br":
                pieces[-1].append(_BREAK)
    lines = (_block_text(part) for piece in pieces for part in _PARAGRAPH_BREAK.split("".join(piece)))  # as the lxml path's blocks
    return [Paragraph(text=line, index=i) for i, line in enumerate(line for line in lines if line)]


def _drop_hidden_in_soup(soup) -> None:
    """Remove the hidden elements of the fallback's tree (:func:`_hides`) but the one that is the
    page (:func:`_is_the_page`), as the lxml path does. Text sizes come from one pass from the
    leaves up: asking each hidden element for its text is quadratic when they nest."""
    from bs4 import CData, NavigableString, Tag

    nodes = list(soup.descendants)  # document order: an element's descendants follow it
    hidden = [i for i, node in enumerate(nodes) if isinstance(node, Tag) and _hides(node.get)]
    if not hidden:
        return
    chars: dict[int, int] = {}  # text characters below an element
    linked: dict[int, int] = {}  # of them, inside links
    below: dict[int, int] = {}  # nodes below an element
    for node in reversed(nodes):  # children before their parents
        key, parent = id(node), id(node.parent)
        if type(node) in (NavigableString, CData):
            chars[key] = len(node)  # html.parser keeps less blank text than libxml2: a share that blank text decides can differ
        elif isinstance(node, Tag) and node.name == "a":
            linked[key] = chars.get(key, 0)
        chars[parent] = chars.get(parent, 0) + chars.get(key, 0)
        linked[parent] = linked.get(parent, 0) + linked.get(key, 0)
        below[parent] = below.get(parent, 0) + below.get(key, 0) + 1
    total, removed_to = chars.get(id(soup), 0), -1
    for i in hidden:
        element = nodes[i]
        key = id(element)
        if i <= removed_to:  # inside a hidden element already removed
            continue
        size = chars.get(key, 0)
        if not (size > total * _MOST_HIDDEN and _is_the_page(element.name, element.get, size, lambda: linked.get(key, 0))):
            removed_to = i + below.get(key, 0)
            element.decompose()


def _holding_blocks(soup) -> set[int]:
    """Ids of the elements with a block-level element (not inline, not custom) below them, in
    one pass from the leaves up (asking each custom element walked its subtree: quadratic when
    they nest)."""
    from bs4 import Tag

    tags = [node for node in soup.descendants if isinstance(node, Tag)]
    holding: set[int] = set()
    if not any("-" in tag.name for tag in tags):
        return holding
    for tag in reversed(tags):  # children before their parents
        if tag.parent is not None and (id(tag) in holding or not (tag.name in _INLINE or "-" in tag.name)):
            holding.add(id(tag.parent))
    return holding


def _custom_inline_in_soup(element, holds_blocks: set[int]) -> bool:
    """:func:`_custom_inline`'s rule for a custom element of the BeautifulSoup fallback
    (``holds_blocks``: :func:`_holding_blocks`)."""
    from bs4 import CData, NavigableString, Tag

    def side(siblings) -> tuple[bool, str | None]:  # see _side_of: the nearest sibling with words
        for sibling in siblings:
            if type(sibling) in (NavigableString, CData):
                if sibling.strip():
                    return True, str(sibling)
            elif isinstance(sibling, Tag):
                if sibling.name not in _INLINE:
                    return False, None
                if _any_words(strings(sibling)):
                    return True, None
        return False, None

    def alone_in(parent, child) -> bool:  # nothing else in the parent but blank text and comments
        return all(c is child or (not isinstance(c, Tag) and not (type(c) in (NavigableString, CData) and c.strip())) for c in parent.contents)

    def strings(tag):  # its text, lazily: bs4's .strings first walks to the tag's last descendant
        stack = [iter(tag.contents)]
        while stack:
            for node in stack[-1]:
                if isinstance(node, Tag):
                    stack.append(iter(node.contents))
                    break
                if type(node) in (NavigableString, CData):
                    yield node
            else:
                stack.pop()

    context = element
    while isinstance(context.parent, Tag) and context.parent.name in _INLINE and alone_in(context.parent, context):
        context = context.parent
    before, before_text = side(context.previous_siblings)
    after, after_text = side(context.next_siblings)
    return _inline_by_context(
        before, after, before_text, after_text,
        lambda: id(element) not in holds_blocks,
        lambda: _few_words(strings(element)),
    )


@lru_cache(maxsize=1 << 16)
def _class_tokens(value: str) -> str:
    """Lower-cased word tokens of a class or id attribute (cached: sites reuse their classes)."""
    return " ".join(t.lower() for t in _TOKEN_SPLIT.split(value) if 1 < len(t) < 30)


def _prepare(root: etree._Element) -> None:
    """Drop invisible content and merge inline markup into its block, marking links and breaks."""
    etree.strip_elements(root, *JUNK_TAGS, etree.Comment, with_tail=False)
    namespaced: set[str] = set()  # Word's <o:p>, <st1:City>: inline, inside sentences
    custom: list[etree._Element] = []  # <fin-streamer>, <gu-island>, <mdn-dropdown>
    hidden: list[etree._Element] = []
    for element in root.iter(etree.Element):  # one pass in Python costs less than an XPath per kind
        tag, get = element.tag, element.get
        if ":" in tag:
            namespaced.add(tag)
        elif "-" in tag:
            custom.append(element)
        if _hides(get):
            hidden.append(element)
    if hidden:
        total = len(_TEXT(root))
        dropped = [element for element in hidden if not _is_page_a_script_shows(element, total)]
        for element in dropped:
            _drop_keeping_tail(element)
        if custom and dropped:  # a custom element inside a dropped one is gone with it
            gone = set(dropped)
            custom = [e for e in custom if e not in gone and not any(a in gone for a in e.iterancestors())]
    _inline_custom_elements(custom)
    for link in root.iter("a"):
        link.text = _LINK_OPEN + (link.text or "")
        link.tail = _LINK_CLOSE + (link.tail or "")
    for br in root.iter("br"):
        br.tail = _BREAK + (br.tail or "")
    etree.strip_tags(root, *INLINE_TAGS, *namespaced)


def _inline_custom_elements(custom: list[etree._Element]) -> None:
    """Make inline each custom element (``custom``, in document order) that :func:`_custom_inline`
    finds inside running text, and the custom elements inside it. All are decided on the
    tree as it is, then renamed: one made inline does not make its custom neighbour inline."""
    inline: set[etree._Element] = set()
    for element in custom:  # an element comes before the custom elements inside it
        if element not in inline and _custom_inline(element):
            inline.add(element)
            inline.update(d for d in element.iterdescendants(etree.Element) if "-" in d.tag)
    for element in inline:
        element.tag = "span"


def _custom_inline(element: etree._Element) -> bool:
    """Whether a custom element reads as part of the text around it (``Shares of Apple
    (<fin-streamer>AAPL</fin-streamer>) rose``), as a browser shows an element without a
    stylesheet: see :func:`_inline_by_context` and :func:`_side_of`. Alone inside an inline
    element (``<a href=…><fin-streamer>AAPL</fin-streamer></a>``), that element's sides count."""
    context = element
    while True:
        parent = context.getparent()
        if parent is None:
            return False
        if parent.tag not in _INLINE or len(parent) > 1 or _has_words(parent.text) or _has_words(context.tail):
            break
        context = parent
    before, before_text = _side_of(context, forward=False)
    after, after_text = _side_of(context, forward=True)
    return _inline_by_context(
        before, after, before_text, after_text,
        lambda: all(d.tag in _INLINE or "-" in d.tag for d in element.iterdescendants(etree.Element)),
        lambda: _few_words(element.itertext()),
    )


def _side_of(element: etree._Element, forward: bool) -> tuple[bool, str | None]:
    """Whether words sit on one side of ``element`` in its parent, and the text if they come as
    text: the nearest text with words, or inline element with words; inline elements without
    words (an icon, an image) are passed over, a block or custom element ends the search."""
    for neighbour in _neighbours(element, forward):
        if isinstance(neighbour, str) or neighbour is None:
            if _has_words(neighbour):
                return True, neighbour
        elif neighbour.tag not in _INLINE:
            return False, None
        elif _any_words(neighbour.itertext()):
            return True, None
    return False, None


def _neighbours(element: etree._Element, forward: bool) -> Iterator[etree._Element | str | None]:
    """What lies beside ``element`` in its parent, nearest first: the texts between (``None``
    where there is none) and the sibling elements, up to the parent's own text going back."""
    if forward:
        yield element.tail
        for sibling in element.itersiblings():
            yield sibling
            yield sibling.tail
    else:
        for sibling in element.itersiblings(preceding=True):
            yield sibling.tail
            yield sibling
        yield element.getparent().text


def _inline_by_context(
    before: bool, after: bool, before_text: str | None, after_text: str | None,
    inline_content: Callable[[], bool], short: Callable[[], bool],
) -> bool:
    """The rule for a custom element, in both parsers: it holds only inline markup (and custom
    elements) and has words on both sides (text, or inline elements with words); or text right
    on one side, words before it that do not end a sentence, and a few words of its own
    ("Updated <relative-time>Mar 8</relative-time>", "<user-link>Ana</user-link> wrote:", but
    not "… the story.<newsletter-signup><a>Sign up …</a></newsletter-signup>", nor cards in a
    row before a "More" link). ``inline_content`` and ``short`` walk the element: called last."""
    if not (before or after):
        return False
    if not (before and after):
        text = before_text if before else after_text
        if text is None or (before and text.rstrip().rstrip(_CLOSERS).endswith(_SENTENCE_STOPS)):
            return False
        if not short():
            return False
    return inline_content()


def _has_words(text: str | None) -> bool:
    return bool(text) and not text.isspace()


def _any_words(strings: Iterable[str]) -> bool:
    """Whether any of ``strings`` has a word, stopping at the first that has (a neighbour can
    hold the rest of the page)."""
    return any(map(_has_words, strings))


def _few_words(strings: Iterable[str], limit: int = _SHORT_INLINE_WORDS) -> bool:
    """Whether the text of ``strings`` joined holds at most ``limit`` words (a comment or a
    removed script between two pieces does not split a word), stopping once it is longer than
    such words could be."""
    text = ""
    for piece in strings:
        text += piece
        if len(text) > 50 * limit:
            return False
    return len(text.split()) <= limit


def _hides(get: Callable[[str], str | None]) -> bool:
    """Whether an element's attributes (``get``) hide it: marked hidden or aria-hidden, styled
    display:none or visibility:hidden, or of a screen-reader-only class."""
    style, classes = get("style"), get("class")
    return (
        get("hidden") is not None or (get("aria-hidden") or "").lower() == "true" or (style is not None and _hiding_style(style))
        or (classes is not None and _is_screen_reader_only(classes))
    )


def _is_page_a_script_shows(element: etree._Element, total: int) -> bool:
    """:func:`_is_the_page` for a hidden element of the lxml tree (``total``: the page's characters)."""
    size = len(_TEXT(element))
    return size > total * _MOST_HIDDEN and _is_the_page(element.tag, element.get, size, lambda: sum(len(_TEXT(a)) for a in element.iter("a")))


def _is_the_page(tag: str, get: Callable[[str], str | None], size: int, link_chars: Callable[[], int]) -> bool:
    """Whether a hidden element holding more than ``_MOST_HIDDEN`` of the page's text (``size``
    characters) is the page itself, waiting for a script (a hidden body, React's streamed ``<div
    hidden id="S:0">``, the page behind an open modal, marked aria-hidden): mostly not links, and
    neither furniture nor a dialog by tag, role, class or id (an off-canvas menu or a consent
    dialog can outweigh a short story)."""
    if tag in BOILERPLATE_REGION_TAGS or (get("role") or "").lower() in _NOT_A_PAGE_ROLES or (get("aria-modal") or "").lower() == "true":
        return False
    if _HIDDEN_FURNITURE.search(_class_tokens(f"{get('class') or ''} {get('id') or ''}")):
        return False
    return 2 * link_chars() < size


def _is_screen_reader_only(classes: str) -> bool:
    """Whether a class attribute hides its element from sight (``_SCREEN_READER_ONLY``) and no
    responsive class shows it again. Substring tests first: a fifth of the cost of the regular
    expression, which then runs on few classes."""
    if not ("only" in classes or "isually" in classes or "reader" in classes or "invisible" in classes or "assistive" in classes):
        return False
    return _SCREEN_READER_ONLY.search(classes) is not None and not ("not-sr-only" in classes and _SHOWN_FROM_A_WIDTH.search(classes))


def _hiding_style(style: str) -> bool:
    """Whether an inline style says display:none or visibility:hidden (CSS is case-insensitive and
    allows whitespace around the colon)."""
    compact = style.lower().translate(_NO_WHITESPACE)
    return any(hiding in compact for hiding in _HIDING_STYLES)


def _drop_keeping_tail(element: etree._Element) -> None:
    """Remove ``element`` and its content but keep the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _link_density(raw: str, texts: Sequence[str]) -> float:
    """Share of the block's visible characters that sit inside links. ``texts`` are the block's
    normalised pieces: their characters other than the single spaces between words are the
    visible characters of ``raw`` (soft hyphens and zero-width spaces aside, which ``raw``'s
    links still count), so it is not normalised a second time."""
    linked = "".join(_LINK_TEXT.findall(raw))
    total = 0
    for text in texts:
        total += len(text) - text.count(" ")
    return min(1.0, len("".join(linked.split())) / total) if total else 0.0


class _ElementKind(NamedTuple):
    """What a tag with its class, id and role contributes to the DOM evidence, worked out once
    per distinct combination (a site repeats a few hundred of them on every page)."""

    tag: str
    as_self: str  # own tokens ("t_div", class and id words, "r_role") prefixed "s_", for the block itself
    as_ancestor: str  # " a_" + own tokens prefixed "a_", for the blocks below it
    starts_region: bool  # a nav/header/footer/... tag or a boilerplate role


@lru_cache(maxsize=1 << 16)
def _element_kind(tag: str, cls: str | None, ident: str | None, role: str | None) -> _ElementKind:
    """The kind of an element with this tag, class, id and role (cached)."""
    tokens = "t_" + tag
    if cls:
        tokens += " " + _class_tokens(cls)
    if ident:
        tokens += " " + _class_tokens(ident)
    if role:
        tokens += " r_" + role.lower()
    return _ElementKind(
        tag=tag,
        as_self="s_" + tokens.replace(" ", " s_"),
        as_ancestor=" a_" + tokens.replace(" ", " a_"),
        starts_region=tag in BOILERPLATE_REGION_TAGS or (role or "").lower() in BOILERPLATE_ROLES,
    )


@dataclass
class _Tree:
    """The prepared tree flattened in document order: per element, by its index."""

    parents: list[int]  # -1 for the root
    depths: list[int]
    kinds: list[_ElementKind]
    in_region: list[bool]  # inside a boilerplate region (the element or an ancestor starts one)
    in_article: list[bool]  # an <article> element or inside one
    gold: list[str | None] | None  # inherited label, only with a label attribute
    pieces: list[tuple[int, str]]  # (element, raw text with link and break markers) in document order


def segment_html(html: str | bytes, label_attribute: str | None = None) -> list[Paragraph]:
    """Blocks of ``html`` in document order. With ``label_attribute``, each paragraph's ``label``
    is the value of that attribute on its nearest labelled ancestor (for training data)."""
    html = _without_markers(html)
    root, too_deep = parse_html(html)
    if too_deep:
        return _fallback_paragraphs(html)
    if root is None:
        return []
    _prepare(root)
    return _to_paragraphs(_walk(root, label_attribute))


def _without_markers(html: str | bytes) -> str | bytes:
    """``html`` without the noncharacters that mark links and line breaks (``_LINK_OPEN`` …): no
    text holds them, but a page that did would forge a paragraph break or a link."""
    if isinstance(html, str):
        if _LINK_OPEN in html or _LINK_CLOSE in html or _BREAK in html:
            return html.translate(dict.fromkeys(map(ord, (_LINK_OPEN, _LINK_CLOSE, _BREAK))))
        return html
    encoded = [m.encode() for m in (_LINK_OPEN, _LINK_CLOSE, _BREAK)]
    for marker in encoded:
        if marker in html:
            html = html.replace(marker, b"")
    return html


def _walk(root: etree._Element, label_attribute: str | None) -> _Tree:
    """One pass over the elements. Only what every element needs is done here (this loop runs
    about twice as often as there are blocks); token strings are built per distinct element kind
    and ancestor contexts later, per block."""
    parents: list[int] = []
    depths: list[int] = []
    kinds: list[_ElementKind] = []
    in_region: list[bool] = []
    in_article: list[bool] = []
    pieces: list[tuple[int, str]] = []
    tails: list[tuple[int, int, str]] = []  # (depth of the child, its parent, the child's tail), innermost last
    gold: list[str | None] | None = [] if label_attribute is not None else None
    index_of: dict[etree._Element, int] = {}
    for element in root.iter(etree.Element):
        i = len(parents)
        parent_i = index_of.get(element.getparent(), -1)
        index_of[element] = i
        kind = _element_kind(element.tag, element.get("class"), element.get("id"), element.get("role"))
        kinds.append(kind)
        parents.append(parent_i)
        depth = depths[parent_i] + 1 if parent_i >= 0 else 0
        depths.append(depth)
        in_region.append((parent_i >= 0 and in_region[parent_i]) or kind.starts_region)
        in_article.append((parent_i >= 0 and in_article[parent_i]) or kind.tag == "article")
        while tails and tails[-1][0] >= depth:  # those children have ended: their tails come now
            _, owner, tail = tails.pop()
            pieces.append((owner, tail))
        if element.text:
            pieces.append((i, element.text))
        if parent_i >= 0 and element.tail:  # text after a block child: its parent's, in a block of its own
            tails.append((depth, parent_i, element.tail))
        if gold is not None:
            gold.append(element.get(label_attribute) or (gold[parent_i] if parent_i >= 0 else None))
    pieces.extend((owner, tail) for _, owner, tail in reversed(tails))
    return _Tree(parents, depths, kinds, in_region, in_article, gold, pieces)


def _block_text(piece: str) -> str:
    """Whitespace-normalised text of a block piece: a source line break between CJK characters
    vanishes, breaks become spaces, link markers vanish.
    (``str.replace`` per marker costs less than a regular expression over the whole piece.)"""
    if "\n" in piece and not piece.isascii():  # a source line break between two CJK characters is no space
        piece = _WIDE_LINE_BREAK.sub("", piece)  # (CSS Text 3), but a <br> or a link's edge between them stays one
    if _BREAK in piece:
        piece = piece.replace(_LINK_OPEN, " ").replace(_LINK_CLOSE, " ").replace(_BREAK, " ")
    elif _LINK_OPEN in piece or _LINK_CLOSE in piece:
        piece = piece.replace(_LINK_OPEN, "").replace(_LINK_CLOSE, "")
    return " ".join(_without_invisible(piece).split())


def _without_invisible(text: str) -> str:
    """``text`` without the ``_INVISIBLE`` characters (a soft hyphen inside a word splits it)."""
    for invisible in _INVISIBLE:
        if invisible in text:
            text = text.replace(invisible, "")
    return text


def _blocks(pieces: list[tuple[int, str]]) -> list[tuple[int, str, float]]:
    """(element index, text, link density) of every non-empty block, split at double breaks.
    Plain loops: a comprehension or generator per block costs more than its work here."""
    blocks: list[tuple[int, str, float]] = []
    for i, raw in pieces:
        if not raw or raw.isspace():
            continue
        if _BREAK not in raw:
            text = _block_text(raw)
            if text:
                blocks.append((i, text, _link_density(raw, (text,)) if _LINK_OPEN in raw else 0.0))
            continue
        pieces = []
        for piece in _PARAGRAPH_BREAK.split(raw):
            text = _block_text(piece)
            if text:
                pieces.append(text)
        density = _link_density(raw, pieces) if _LINK_OPEN in raw else 0.0
        for text in pieces:
            blocks.append((i, text, density))
    return blocks


def _context_below(p: int, parents: list[int], kinds: list[_ElementKind], memo: dict[int, str]) -> str:
    """The "a_" tokens that element ``p`` and its ancestors give the elements directly below it,
    nearest last, cut to the last ``_MAX_ANCESTOR_TOKENS`` characters (``""`` below no element).
    Memoised per element: sibling blocks share it, and elements without blocks below them
    never need it."""
    if p < 0:
        return ""
    context = memo.get(p)
    if context is None:
        context = memo[p] = (_context_below(parents[p], parents, kinds, memo) + kinds[p].as_ancestor)[-_MAX_ANCESTOR_TOKENS:]
    return context


def _densest_container(blocks: list[tuple[int, str, float]], parents: list[int]) -> tuple[int, dict[int, int], dict[int, int], dict[int, int]]:
    """Where the long, link-poor text lives: the element whose child blocks (plus half its
    grandchild blocks) hold the most of it (-1 if none), and per element the long characters of
    its child blocks, of its grandchild blocks, and its number of child blocks. Only elements
    with blocks below them get entries, so the search skips the rest of the tree."""
    parent_long: dict[int, int] = {}
    grandparent_long: dict[int, int] = {}
    children_blocks: dict[int, int] = {}
    for i, text, density in blocks:
        p = parents[i]
        if p < 0:
            continue
        children_blocks[p] = children_blocks.get(p, 0) + 1
        if len(text) >= _LONG_BLOCK_CHARS and density < 0.3:
            parent_long[p] = parent_long.get(p, 0) + len(text)
            gp = parents[p]
            if gp >= 0:
                grandparent_long[gp] = grandparent_long.get(gp, 0) + len(text)
    candidates = sorted(parent_long.keys() | grandparent_long.keys())  # first in document order wins ties
    top = max(candidates, key=lambda e: parent_long.get(e, 0) + grandparent_long.get(e, 0) / 2) if candidates else -1
    return top, parent_long, grandparent_long, children_blocks


def _subtree_end(top: int, depths: list[int]) -> int:
    """One past the last descendant of element ``top`` (descendants follow it in document order)."""
    depth = depths[top]
    return next((j for j in range(top + 1, len(depths)) if depths[j] <= depth), len(depths))


def _to_paragraphs(tree: _Tree) -> list[Paragraph]:
    parents, depths, kinds = tree.parents, tree.depths, tree.kinds
    blocks = _blocks(tree.pieces)
    top, parent_long, grandparent_long, children_blocks = _densest_container(blocks, parents)
    top_end = _subtree_end(top, depths) if top >= 0 else -1
    contexts: dict[int, str] = {}

    paragraphs = []
    for index, (i, text, density) in enumerate(blocks):
        p = parents[i]
        gp = parents[p] if p >= 0 else -1
        inside = top <= i < top_end
        kind = kinds[i]
        # positional arguments, in field order: half the cost of keywords for these dataclasses
        dom = DomEvidence(
            kind.tag,  # tag
            depths[i],  # depth
            kind.as_self + _context_below(p, parents, kinds, contexts),  # tokens
            density,  # link_density
            tree.in_region[i],  # in_boilerplate_region
            parent_long.get(p, 0),  # parent_long_chars
            grandparent_long.get(gp, 0),  # grandparent_long_chars
            children_blocks.get(p, 0),  # sibling_blocks
            inside,  # in_densest_container
            (depths[i] - depths[top]) if inside else -1,  # container_distance
            tree.in_article[i],  # in_article
        )
        paragraph = Paragraph(text, index, dom)
        if tree.gold is not None:
            paragraph.label = tree.gold[i]
        paragraphs.append(paragraph)
    return paragraphs
