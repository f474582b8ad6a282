"""The paragraph classifier: one scikit-learn estimator over whole documents.

A *sample* is a document (a list of :class:`~declutter.paragraph.Paragraph`) and its target is
the sequence of its paragraph labels, as in sequence-labelling estimators. Two stages:

1. a linear model (logistic loss, SGD) over hashed words, hashed DOM tokens and shape features
   (one-hot bins of equal mass) gives every paragraph a probability per category;
2. a second model sees each paragraph's shape, its own and its neighbours' first-stage
   probabilities (boilerplate comes in runs) and where it sits against the story (how much
   article text comes before and after it) and makes the final call, one for HTML and one for
   plain text (gradient boosting unless ``second_stage`` says otherwise). It is trained on
   out-of-fold first-stage probabilities so it learns how far to trust them.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GroupKFold, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import ThreadpoolController

from declutter.categories import ARTICLE
from declutter.features import SHAPE_FEATURES, Featurizer, FeatureSettings, shape_matrix
from declutter.forest import NumpyBooster
from declutter.paragraph import Paragraph

Document = Sequence[Paragraph]


class ParagraphClassifier(ClassifierMixin, BaseEstimator):
    """Labels every paragraph of a document with a category and its probability."""

    def __init__(
        self,
        word_features: int = 2**18,
        dom_features: int = 2**14,
        char_features: int = 2**17,
        word_hashing: str = "tokens",
        alpha: float = 6e-6,  # 2e-6 flipped whole documents while shape was standardised; with bins 3e-6 scored the same
        linear_epochs: int = 8,
        linear_runs: int = 3,
        context_window: int = 3,
        context_from_end: bool = True,
        shape_bins: int = 8,  # standardised shape columns instead had weights past 100 and unstable builds
        second_stage: str = "boosting",
        boosting_iterations: int = 100,
        folds: int = 3,
        random_state: int = 0,
        verbose: int = 0,
    ) -> None:
        self.word_features = word_features
        self.dom_features = dom_features
        self.char_features = char_features
        self.word_hashing = word_hashing
        self.alpha = alpha
        self.linear_epochs = linear_epochs
        self.linear_runs = linear_runs
        self.context_window = context_window
        self.context_from_end = context_from_end
        self.shape_bins = shape_bins
        self.second_stage = second_stage
        self.boosting_iterations = boosting_iterations
        self.folds = folds
        self.random_state = random_state
        self.verbose = verbose

    # -- fitting -------------------------------------------------------------------------
    def fit(self, X: Sequence[Document], y: Sequence[Sequence[str]], sample_weight=None, groups=None):
        """Fit on documents ``X`` with per-paragraph labels ``y`` (one sequence per document).

        ``sample_weight`` is one weight per document, applied to each of its paragraphs.
        ``groups`` (one key per document, such as its site) keeps a group's documents in one fold
        when the first stage's out-of-fold probabilities are made: the second stage then learns
        how the first behaves on sites it has not seen, not on near-copies of its training pages."""
        X = [list(doc) for doc in X]
        if len(X) != len(y):
            raise ValueError(f"{len(X)} documents but {len(y)} label sequences")
        if len(X) < self.folds:  # the second stage learns from out-of-fold predictions
            raise ValueError(f"training needs at least {self.folds} documents (folds={self.folds}), got {len(X)}")
        labels = np.asarray([label for seq in y for label in seq], dtype=object)
        sizes = np.fromiter((len(doc) for doc in X), dtype=np.int64, count=len(X))
        if labels.shape[0] != sizes.sum():
            raise ValueError("every paragraph needs exactly one label")
        weights = np.repeat(
            np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, dtype=float), sizes
        )
        self.classes_ = np.unique(labels)
        if len(self.classes_) < 2:
            raise ValueError(f"every paragraph is labelled {self.classes_[0]!r}: training needs paragraphs of two labels or more"
                             if len(self.classes_) else "no paragraph to train on")
        self.featurizer_ = Featurizer(self.settings)
        lexical = self.featurizer_.lexical(X)
        shape = shape_matrix(X)
        self.shape_edges_ = [_bin_edges(column, self.shape_bins) for column in shape.T]
        first = self._first_input(lexical, shape)

        # Out-of-fold first-stage probabilities: the second stage must see honest inputs.
        out_of_fold = np.zeros((first.shape[0], len(self.classes_)), dtype=np.float32)
        starts = np.concatenate([[0], np.cumsum(sizes)])
        if groups is None or len(set(groups)) < self.folds:  # too few sites: split by document
            splits = KFold(n_splits=self.folds, shuffle=True, random_state=self.random_state).split(np.arange(len(X)))
        else:
            splits = GroupKFold(n_splits=self.folds).split(np.arange(len(X)), groups=np.asarray(groups))
        for k, (train_docs, test_docs) in enumerate(splits):
            train_rows = _rows(train_docs, starts)
            test_rows = _rows(test_docs, starts)
            seen = np.unique(labels[train_rows])
            if len(seen) < 2:  # this fold's sites hold one label (all-article sites): that label is its prediction
                out_of_fold[test_rows, np.searchsorted(self.classes_, seen)] = 1.0
            else:
                linear = self._fit_linear(first[train_rows], labels[train_rows], weights[train_rows])
                out_of_fold[test_rows] = _aligned_proba(linear, first[test_rows], self.classes_)
            self._say(f"first stage, fold {k + 1}/{self.folds} done")
        self.linear_ = self._fit_linear(first, labels, weights)
        self._say("first stage fitted on all documents")

        context = self._context(out_of_fold, sizes, shape)
        self.second_stages_ = {}
        routes = self._routes(shape)
        for kind, rows in routes.items():
            if len(set(labels[rows])) >= 2:  # else (one label or none) the other kind's stage decides these rows
                self.second_stages_[kind] = self._fit_second_stage(kind, context[rows], labels[rows], weights[rows])
        if not self.second_stages_:
            raise ValueError("the HTML paragraphs and the plain-text paragraphs each carry one label only: nothing to tell apart")
        fitted = ", ".join(f"{kind} {self.second_stage_kinds_[kind]}" for kind in self.second_stages_)
        other = next(iter(self.second_stages_))
        borrowed = "".join(
            f"; {kind} paragraphs go through the {other} stage (their {routes[kind].sum()} training paragraphs hold fewer than two labels)"
            for kind in routes if kind not in self.second_stages_
        )
        self._say(f"second stage fitted: {fitted}{borrowed}")
        return self

    @property
    def settings(self) -> FeatureSettings:
        return FeatureSettings(
            word_features=self.word_features, word_hashing=self.word_hashing, dom_features=self.dom_features,
            char_features=self.char_features,
        )

    def _routes(self, shape: np.ndarray) -> dict[str, np.ndarray]:
        """Which rows the HTML and the plain-text second stage see."""
        is_html = shape[:, SHAPE_FEATURES.index("is_html")] > 0.5
        return {"html": is_html, "text": ~is_html}

    @property
    def second_stage_kinds_(self) -> dict[str, str]:
        """The estimator used per input kind. ``boosting`` (the default) learns interactions such
        as "after an appeal's opening, short lines are its buttons"; with the team's ~1,000 varied
        documents it beat the linear stage on held-out ones (kept-paragraph precision 0.93 → 0.97).
        ``auto`` stays linear on text: safer for a small corpus whose quirks boosting would learn."""
        if self.second_stage == "auto":
            return {"html": "boosting", "text": "linear"}
        if self.second_stage not in ("boosting", "linear"):
            raise ValueError(f"second_stage must be 'auto', 'boosting' or 'linear', not {self.second_stage!r}")
        return {"html": self.second_stage, "text": self.second_stage}

    def _fit_second_stage(self, kind: str, context: np.ndarray, labels: np.ndarray, weights: np.ndarray):
        """Linear: all categories at once. Boosting: see :class:`ArticleThenKind`."""
        if self.second_stage_kinds_[kind] == "linear":
            return _fit_linear_stage(context, labels, weights)
        booster = HistGradientBoostingClassifier(
            max_iter=self.boosting_iterations,
            learning_rate=0.1,
            max_leaf_nodes=31,
            max_depth=6,
            min_samples_leaf=min(40, max(2, len(labels) // 20)),  # a user's small corpus can still split
            l2_regularization=1.0,
            early_stopping=False,
            random_state=self.random_state,
        )
        present = set(labels)
        if ARTICLE not in present or len(present - {ARTICLE}) < 2:
            return booster.fit(context, labels, sample_weight=weights)  # no article, or nothing to name apart
        return ArticleThenKind(booster).fit(context, labels, sample_weight=weights)

    def _fit_linear(self, X: sp.csr_matrix, y: np.ndarray, weights: np.ndarray) -> SGDClassifier:
        """The first stage: logistic loss by SGD. With ``linear_runs`` > 1, the weights of that
        many runs over differently shuffled data are averaged: one model, no slower to apply, and
        less at the mercy of one shuffle."""
        runs = [
            SGDClassifier(
                loss="log_loss", alpha=self.alpha, max_iter=self.linear_epochs, tol=None, n_jobs=-1,
                random_state=self.random_state + run,
            ).fit(X, y, sample_weight=weights)
            for run in range(self.linear_runs)
        ]
        linear = runs[0]
        if len(runs) > 1:
            linear.coef_ = np.mean([r.coef_ for r in runs], axis=0)
            linear.intercept_ = np.mean([r.intercept_ for r in runs], axis=0)
        return linear

    def _say(self, message: str) -> None:
        if self.verbose:
            print(f"[declutter] {message}", file=sys.stderr, flush=True)  # progress; stdout is for results

    # -- prediction ----------------------------------------------------------------------
    def predict_proba(self, X: Sequence[Document]) -> list[np.ndarray]:
        """Per document, an array (paragraphs × ``classes_``) of probabilities."""
        flat, sizes = self.predict_proba_flat(X)
        return np.split(flat, np.cumsum(sizes)[:-1]) if len(sizes) else []

    def predict(self, X: Sequence[Document]) -> list[np.ndarray]:
        """Per document, the array of its paragraphs' labels."""
        return [self.classes_[p.argmax(axis=1)] for p in self.predict_proba(X)]

    def score(self, X: Sequence[Document], y: Sequence[Sequence[str]], sample_weight=None) -> float:
        """Accuracy over all paragraphs (``sample_weight``: one weight per document, as in :meth:`fit`);
        scikit-learn's would compare whole label sequences."""
        predicted = self.predict(X)
        sizes = [len(p) for p in predicted]
        if [len(labels) for labels in y] != sizes:
            raise ValueError("every paragraph needs exactly one label")
        if not sum(sizes):
            raise ValueError("no paragraphs to score")
        hits = np.concatenate(predicted) == np.concatenate([np.asarray(labels, dtype=object) for labels in y])
        weights = None if sample_weight is None else np.repeat(np.asarray(sample_weight, dtype=float), sizes)
        return float(np.average(hits, weights=weights))

    def predict_proba_flat(self, X: Sequence[Document]) -> tuple[np.ndarray, np.ndarray]:
        """All paragraphs' probabilities in one array, and the paragraph count per document."""
        check_is_fitted(self, "second_stages_")
        X = [doc if isinstance(doc, list) else list(doc) for doc in X]
        sizes = np.fromiter((len(doc) for doc in X), dtype=np.int64, count=len(X))
        if sizes.sum() == 0:
            return np.zeros((0, len(self.classes_)), dtype=np.float32), sizes
        shape = shape_matrix(X)
        proba = self._first_stage_proba(self.featurizer_.lexical_parts(X), shape)
        context = self._context(proba, sizes, shape)
        final = np.zeros_like(proba)
        with _one_openmp_thread():
            for kind, rows in self._routes(shape).items():
                if rows.any():
                    stage = self.second_stages_.get(kind) or next(iter(self.second_stages_.values()))
                    final[rows] = _aligned_proba(stage, context[rows], self.classes_)
        return final, sizes

    def _first_stage_proba(self, lexical_parts: list[sp.csr_matrix], shape: np.ndarray) -> np.ndarray:
        """The first stage's ``predict_proba`` (one-vs-rest logistic, normalised) of the input
        :meth:`_first_input` would build, without building it: each lexical block meets its rows
        of a row-major copy of the weights (``sparse @ coef_.T`` would copy all weights on every
        call), and each one-hot shape bin adds its weight row."""
        weights = getattr(self, "_weights_by_row", None)
        if weights is None:
            weights = self._weights_by_row = np.ascontiguousarray(self.linear_.coef_.T, dtype=np.float32)
        scores = np.zeros((shape.shape[0], weights.shape[1]), dtype=np.float64) + self.linear_.intercept_
        offset = 0
        for part in lexical_parts:
            scores += part @ weights[offset : offset + part.shape[1]]
            offset += part.shape[1]
        columns, value = self._shape_columns(shape)
        scores += weights[offset + columns].sum(axis=1) * value
        proba = expit(scores)
        if proba.shape[1] == 1:  # two classes: sklearn's binary layout
            proba = np.hstack([1 - proba, proba])
        proba /= proba.sum(axis=1, keepdims=True)
        out = np.zeros((proba.shape[0], len(self.classes_)), dtype=np.float32)
        out[:, np.searchsorted(self.classes_, self.linear_.classes_)] = proba
        return out

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_weights_by_row", None)  # a cache: rebuilt on first use, not worth its bytes on disk
        return state

    def __setstate__(self, state: dict) -> None:
        state.setdefault("context_from_end", False)  # models pickled before it had no such context
        state.setdefault("word_hashing", "joined")  # nor hashed words by tokens
        super().__setstate__(state)

    # -- inputs of each stage ------------------------------------------------------------
    def _first_input(self, lexical: sp.csr_matrix, shape: np.ndarray) -> sp.csr_matrix:
        return sp.hstack([lexical, self._binned_shape(shape)], format="csr")

    def _binned_shape(self, shape: np.ndarray) -> sp.csr_matrix:
        """One-hot bins (``shape_edges_``) of every shape column, scaled to unit rows as the hashed parts
        are: the linear stage learns each column's non-linear effect (a short line is boilerplate,
        a very short one even more so) with bounded weights. Values must be finite (shape
        features are)."""
        columns, value = self._shape_columns(shape)
        n, width = columns.shape
        indptr = np.arange(0, n * width + 1, width)
        n_columns = sum(len(e) + 1 for e in self.shape_edges_)
        return sp.csr_matrix((np.full(columns.size, value), columns.ravel(), indptr), shape=(n, n_columns))

    def _shape_columns(self, shape: np.ndarray) -> tuple[np.ndarray, np.float32]:
        """Per row, the column of each shape feature's bin (rows × shape features), and the value
        every such one-hot entry has."""
        sizes = np.array([len(e) + 1 for e in self.shape_edges_])
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        codes = np.column_stack([np.searchsorted(e, shape[:, j], side="right") for j, e in enumerate(self.shape_edges_)])
        return codes + offsets, np.float32(1 / np.sqrt(len(sizes)))  # unit-length rows, as the hashed parts have

    def _context(self, proba: np.ndarray, sizes: np.ndarray, shape: np.ndarray) -> np.ndarray:
        """Each paragraph's own, previous, next, windowed, document-mean and running-maximum
        (from the start to here: after "A Message from …" everything is appeal) first-stage
        probabilities, with ``context_from_end`` :func:`_context_from_end`, then its shape."""
        w = self.context_window
        article_mass = self._article_mass(proba, shape) if self.context_from_end else None
        blocks = []
        start = 0
        for n in sizes:
            p = proba[start : start + n]
            start += n
            if not n:
                continue
            pad = np.zeros((w, p.shape[1]), dtype=p.dtype)
            padded = np.vstack([pad, p, pad])
            cumulative = np.vstack([np.zeros((1, p.shape[1])), np.cumsum(padded, axis=0)])
            idx = np.arange(n) + w  # row of each paragraph inside ``padded``
            before = (cumulative[idx] - cumulative[idx - w]) / w
            after = (cumulative[idx + w + 1] - cumulative[idx + 1]) / w
            so_far = np.maximum.accumulate(p, axis=0)  # the strongest evidence of each kind up to here
            parts = [p, padded[idx - 1], padded[idx + 1], before, after, np.broadcast_to(p.mean(axis=0), p.shape), so_far]
            if article_mass is not None:
                parts += _context_from_end(p, article_mass[start - n : start])
            blocks.append(np.hstack(parts))
        width = (8 * proba.shape[1] + 2) if self.context_from_end else 7 * proba.shape[1]
        neighbours = np.vstack(blocks) if blocks else np.zeros((0, width), dtype=np.float32)
        return np.hstack([neighbours, shape]).astype(np.float32)

    def _article_mass(self, proba: np.ndarray, shape: np.ndarray) -> np.ndarray:
        """Each paragraph's characters weighted by its first-stage P(article) (zero without an
        article category)."""
        if ARTICLE not in self.classes_:
            return np.zeros(len(proba))
        chars = np.expm1(shape[:, SHAPE_FEATURES.index("log_chars")])
        return proba[:, int(np.searchsorted(self.classes_, ARTICLE))] * chars


