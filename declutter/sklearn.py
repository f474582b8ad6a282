"""A scikit-learn transformer: documents in, clean texts out, for use inside a ``Pipeline``.

    Pipeline([("declutter", DeclutterTransformer()), ("tfidf", TfidfVectorizer())])
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from declutter.categories import ARTICLE
from declutter.cleaner import check_format


def _check_not_one_document(X: Any) -> None:
    """A bare str or bytes is iterable too: it would be cleaned one character at a time."""
    if isinstance(X, (str, bytes)) or getattr(X, "ndim", None) == 0:
        raise TypeError("X must be an iterable of documents, not one document: wrap it in a list, [document]")


def _is_one_column(X: Any) -> bool:
    """Whether X is 2-D (a DataFrame or an (n, 1) array, as ``ColumnTransformer`` passes it):
    iterating one yields column names or rows, not documents, so it must hold one column."""
    if getattr(X, "ndim", 1) != 2:
        return False
    if X.shape[1] != 1:
        raise ValueError(f"X has {X.shape[1]} columns: DeclutterTransformer reads one column of documents")
    return True


class DeclutterTransformer(TransformerMixin, BaseEstimator):
    """Replaces each document (text or HTML, str or bytes) by its clean article text.

    Nothing is learned from ``X``: ``fit`` loads the model (the shipped one unless ``model``
    names a directory, which then needs ``trust_model=True``). ``encoding``: the charset of a
    corpus of bytes known to be in one (an archive in windows-1251), used as
    ``Cleaner.clean(encoding=)`` uses it.

    In a ``ColumnTransformer``, select the column as a list (``["body"]``): that passes a
    one-column DataFrame, and the clean texts come back as one column. A bare name (``"body"``)
    passes a Series, which gives a list, as a ``Pipeline`` step before a vectoriser wants."""

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
        check_format(self.format)
        _check_not_one_document(X)
        columns = getattr(X, "columns", None) if _is_one_column(X) else None
        if columns is not None and isinstance(columns[0], str):
            self.feature_names_in_ = np.asarray(columns, dtype=object)
        elif hasattr(self, "feature_names_in_"):  # refit on unnamed input: forget the old name
            del self.feature_names_in_
        self.cleaner_ = Cleaner.load(self.model, trust=self.trust_model, keep=self.keep, threshold=self.threshold)
        return self

    def transform(self, X: Iterable) -> list[str] | np.ndarray:
        """The clean text of every document (``""`` for a failed one when ``on_error="empty"``).

        1-D ``X`` (a list, a pandas Series) gives a list of texts. 2-D ``X`` of one column (a
        DataFrame, an (n, 1) array) gives an (n, 1) object array: ``ColumnTransformer`` stacks
        2-D outputs, and a DataFrame iterated directly would yield its column names."""
        if not hasattr(self, "cleaner_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("call fit before transform")
        _check_not_one_document(X)
        two_d = _is_one_column(X)
        documents = list(X.iloc[:, 0] if hasattr(X, "iloc") else X[:, 0]) if two_d else list(X)
        errors = "raise" if self.on_error == "raise" else "return"
        encodings = [self.encoding] * len(documents) if self.encoding is not None else None
        texts = [r.text or "" for r in self.cleaner_.stream(documents, self.format, errors=errors, encodings=encodings)]
        return np.array(texts, dtype=object).reshape(-1, 1) if two_d else texts

    def get_feature_names_out(self, input_features: Iterable[str] | None = None) -> np.ndarray:
        """The one output column keeps the name of the input column (given by ``ColumnTransformer``,
        else that of the DataFrame ``fit`` saw, else "text"), so ``set_output`` and
        ``ColumnTransformer.get_feature_names_out`` work."""
        check_is_fitted(self, "cleaner_")
        if input_features is None:
            input_features = getattr(self, "feature_names_in_", ["text"])
        names = np.asarray(input_features, dtype=object)
        if names.shape != (1,):
            raise ValueError(f"DeclutterTransformer reads one column of documents, not {len(names)}")
        return names

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags
