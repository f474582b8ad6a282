"""The numpy booster gives scikit-learn's probabilities exactly, and falls back where it must."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

import declutter.forest as forest
from declutter.dataset import read_documents
from declutter.forest import NumpyBooster
from declutter.model import ArticleThenKind
from tests.conftest import ROOT


def _booster(X: np.ndarray, y: np.ndarray) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(max_iter=40, max_leaf_nodes=15, random_state=0).fit(X, y)


def test_the_shipped_model_gives_the_same_probabilities_either_way(cleaner, seed_page, monkeypatch):
    documents = [d.unlabelled() for d in read_documents([ROOT / "training_data" / "holdout" / "written_holdout6_a.jsonl"])]
    documents += [cleaner.segment((ROOT / "examples" / "news_article.txt").read_text()), cleaner.segment(seed_page)]
    through_numpy = [cleaner.model.predict_proba_flat([d])[0] for d in documents]
    batch, _ = cleaner.model.predict_proba_flat(documents)  # several blocks of rows in one call
    assert len(batch) > forest.BLOCK_ROWS
    stages = [s for s in cleaner.model.second_stages_.values() if isinstance(s, ArticleThenKind)]
    assert stages and all(isinstance(s.fast_booster_, NumpyBooster) and s.fast_booster_._trees is not None for s in stages)
    for stage in stages:  # scikit-learn's own booster instead
        monkeypatch.setitem(stage.__dict__, "fast_booster_", stage.booster_)
    for document, fast in zip(documents, through_numpy):
        np.testing.assert_array_equal(fast, cleaner.model.predict_proba_flat([document])[0])
    np.testing.assert_array_equal(batch, cleaner.model.predict_proba_flat(documents)[0])


def test_missing_values_follow_the_learned_side_in_blocks_of_any_size():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1500, 5))
    X[rng.random(X.shape) < 0.2] = np.nan
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0) | np.isnan(X[:, 3])  # a missing value that means something
    booster = _booster(X, y)
    fast = NumpyBooster(booster)
    for rows in (1, 7, forest.BLOCK_ROWS, forest.BLOCK_ROWS + 1, 1500):
        np.testing.assert_array_equal(fast.predict_proba(X[:rows]), booster.predict_proba(X[:rows]))
    assert np.isnan(X[:7]).any()
    assert fast.predict_proba(X[:0]).shape == (0, 2)


def test_a_booster_it_cannot_read_is_left_to_scikit_learn():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 3))
    three_classes = _booster(X, np.digitize(X[:, 0], [-0.5, 0.5]))
    fast = NumpyBooster(three_classes)
    assert fast._trees is None
    np.testing.assert_array_equal(fast.predict_proba(X[:10]), three_classes.predict_proba(X[:10]))


@pytest.mark.parametrize("predict_first", [False, True])
def test_the_fast_path_is_not_pickled(predict_first):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(400, 4))
    y = np.where(X[:, 0] > 0, "article", np.where(X[:, 1] > 0, "appeal", "ui"))
    stage = ArticleThenKind(HistGradientBoostingClassifier(max_iter=20, random_state=0)).fit(X, y)
    if predict_first:
        stage.predict_proba(X[:5])
    restored = pickle.loads(pickle.dumps(stage))
    assert "fast_booster_" not in restored.__dict__
    np.testing.assert_array_equal(restored.predict_proba(X[:50]), stage.predict_proba(X[:50]))