def _context_from_end(p: np.ndarray, mass: np.ndarray) -> list[np.ndarray]:
    """One document's strongest first-stage evidence of each kind from here to the end, and the
    shares of its article text (``mass``: see ``_article_mass``) before and after each paragraph:
    a short line past the end of the story is not the same as one inside it."""
    from_here = np.maximum.accumulate(p[::-1], axis=0)[::-1]
    through = np.cumsum(mass)
    total = max(float(through[-1]), 1.0)  # a document without article text: both shares near 0
    before = (through - mass) / total
    after = (through[-1] - through) / total
    return [from_here, before[:, None], after[:, None]]


def _bin_edges(column: np.ndarray, n_bins: int) -> np.ndarray:
    """Inner edges that cut ``column`` into about ``n_bins`` bins of equal mass, each edge half-way
    between two observed values. A column with at most ``n_bins`` values gets one bin per value,
    and a value that fills several quantiles is split from the values above it: ``KBinsDiscretizer``'s
    quantile bins collapse a yes/no flag, or a mostly-zero column such as link density, into
    one bin that says nothing."""
    column = column.astype(np.float64)  # midpoints of neighbouring float32 values can round onto one of them
    values = np.unique(column)
    if len(values) <= n_bins:
        return (values[:-1] + values[1:]) / 2
    quantiles = np.quantile(column, np.linspace(0, 1, n_bins + 1)[1:-1])
    above = np.searchsorted(values, quantiles, side="right")  # first observed value above each quantile
    above = np.unique(above[above < len(values)])
    return (values[above - 1] + values[above]) / 2


