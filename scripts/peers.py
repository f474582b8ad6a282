"""The extractors users would pick instead of declutter, behind one signature: html -> text.

Installed with ``python -m pip install -U pip && pip install -e '.[bench]'`` (pip 23 cannot resolve them). A tool that is missing or fails on a page gives
an empty string for that page (and is counted as such); nothing here is timed.
"""

from __future__ import annotations

from typing import Callable


def _trafilatura() -> Callable[[str], str]:
    import trafilatura

    return lambda html: trafilatura.extract(html) or ""


def _justext() -> Callable[[str], str]:
    import justext

    stoplist = justext.get_stoplist("English")
    return lambda html: "\n".join(p.text for p in justext.justext(html.encode("utf-8"), stoplist) if not p.is_boilerplate)


def _readability() -> Callable[[str], str]:
    import lxml.html
    from readability import Document

    def extract(html: str) -> str:
        summary = Document(html).summary(html_partial=True)
        return "\n".join(" ".join(t.split()) for t in lxml.html.fromstring(summary).itertext() if t.strip())

    return extract


def _boilerpy3() -> Callable[[str], str]:
    from boilerpy3 import extractors

    extractor = extractors.ArticleExtractor(raise_on_failure=False)
    return lambda html: extractor.get_content(html) or ""


def _resiliparse() -> Callable[[str], str]:
    from resiliparse.extract.html2text import extract_plain_text

    return lambda html: extract_plain_text(html, main_content=True)


def _html_text() -> Callable[[str], str]:
    import html_text

    return lambda html: html_text.extract_text(html)


PEERS = {
    "trafilatura": _trafilatura,
    "justext": _justext,
    "readability": _readability,
    "boilerpy3": _boilerpy3,
    "resiliparse": _resiliparse,
    "html-text (keep all)": _html_text,
}


def load_peers(names: list[str] | None = None) -> dict[str, Callable[[str], str]]:
    """The peers that are installed, each wrapped so that a failure on one page gives ''."""
    tools = {}
    for name, factory in PEERS.items():
        if names and name not in names:
            continue
        try:
            extract = factory()
        except ImportError as exc:
            print(f"[bench] {name} not installed ({exc}); pip install -e '.[bench]'")
            continue
        tools[name] = _safe(extract)
    return tools


def _safe(extract: Callable[[str], str]) -> Callable[[str], str]:
    def run(html: str) -> str:
        try:
            return extract(html) or ""
        except Exception:  # noqa: BLE001 - a peer's failure on a page is an empty extraction
            return ""

    return run


def justext_on_paragraphs(text: str) -> str:
    """jusText run on plain text: each line becomes a <p>, jusText keeps the good ones."""
    import html as html_module

    import justext

    page = "<html><body>" + "".join(f"<p>{html_module.escape(line)}</p>" for line in text.split("\n") if line.strip()) + "</body></html>"
    return "\n".join(p.text for p in justext.justext(page.encode("utf-8"), justext.get_stoplist("English")) if not p.is_boilerplate)
