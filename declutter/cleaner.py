"""The Python API: load a model once, then tag and clean documents.

    from declutter import Cleaner
    cleaner = Cleaner.load()
    cleaner.clean(text_or_html)          # -> the article text
    cleaner.tag(text_or_html)            # -> paragraphs with label, probability, kept

A ``Cleaner`` holds no per-call state, so one instance can be shared across threads.
"""

from __future__ import annotations

from pathlib import Path
from dataclasses import dataclass
from itertools import islice
from typing import Iterable, Iterator, Literal, Sequence, get_args

import numpy as np

from declutter.categories import ARTICLE, check_label
from declutter.checks import check_number, check_whole_number
from declutter.decode import decode_bytes, looks_like_html
from declutter.drop_rule import DropRule
from declutter.model_store import load_model
from declutter.paragraph import Paragraph
from declutter.segment import paragraph_separator, read_fragment_as_text, segment_html, segment_text

Format = Literal["auto", "text", "html"]
FORMATS = get_args(Format)
DEFAULT_MAX_BYTES = 20_000_000
DEFAULT_MAX_PARAGRAPHS = 100_000


class DocumentTooLarge(ValueError):
    """The document is over the size limit."""


class TaggedDocument(list):
    """A document's paragraphs (a ``list[Paragraph]``), each with its decision.

    ``text`` joins the kept paragraphs with the document's own paragraph separator."""

    def __init__(self, paragraphs: Iterable[Paragraph], format: str, separator: str) -> None:
        super().__init__(paragraphs)
        self.format = format
        self.separator = separator

    @property
    def read_as(self) -> str:
        """``html`` when its paragraphs carry DOM evidence, else ``text`` (plain text, and HTML
        fragments: see ``read_fragment_as_text``); which stages and drop rule decide."""
        return "html" if any(p.dom is not None for p in self) else "text"

    @property
    def kept(self) -> list[Paragraph]:
        return [p for p in self if p.kept]

    @property
    def dropped(self) -> list[Paragraph]:
        return [p for p in self if not p.kept]

    @property
    def text(self) -> str:
        return self.separator.join(p.text for p in self if p.kept)

    def to_dict(self) -> dict:
        return {"format": self.format, "read_as": self.read_as, "text": self.text, "paragraphs": [p.to_dict() for p in self]}


def segment_document(document: str | bytes, format: Format = "auto", max_bytes: int | None = DEFAULT_MAX_BYTES, max_paragraphs: int | None = DEFAULT_MAX_PARAGRAPHS, encoding: str | None = None) -> TaggedDocument:
    """Decode ``document`` (bytes: see :func:`decode_bytes`, ``encoding`` the charset its
    transport declared) and split it into paragraphs, telling HTML from text when ``auto``."""
    if not isinstance(document, (str, bytes)):
        raise TypeError(f"a document is str (text or HTML) or bytes, not {type(document).__name__}")
    check_format(format)
    if max_bytes is not None and (size := _size_over(document, max_bytes)):
        raise DocumentTooLarge(f"document of {size} is over the limit of {max_bytes:,} bytes (max_bytes, --max-bytes)")
    text = decode_bytes(document, encoding) if isinstance(document, bytes) else document.removeprefix("\ufeff")  # a BOM is no text, as in bytes
    kind = format if format != "auto" else ("html" if looks_like_html(text) else "text")
    if kind == "html":  # NULs are dropped (as from bytes; lxml would make them U+FFFD); plain text stays exact
        document = TaggedDocument(read_fragment_as_text(segment_html(text.replace("\x00", ""))), "html", "\n")
    else:
        paragraphs, layout = segment_text(text)
        document = TaggedDocument(paragraphs, "text", paragraph_separator(text, layout))
    if max_paragraphs is not None and len(document) > max_paragraphs:
        raise DocumentTooLarge(f"document has {len(document):,} paragraphs, over the limit of {max_paragraphs:,} (--max-paragraphs)")
    return document


