"""The unit everything works on: one paragraph of a document, with its evidence and decision."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class DomEvidence:
    """What the HTML around a block says about it (absent for plain text)."""

    tag: str
    depth: int
    tokens: str  # space-separated tag/class/id tokens of the block and its ancestors
    link_density: float
    in_boilerplate_region: bool  # inside nav, header, footer, aside or form
    parent_long_chars: int  # long, link-poor text held by the parent's blocks
    grandparent_long_chars: int
    sibling_blocks: int  # blocks sharing the same parent
    in_densest_container: bool
    container_distance: int  # tree steps to the page's densest container
    in_article: bool = False  # an <article> element or inside one


@dataclass(slots=True)
class Paragraph:
    """One paragraph: its exact text, where it sits and, once tagged, what it is."""

    text: str
    index: int
    dom: DomEvidence | None = None
    label: str | None = None
    probability: float | None = None  # of its label
    kept: bool | None = None
    boilerplate: float | None = None  # P(boilerplate): of the categories not kept together, what the drop rule weighs
    reason: str | None = None  # set when a rule, not the model alone, made the decision

    def to_dict(self) -> dict:
        """The decision as plain data (for JSON output)."""
        return {
            "index": self.index,
            "text": self.text,
            "label": self.label,
            "probability": None if self.probability is None else round(self.probability, 4),
            "kept": self.kept,
            "p_boilerplate": None if self.boilerplate is None else round(self.boilerplate, 4),
            **({"reason": self.reason} if self.reason else {}),
        }
