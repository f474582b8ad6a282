"""HTML → paragraphs: the text of block-level elements, each with its DOM evidence.

The hot path stays in lxml's C code where it can: junk elements are removed with
``strip_elements``, inline tags are merged into their block with ``strip_tags`` (links are first
wrapped in marker characters so link density survives), and a single ``iter()`` pass collects the
blocks. No BeautifulSoup tree is built.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from lxml import etree

from declutter.paragraph import DomEvidence, Paragraph

JUNK_TAGS = (
    "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object",
    "embed", "canvas", "select", "datalist",
)
INLINE_TAGS = (
    "a", "abbr", "b", "bdi", "bdo", "big", "button", "cite", "code", "data", "del", "dfn", "em",
    "font", "i", "img", "input", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small",
    "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "br",
)
BOILERPLATE_REGION_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "menu"})
BOILERPLATE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu"})
_MAY_HIDE = etree.XPath("descendant-or-self::*[@hidden or @aria-hidden or @style]")
_HIDING_STYLES = ("display:none", "visibility:hidden")
_LINK_OPEN, _LINK_CLOSE, _BREAK = "\ue000", "\ue001", "\ue002"  # private-use markers
_MARKERS = re.compile("[\ue000-\ue002]")
_PARAGRAPH_BREAK = re.compile("\ue002(?:\\s*\ue002)+")
_LINK_TEXT = re.compile("\ue000([^\ue001]*)")
_TOKEN_SPLIT = re.compile(r"[^0-9a-zA-Z]+")
_LONG_BLOCK_CHARS = 80
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
    too_deep = any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)
    return root, too_deep


def _fallback_paragraphs(data: str | bytes) -> list[Paragraph]:
    """Markup lxml cannot hold (nesting past its depth limit): BeautifulSoup's lenient parser
    recovers the text, one paragraph per line, without DOM evidence."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "html.parser")
    for junk in soup(list(JUNK_TAGS)):
        junk.decompose()
    lines = (" ".join(line.split()) for line in soup.get_text("\n").split("\n"))
    return [Paragraph(text=line, index=i) for i, line in enumerate(line for line in lines if line)]


@lru_cache(maxsize=1 << 16)
def _class_tokens(value: str) -> str:
    """Lower-cased word tokens of a class or id attribute (cached: sites reuse their classes)."""
    return " ".join(t.lower() for t in _TOKEN_SPLIT.split(value) if 1 < len(t) < 30)


def _prepare(root: etree._Element) -> None:
    """Drop invisible content and merge inline markup into its block, marking links and breaks."""
    etree.strip_elements(root, *JUNK_TAGS, etree.Comment, with_tail=False)
    for element in _hidden(root):
        _drop_keeping_tail(element)
    for link in root.iter("a"):
        link.text = _LINK_OPEN + (link.text or "")
        link.tail = _LINK_CLOSE + (link.tail or "")
    for br in root.iter("br"):
        br.tail = _BREAK + (br.tail or "")
    etree.strip_tags(root, *INLINE_TAGS)


def _hidden(root: etree._Element) -> list[etree._Element]:
    """Elements marked hidden, ``aria-hidden="true"`` or styled ``display:none`` or
    ``visibility:hidden`` (spaces ignored), in document order. XPath only finds the candidates:
    ``translate()`` over every element's style made it cost half as much as parsing the page."""
    return [
        element for element in _MAY_HIDE(root)
        if element.get("hidden") is not None or element.get("aria-hidden") == "true" or _hiding_style(element.get("style"))
    ]


def _hiding_style(style: str | None) -> bool:
    if not style:
        return False
    compact = style.replace(" ", "")
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


def _link_density(raw: str) -> float:
    """Share of the block's visible characters that sit inside links."""
    linked = "".join(_LINK_TEXT.findall(raw))
    total = len("".join(_MARKERS.sub("", raw).split()))
    return min(1.0, len("".join(linked.split())) / total) if total else 0.0


