"""A synthetic scraped corpus for tests and benchmarks: sites whose pages share an appeal and a
footer, with articles that differ per page. All sentences are written for this project."""

from __future__ import annotations

import html
import json
import random
from pathlib import Path

SUBJECTS = ["The harbour authority", "A regional court", "The city council", "Local farmers", "The national rail operator",
            "Researchers at the university", "The transport minister", "A coalition of tenants", "The central bank", "Fire crews"]
VERBS = ["announced on Monday that", "warned on Thursday that", "said in a statement that", "confirmed late on Friday that",
         "told reporters that", "argued in a filing that"]
CLAIMS = ["the new ferry schedule would start in early spring", "repairs to the northern bridge would take two more years",
          "grain prices had fallen for a third straight month", "the budget gap was wider than forecast",
          "the evacuation order would remain in place overnight", "a pilot program for night buses would be extended",
          "water levels in the reservoir were close to a record low", "the strike could spread to two more depots"]
TAILS = ["Officials declined to give a date.", "Critics called the plan rushed.", "The decision surprised several analysts.",
         "Residents have been asked to follow updates.", "A full report is expected next month.", ""]
SITES = {
    "harbourledger.example": ("A note from The Harbour Ledger:", ["Our reporting is free to read because readers chip in.",
                              "Give once or monthly from $3 and keep local news alive."], "© 2024 The Harbour Ledger. All rights reserved."),
    "valleyradio.example": ("Support Valley Public Radio", ["Listeners like you keep this station on the air.",
                            "Become a sustaining member during our autumn drive."], "Copyright Valley Public Radio. Terms of use apply."),
    "northpost.example": ("Dear reader,", ["Independent journalism costs money, and we have no billionaire owner.",
                          "If you value this work, please consider a contribution today."], "North Post Media Ltd. Republishing requires permission."),
}


def article(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(CLAIMS)}. {rng.choice(TAILS)}".strip() for _ in range(n)]


def document(rng: random.Random, site: str, as_html: bool) -> str:
    intro, appeal, footer = SITES[site]
    body = article(rng, rng.randint(3, 9))
    if not as_html:
        return "\n".join(body + [intro, *appeal, "Remind me later.", footer])
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in body)
    appeal_html = "".join(f"<p>{html.escape(p)}</p>" for p in appeal)
    return (
        "<!DOCTYPE html><html><head><title>News</title><script>var x = 1;</script></head><body>"
        "<nav class='menu'><ul><li><a href='/'>Home</a></li><li><a href='/local'>Local</a></li>"
        "<li><a href='/sport'>Sport</a></li></ul></nav><main><article class='story'>"
        f"{paragraphs}</article><div class='donate-box'><h3>{html.escape(intro)}</h3>{appeal_html}"
        "<button>Remind me later.</button></div></main>"
        f"<footer><p>{html.escape(footer)}</p></footer></body></html>"
    )


def write_jsonl(path: Path, n: int, seed: int = 0, html_share: float = 0.5) -> Path:
    """``n`` records {id, url, text | html} to ``path``."""
    rng = random.Random(seed)
    sites = sorted(SITES)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            site = sites[i % len(sites)]
            as_html = rng.random() < html_share
            record = {"id": f"doc-{i}", "url": f"https://www.{site}/news/{i}", "text": document(rng, site, as_html)}
            handle.write(json.dumps(record) + "\n")
    return path


def write_tree(root: Path, n: int, seed: int = 0) -> Path:
    """``n`` files under ``root/<site>/``, half text and half HTML."""
    rng = random.Random(seed)
    sites = sorted(SITES)
    for i in range(n):
        site = sites[i % len(sites)]
        as_html = i % 2 == 1
        path = root / site / f"page-{i}.{'html' if as_html else 'txt'}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document(rng, site, as_html), encoding="utf-8")
    return root
