"""The paragraph categories: defined here and nowhere else."""

from __future__ import annotations

ARTICLE = "article"

#: Every label the model knows, with what it means. Order is the model's class order.
CATEGORIES: dict[str, str] = {
    ARTICLE: "the story: title, subheads, body, lists, quotes, credit lines",
    "appeal": "donation, membership and 'support us' requests",
    "newsletter": "newsletter sign-ups",
    "subscription": "paywalls, log-in prompts, metered-article notices",
    "share": "share buttons and social links",
    "navigation": "menus, breadcrumbs, section lists, pagination",
    "related": "read more, recommended and most-read lists",
    "cookie": "cookie and consent notices",
    "legal": "copyright, terms, privacy and republishing rules",
    "ad": "advertisement labels, ad copy, sponsored content",
    "comments": "comment sections and user comments",
    "ui": "widget text such as 'Remind me later.' or 'Load more'",
    "meta": "bylines, datelines, reading time, photo credits and captions, tags",
    "other": "boilerplate of unknown kind (labels aligned from real pages)",
}

LABELS: tuple[str, ...] = tuple(CATEGORIES)
BOILERPLATE: frozenset[str] = frozenset(LABELS) - {ARTICLE}


def check_label(label: str) -> str:
    """Return ``label`` if it is a known category, else raise ``ValueError``."""
    if label not in CATEGORIES:
        raise ValueError(f"unknown label {label!r}; known labels: {', '.join(LABELS)}")
    return label