def segment_html(html: str | bytes, label_attribute: str | None = None) -> list[Paragraph]:
    """Blocks of ``html`` in document order. With ``label_attribute``, each paragraph's ``label``
    is the value of that attribute on its nearest labelled ancestor (for training data)."""
    root, too_deep = parse_html(html)
    if too_deep:
        return _fallback_paragraphs(html)
    if root is None:
        return []
    _prepare(root)

    # per element, by document-order index: parent index, depth, own tokens, ancestor tokens,
    # in-boilerplate-region flag, inherited gold label
    parents: list[int] = []
    depths: list[int] = []
    index_of: dict[etree._Element, int] = {}
    own_tokens: list[str] = []
    anc_tokens: list[str] = []
    in_region: list[bool] = []
    gold: list[str | None] = []
    texts: list[str] = []  # own text and children's tails, with link and break markers

    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        i = len(parents)
        parent_i = index_of.get(element.getparent(), -1)
        index_of[element] = i
        cls, ident, role = element.get("class"), element.get("id"), element.get("role")
        tokens = "t_" + tag
        if cls:
            tokens += " " + _class_tokens(cls)
        if ident:
            tokens += " " + _class_tokens(ident)
        if role:
            tokens += " r_" + role.lower()
        if parent_i >= 0:
            parents.append(parent_i)
            depths.append(depths[parent_i] + 1)
            anc = anc_tokens[parent_i] + " a_" + own_tokens[parent_i].replace(" ", " a_")
            anc_tokens.append(anc[-_MAX_ANCESTOR_TOKENS:])
            region = in_region[parent_i]
            label = gold[parent_i]
        else:
            parents.append(-1)
            depths.append(0)
            anc_tokens.append("")
            region = False
            label = None
        in_region.append(region or tag in BOILERPLATE_REGION_TAGS or (role or "").lower() in BOILERPLATE_ROLES)
        own_tokens.append(tokens)
        if label_attribute is not None:
            label = element.get(label_attribute) or label
        gold.append(label)

        texts.append(element.text or "")
        tail = element.tail
        if tail and parent_i >= 0:  # a child's tail is its parent's text
            texts[parent_i] += tail

    raw_blocks = [(i, text) for i, text in enumerate(texts) if text and not text.isspace()]
    return _to_paragraphs(raw_blocks, parents, depths, own_tokens, anc_tokens, in_region, gold, label_attribute)


def _to_paragraphs(raw_blocks, parents, depths, own_tokens, anc_tokens, in_region, gold, label_attribute):
    n = len(parents)
    blocks: list[tuple[int, str, float]] = []
    for i, raw in raw_blocks:
        density = _link_density(raw) if _LINK_OPEN in raw else 0.0
        pieces = _PARAGRAPH_BREAK.split(raw) if _BREAK in raw else [raw]
        for piece in pieces:
            text = " ".join(_MARKERS.sub(" ", piece).split()) if _BREAK in piece else " ".join(_MARKERS.sub("", piece).split())
            if text:
                blocks.append((i, text, density))

    # Where the long, link-poor text lives: parent and grandparent scores, densest container.
    parent_long = [0] * n
    grandparent_long = [0] * n
    children_blocks = [0] * n
    for i, text, density in blocks:
        p = parents[i]
        if p >= 0:
            children_blocks[p] += 1
        if len(text) >= _LONG_BLOCK_CHARS and density < 0.3:
            if p >= 0:
                parent_long[p] += len(text)
                gp = parents[p]
                if gp >= 0:
                    grandparent_long[gp] += len(text)
    top = max(range(n), key=lambda e: parent_long[e] + grandparent_long[e] / 2) if n else -1
    subtree_end = list(range(1, n + 1))
    for e in range(n - 1, 0, -1):
        p = parents[e]
        if p >= 0 and subtree_end[e] > subtree_end[p]:
            subtree_end[p] = subtree_end[e]
    has_top = top >= 0 and (parent_long[top] + grandparent_long[top]) > 0

    paragraphs = []
    for index, (i, text, density) in enumerate(blocks):
        p = parents[i]
        gp = parents[p] if p >= 0 else -1
        inside = has_top and top <= i < subtree_end[top]
        tokens = "s_" + own_tokens[i].replace(" ", " s_") + anc_tokens[i]
        dom = DomEvidence(
            tag=own_tokens[i].split(" ", 1)[0][2:],
            depth=depths[i],
            tokens=tokens,
            link_density=density,
            in_boilerplate_region=in_region[i],
            parent_long_chars=parent_long[p] if p >= 0 else 0,
            grandparent_long_chars=grandparent_long[gp] if gp >= 0 else 0,
            sibling_blocks=children_blocks[p] if p >= 0 else 0,
            in_densest_container=inside,
            container_distance=(depths[i] - depths[top]) if inside else -1,
        )
        paragraph = Paragraph(text=text, index=index, dom=dom)
        if label_attribute is not None:
            paragraph.label = gold[i]
        paragraphs.append(paragraph)
    return paragraphs