#: The least spread a column of the linear stages is scaled by. A column nearly constant in
#: training (a kind a small corpus hardly has: spread 4e-11) was otherwise blown up at prediction
#: — a probability of 0.9 became a score in the millions and named the kind at random. The
#: shipped model's smallest spread is 0.008, so it is built as before.
MIN_SCALE = 1e-3


def _fit_linear_stage(X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray):
    """Standardised columns (each spread at least ``MIN_SCALE``), then a logistic regression."""
    scaler = StandardScaler().fit(X)
    scaler.scale_ = np.maximum(scaler.scale_, MIN_SCALE)
    return make_pipeline(scaler, LogisticRegression(C=1.0, max_iter=1000).fit(scaler.transform(X), y, sample_weight=sample_weight))


def _linear_stage_proba(stage, X: np.ndarray) -> np.ndarray:
    """``stage.predict_proba(X)`` for a :func:`_fit_linear_stage` pipeline, in plain numpy: the
    pipeline's input checks cost more than the arithmetic on one document's rows."""
    scaler, logistic = stage[0], stage[-1]
    scores = ((X - scaler.mean_) / scaler.scale_) @ logistic.coef_.T + logistic.intercept_
    if scores.shape[1] == 1:  # two classes
        positive = expit(scores[:, 0])
        return np.column_stack([1 - positive, positive])
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    return scores / scores.sum(axis=1, keepdims=True)


