"""A scikit-learn transformer: documents in, clean texts out, for use inside a ``Pipeline``.

    Pipeline([("declutter", DeclutterTransformer()), ("tfidf", TfidfVectorizer())])
"""

from __future__ import annotations

from typing import Iterable

from sklearn.base import BaseEstimator, TransformerMixin

from declutter.categories import ARTICLE


class DeclutterTransformer(TransformerMixin, BaseEstimator):
    """Replaces each document (text or HTML, str or bytes) by its clean article text.

    Nothing is learned from ``X``: ``fit`` loads the model (the shipped one unless ``model``
    names a directory, which then needs ``trust_model=True``). ``encoding``: the charset of a
    corpus of bytes known to be in one (an archive in windows-1251), used as
    ``Cleaner.clean(encoding=)`` uses it."""

    def __init__(self, model: str | None = None, trust_model: bool = False, keep: tuple[str, ...] = (ARTICLE,), format: str = "auto", on_error: str = "raise", threshold: float | None = None, encoding: str | None = None) -> None:
        self.model = model
        self.trust_model = trust_model
        self.keep = keep
        self.format = format
        self.on_error = on_error
        self.threshold = threshold
        self.encoding = encoding

    def fit(self, X: Iterable | None = None, y=None):
        from declutter.cleaner import Cleaner

        if self.on_error not in ("raise", "empty"):
            raise ValueError("on_error must be 'raise' or 'empty'")
        self.cleaner_ = Cleaner.load(self.model, trust=self.trust_model, keep=self.keep, threshold=self.threshold)
        return self

    def transform(self, X: Iterable) -> list[str]:
        """The clean text of every document (``""`` for a failed one when ``on_error="empty"``)."""
        if not hasattr(self, "cleaner_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("call fit before transform")
        errors = "raise" if self.on_error == "raise" else "return"
        documents = list(X)
        encodings = [self.encoding] * len(documents) if self.encoding is not None else None
        return [r.text or "" for r in self.cleaner_.stream(documents, self.format, errors=errors, encodings=encodings)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags
