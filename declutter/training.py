"""From labelled documents to a fitted model: the views the model learns from, and their weights.

A page labelled from HTML teaches the HTML case. A crawled page (one with a ``domain``) also
yields two plain-text views, because plain text arrives in two shapes: a whole page dumped as text (mostly
boilerplate) and an extractor's output (mostly article, with the boilerplate that sits near the
story). Team-written documents are few but carry every category, so each group of documents
is weighted to an equal share of the training signal; a written HTML page also counts as written
text.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from declutter.categories import ARTICLE
from declutter.dataset import LabelledDocument
from declutter.model import ParagraphClassifier
from declutter.paragraph import Paragraph
from declutter.readers.record import site_of as url_site

_NEAR_STORY = 3  # boilerplate blocks this close to the story survive into the extractor view
MAX_PARAGRAPH_WEIGHT = 12.0  # no paragraph outweighs this many others: small groups must not be memorised


@dataclass
class TrainingSet:
    documents: list[list[Paragraph]]
    labels: list[list[str]]
    weights: np.ndarray
    sites: list[str]  # per document: where it comes from (domain, or the id's prefix)
    groups: dict[str, int]


#: ids that name a file, a file's record or stdin (``declutter tag --format labels`` writes them):
#: the running number of "corpus/it-00.txt" or the name of "my-crawl.jsonl#3" is no site's, and
#: every "stdin-<hash>" would be one site
_OWN_SITE_ID = re.compile(r"[/\\]|\.\w{1,5}(?:#\d+)?$|^stdin-[0-9a-f]{12}$")
_URL_ID = re.compile(r"^https?://", re.IGNORECASE)


def site_of(doc: LabelledDocument) -> str:
    """The site a document stands for: its domain, else the host of an id that is a URL, else
    its id without the running number ("wen-mix3-014" → "wen-mix3"); a file path, a file's
    record ("crawl.jsonl#3") or a stdin id stands for itself alone."""
    if doc.extra.get("domain"):
        return str(doc.extra["domain"])
    if _URL_ID.match(doc.id) and url_site(doc.id):
        return url_site(doc.id)
    return doc.id if _OWN_SITE_ID.search(doc.id) else doc.id.rsplit("-", 1)[0]


def _text_view(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    return [Paragraph(text=p.text, index=i, label=p.label) for i, p in enumerate(paragraphs)]


def extractor_view(doc: LabelledDocument) -> list[Paragraph] | None:
    """The story as an extractor would return it: article blocks and the boilerplate near them."""
    rows = [i for i, p in enumerate(doc.paragraphs) if p.label == ARTICLE]
    if not rows:
        return None
    first, last = rows[0], rows[-1]
    near = [
        p for i, p in enumerate(doc.paragraphs)
        if p.label == ARTICLE or first - _NEAR_STORY <= i <= last + _NEAR_STORY and len(p.text) > 1
    ]
    return _text_view(near)


#: Paragraphs per group beyond which a group is cut to a random subset of its documents (training
#: time grows with rows; the group's weight is unchanged). Crawled HTML keeps the most: page
#: structure varies far more between sites than text does.
MAX_GROUP_PARAGRAPHS = {"html": 150_000}
DEFAULT_MAX_GROUP_PARAGRAPHS = 50_000


def build_training_set(documents: Iterable[LabelledDocument], limit_groups: bool = True, seed: int = 0) -> TrainingSet:
    """Every document, plus the text views of HTML ones, weighted per group; with
    ``limit_groups``, groups are cut to ``MAX_GROUP_PARAGRAPHS``."""
    groups: dict[str, list[tuple[str, list[Paragraph]]]] = {
        "written-text": [], "written-html": [], "extractor-output": [], "html": [], "html-as-text": [],
        "html-extracted": [],
    }
    for doc in documents:
        if not doc.paragraphs:
            continue
        site = site_of(doc)
        is_html = doc.format == "html"
        if doc.extra.get("origin") == "extractor-output":
            groups["extractor-output"].append((site, doc.paragraphs))
        elif is_html and "domain" in doc.extra:  # a crawled page
            groups["html"].append((site, doc.paragraphs))
            groups["html-as-text"].append((site, _text_view(doc.paragraphs)))
            extracted = extractor_view(doc)
            if extracted:
                groups["html-extracted"].append((site, extracted))
        elif is_html:
            # written pages carry every category: a share of their own, not lost among crawled pages
            groups["written-html"].append((site, doc.paragraphs))
            groups["written-text"].append((site, _text_view(doc.paragraphs)))
        else:
            groups["written-text"].append((site, doc.paragraphs))
    share = {
        "written-text": 1.0, "written-html": 1.0, "extractor-output": 1.0, "html": 1.0, "html-as-text": 0.3,
        "html-extracted": 0.3,
    }
    reference = max(1, sum(len(p) for _, p in groups["written-text"]))
    rng = np.random.default_rng(seed)
    for name, members in groups.items():
        total = sum(len(d) for _, d in members)
        limit = MAX_GROUP_PARAGRAPHS.get(name, DEFAULT_MAX_GROUP_PARAGRAPHS)
        if limit_groups and total > limit:
            order = rng.permutation(len(members))
            kept, size = [], 0
            for i in order:
                if size >= limit:
                    break
                kept.append(members[i])
                size += len(members[i][1])
            groups[name] = kept
    docs, labels, weights, sites = [], [], [], []
    for name, members in groups.items():
        paragraphs = sum(len(d) for _, d in members)
        if not paragraphs:
            continue
        weight = share[name] * reference / paragraphs
        for site, d in members:
            docs.append([Paragraph(text=p.text, index=p.index, dom=p.dom) for p in d])
            labels.append([p.label for p in d])
            weights.append(weight)
            sites.append(site)
    weights = np.asarray(weights)
    sizes = np.array([len(d) for d in docs])
    weights *= sizes.sum() / max(1e-12, float((weights * sizes).sum()))  # mean paragraph weight 1 (SGD's step size)
    weights = np.minimum(weights, MAX_PARAGRAPH_WEIGHT)  # a small group must not be memorised
    return TrainingSet(docs, labels, weights, sites, {k: len(v) for k, v in groups.items()})


def train(documents: Iterable[LabelledDocument], verbose: int = 1, **params) -> tuple[ParagraphClassifier, dict]:
    """Fit a :class:`ParagraphClassifier`; returns it and facts for the manifest."""
    documents = list(documents)
    if not any(p.label == ARTICLE for doc in documents for p in doc.paragraphs):
        raise ValueError(f"no paragraph is labelled {ARTICLE!r}: a model trained on this data would drop every paragraph")
    data = build_training_set(documents)
    model = ParagraphClassifier(verbose=verbose, **params).fit(data.documents, data.labels, sample_weight=data.weights, groups=data.sites)
    facts = {
        "training_documents": len(documents),
        "training_views": data.groups,
        "training_data_sha256": data_hash(documents),
    }
    return model, facts


def data_hash(documents: Iterable[LabelledDocument]) -> str:
    """A fingerprint of the labelled data (ids, texts, labels)."""
    digest = hashlib.sha256()
    for doc in documents:
        digest.update(json.dumps([doc.id, [(p.text, p.label) for p in doc.paragraphs]], ensure_ascii=False).encode())
    return digest.hexdigest()