class ArticleThenKind(ClassifierMixin, BaseEstimator):
    """Boosting decides article or not (one tree per round instead of one per category: many
    times faster to apply); a multinomial logistic regression over the same context, fitted on
    the boilerplate rows only, names the kind."""

    def __init__(self, booster=None) -> None:
        self.booster = booster

    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None):
        y = np.asarray(y)
        weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight)
        self.classes_ = np.unique(y)
        self.booster_ = clone(self.booster).fit(X, y == ARTICLE, sample_weight=weights)
        boilerplate = y != ARTICLE
        self.namer_ = _fit_linear_stage(X[boilerplate], y[boilerplate], weights[boilerplate])
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        booster = self.__dict__.get("fast_booster_")
        if booster is None:  # made on first use, not pickled: see NumpyBooster
            booster = self.fast_booster_ = NumpyBooster(self.booster_)
        p_article = booster.predict_proba(X)[:, list(booster.classes_).index(True)]
        out = np.zeros((len(X), len(self.classes_)), dtype=np.float64)
        out[:, np.searchsorted(self.classes_, self.namer_.classes_)] = _linear_stage_proba(self.namer_, X) * (1 - p_article)[:, None]
        out[:, int(np.searchsorted(self.classes_, ARTICLE))] = p_article
        return out

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("fast_booster_", None)
        return state


@lru_cache(maxsize=1)
def _threadpools() -> ThreadpoolController:
    return ThreadpoolController()


def _one_openmp_thread():
    """A context in which the booster predicts on the calling thread alone. A batch's few hundred
    rows gain nothing from OpenMP threads, and where processes already share the cores (Spark
    executors, ``-j`` workers, a busy machine) the threads' spinning made prediction fifty times
    slower; parallelism comes from processes. OpenMP's thread count is a per-thread setting, so
    other threads of the caller's process are not affected."""
    return _threadpools().limit(limits=1, user_api="openmp")


def _rows(documents: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.concatenate([np.arange(starts[d], starts[d + 1]) for d in documents]) if len(documents) else np.zeros(0, int)


def _aligned_proba(estimator, X, classes: np.ndarray) -> np.ndarray:
    """``predict_proba`` with columns in ``classes`` order (a fold may miss a class)."""
    proba = estimator.predict_proba(X).astype(np.float32)
    if len(estimator.classes_) == len(classes) and (estimator.classes_ == classes).all():
        return proba
    aligned = np.zeros((proba.shape[0], len(classes)), dtype=np.float32)
    aligned[:, np.searchsorted(classes, estimator.classes_)] = proba
    return aligned