def check_format(format: str) -> str:
    """``format`` if it is one of ``FORMATS``; a ValueError that lists them otherwise."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}: use auto, text or html")
    return format


def _size_over(document: str | bytes, max_bytes: int) -> str | None:
    """How big ``document`` is ("1,234 bytes") when it is over ``max_bytes`` bytes, else None. A
    str counts as UTF-8 (one to four bytes a character) and is encoded only when its length
    cannot tell."""
    if isinstance(document, bytes):
        return f"{len(document):,} bytes" if len(document) > max_bytes else None
    if len(document) > max_bytes:
        return f"{len(document):,} characters (as many bytes or more)"
    if len(document) * 4 > max_bytes and (size := len(document.encode("utf-8", "surrogatepass"))) > max_bytes:
        return f"{size:,} bytes as UTF-8"
    return None


@dataclass
class CleanResult:
    """The outcome for one record of :meth:`Cleaner.stream`: a document, or the reason it failed."""

    document: TaggedDocument | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def text(self) -> str | None:
        return None if self.document is None else self.document.text


def check_settings(keep: Iterable[str], threshold: float | None, max_bytes: int | None, max_paragraphs: int | None) -> frozenset[str]:
    """The labels kept (``article`` and ``keep``); a setting every document would fail on raises
    now, not at each document."""
    if isinstance(keep, (str, bytes)) or not isinstance(keep, Iterable):
        raise TypeError(f"keep is a collection of labels, e.g. keep=('meta',), not {keep!r}")
    try:
        labels = frozenset(check_label(k) for k in keep) | {ARTICLE}
    except ValueError as exc:
        raise ValueError(f"keep: {exc}") from exc
    if threshold is not None:
        check_number("threshold", threshold, 0, 1)
    check_whole_number("max_bytes", max_bytes, 1, optional=True)
    check_whole_number("max_paragraphs", max_paragraphs, 1, optional=True)
    return labels


def _check_many(documents, encodings, method: str, one: str) -> None:
    """A bare str or bytes is iterable too: its characters would be taken for documents or charsets."""
    if isinstance(documents, (str, bytes)):
        raise TypeError(f"{method} takes an iterable of documents; for one document use {one}, or pass [document]")
    if isinstance(encodings, (str, bytes)):
        raise TypeError(f"encodings holds one charset per document, e.g. [{encodings!r}] * len(documents), not {encodings!r}")


class Cleaner:
    """Tags paragraphs with a :class:`~declutter.model.ParagraphClassifier` and keeps the article."""

    def __init__(self, model, keep: Iterable[str] = (ARTICLE,), max_bytes: int | None = DEFAULT_MAX_BYTES, max_paragraphs: int | None = DEFAULT_MAX_PARAGRAPHS, manifest: dict | None = None, threshold: float | None = None) -> None:
        """``threshold``: drop a paragraph when P(boilerplate) reaches it, instead of the model's
        calibrated rule per format (lower: purer article text; higher: less of the story lost)."""
        self.model = model
        self.threshold = threshold
        self.keep = check_settings(keep, threshold, max_bytes, max_paragraphs)
        self.max_bytes = max_bytes
        self.max_paragraphs = max_paragraphs
        self.manifest = manifest or {}

    @classmethod
    def load(cls, path: str | Path | None = None, *, trust: bool = False, keep: Iterable[str] = (ARTICLE,), max_bytes: int | None = DEFAULT_MAX_BYTES, max_paragraphs: int | None = DEFAULT_MAX_PARAGRAPHS, threshold: float | None = None) -> "Cleaner":
        """The shipped model (``path=None``) or a model directory; see :func:`load_model`."""
        check_settings(keep, threshold, max_bytes, max_paragraphs)  # before the model is unpickled
        model, manifest = load_model(path, trust=trust)
        return cls(model, keep=keep, max_bytes=max_bytes, max_paragraphs=max_paragraphs, manifest=manifest, threshold=threshold)

    # -- one document ---------------------------------------------------------------------
    def tag(self, document: str | bytes, format: Format = "auto", *, encoding: str | None = None) -> TaggedDocument:
        """Every paragraph of ``document`` with its label, probability and whether it is kept.
        ``encoding``: the charset bytes were sent with (an HTTP Content-Type's), if any."""
        tagged = self.segment(document, format, encoding=encoding)
        self.decide([tagged])
        return tagged

    def clean(self, document: str | bytes, format: Format = "auto", *, encoding: str | None = None) -> str:
        """The article text of ``document``: its kept paragraphs, in order."""
        return self.tag(document, format, encoding=encoding).text

    # -- many documents at once (one model call) -------------------------------------------
    def tag_many(self, documents: Sequence[str | bytes], format: Format = "auto", *, encodings: Sequence[str | None] | None = None) -> list[TaggedDocument]:
        """Tag a batch; faster than one call per document. Errors raise for the whole batch.
        ``encodings``: each document's declared charset (see :meth:`tag`), in the same order."""
        _check_many(documents, encodings, "tag_many", "tag")
        if encodings is not None and len(encodings) != len(documents):
            raise ValueError(f"{len(encodings)} encodings for {len(documents)} documents")
        tagged = [self.segment(doc, format, encoding=encoding) for doc, encoding in zip(documents, encodings or [None] * len(documents))]
        self.decide(tagged)
        return tagged

    def stream(self, documents: Iterable[str | bytes], format: Format = "auto", errors: Literal["raise", "return"] = "raise", batch_size: int = 64, *, encodings: Iterable[str | None] | None = None) -> Iterator[CleanResult]:
        """Tag an iterable lazily, one result per document, in order; ``encodings``, if given,
        holds each document's declared charset (see :meth:`tag`) and must be as long.

        With ``errors="return"`` a document that cannot be cleaned yields a result whose
        ``error`` says why, instead of raising; the stream goes on. A wrong ``format`` or
        ``errors`` raises here, at the call, not once per document."""
        if errors not in ("raise", "return"):
            raise ValueError("errors must be 'raise' or 'return'")
        _check_many(documents, encodings, "stream", "clean or tag")
        pairs = ((doc, None) for doc in documents) if encodings is None else zip(documents, encodings, strict=True)
        return self._stream(pairs, check_format(format), errors, batch_size)

    def _stream(self, pairs: Iterator[tuple[str | bytes, str | None]], format: Format, errors: str, batch_size: int) -> Iterator[CleanResult]:
        while batch := list(islice(pairs, batch_size)):
            results: list[CleanResult] = []
            for document, encoding in batch:
                try:
                    results.append(CleanResult(self.segment(document, format, encoding=encoding)))
                except (ValueError, TypeError) as exc:
                    if errors == "raise":  # the documents before it are cleaned and given first
                        self.decide([r.document for r in results])
                        yield from results
                        raise
                    results.append(CleanResult(None, f"{type(exc).__name__}: {exc}"))
            self.decide([r.document for r in results if r.document is not None])
            yield from results

    def segment(self, document: str | bytes, format: Format = "auto", *, encoding: str | None = None) -> TaggedDocument:
        """Decode and split ``document`` into paragraphs (no model involved)."""
        return segment_document(document, format, self.max_bytes, self.max_paragraphs, encoding)

    def drop_rule(self, format: str) -> DropRule:
        """When a paragraph of ``format`` (html or text) is dropped: the ``threshold`` given, else
        the rule in the model's manifest."""
        if self.threshold is not None:
            return DropRule.uniform(self.threshold)
        return DropRule.from_manifest(self.manifest, format)

    def decide(self, documents: Sequence[TaggedDocument]) -> None:
        """Fill label, probability and kept of every paragraph, predicting all at once.

        A paragraph is dropped when the :class:`DropRule` for how it was read says so (``html``
        with DOM evidence, else ``text``: plain text and HTML fragments); its label is then the
        likeliest category not kept, else the likeliest kept category. One the probabilities
        would drop but the rule keeps for its length (text run together) keeps the likeliest
        category not kept as its label, and its reason says so."""
        proba, _ = self.model.predict_proba_flat(documents)
        if not len(proba):
            return
        classes = self.model.classes_
        kept_columns = np.array([str(c) in self.keep for c in classes])
        named_columns = ~kept_columns & (classes != "other")
        drop_mass = proba[:, ~kept_columns].sum(axis=1)
        named_mass = proba[:, named_columns].sum(axis=1)
        best_kept = np.where(kept_columns, proba, -1).argmax(axis=1)
        best_dropped = np.where(~kept_columns, proba, -1).argmax(axis=1)
        rules = {format: self.drop_rule(format) for format in ("html", "text")}
        start = 0
        for doc in documents:
            rows = slice(start, start + len(doc))
            rule, texts = rules[doc.read_as], [p.text for p in doc]
            unwanted, run_together = rule.by_probability(drop_mass[rows], named_mass[rows], texts), rule.run_together(texts)
            for r, paragraph, drop, long in zip(range(start, start + len(doc)), doc, unwanted, run_together):
                column = best_dropped[r] if drop else best_kept[r]
                paragraph.label = str(classes[column])
                paragraph.probability = float(proba[r, column])
                paragraph.kept = bool(not drop or long)
                paragraph.boilerplate = float(drop_mass[r])
                paragraph.reason = f"kept: {len(paragraph.text):,} characters, text run together (never dropped from {rule.keep_chars:,})" if drop and long else None
            start += len(doc)
