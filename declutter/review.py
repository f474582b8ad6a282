"""One self-contained HTML page showing every paragraph's decision, for a person to check."""

from __future__ import annotations

import html
from typing import Sequence

from declutter.categories import CATEGORIES, LABELS

# One colour per category, readable on white (a category added later is shown in _OTHER_COLOUR).
_COLOURS = dict(zip(LABELS, (
    "#e8f5e9", "#ffcdd2", "#f8bbd0", "#e1bee7", "#d1c4e9", "#c5cae9", "#bbdefb", "#b2ebf2",
    "#b2dfdb", "#fff9c4", "#ffe0b2", "#ffccbc", "#d7ccc8", "#eeeeee",
)))

_OTHER_COLOUR = "#e0e0e0"

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 2em; border-bottom: 1px solid #ccc; }
.para { margin: .3em 0; padding: .35em .6em; border-radius: 4px; display: flex; gap: .8em; }
.para .tag { flex: 0 0 9.5em; font: 12px/1.6 monospace; }
.para.dropped .text { text-decoration: line-through; color: #666; }
.legend span { display: inline-block; padding: .1em .5em; margin: .1em; border-radius: 3px; font: 12px monospace; }
.summary { color: #555; }
"""


def _reason(paragraph) -> str:
    """Why a rule, not the model alone, decided, for the tooltip ("; kept: 2,112 characters, …")."""
    return f"; {html.escape(paragraph.reason, quote=True)}" if paragraph.reason else ""


def render_review(documents: Sequence[tuple[str, Sequence]], decided_by: str = "") -> str:
    """``documents`` are (title, tagged paragraphs) pairs, ``decided_by`` says which model and rule
    made the decisions; returns the whole HTML page."""
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>declutter review</title>",
        f"<style>{_STYLE}</style></head><body><h1>declutter review</h1>",
        f"<p class='summary model'>{html.escape(decided_by)}</p>" if decided_by else "",
        "<p class='legend'>",
        "".join(
            f"<span style='background:{_COLOURS.get(label, _OTHER_COLOUR)}' title='{html.escape(description)}'>{label}</span>"
            for label, description in CATEGORIES.items()
        ),
        "</p>",
    ]
    for title, paragraphs in documents:
        dropped = sum(not p.kept for p in paragraphs)
        parts.append(
            f"<section class='document'><h2>{html.escape(title)}</h2>"
            f"<p class='summary'>{len(paragraphs)} paragraphs, {dropped} removed</p>"
        )
        for p in paragraphs:
            state = "kept" if p.kept else "dropped"
            parts.append(
                f"<div class='para {state}' data-label='{p.label}' data-probability='{p.probability:.3f}' "
                f"style='background:{_COLOURS.get(p.label, _OTHER_COLOUR)}'>"
                f"<span class='tag' title='P(boilerplate) {p.boilerplate:.2f}: what the drop rule weighs{_reason(p)}'>{p.label} {p.probability:.2f}</span>"
                f"<span class='text'>{html.escape(p.text)}</span></div>"
            )
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)
