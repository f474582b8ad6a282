"""Safe model loading and the estimator's scikit-learn manners, on the real shipped model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.base import clone

from declutter import Cleaner
from declutter.model import ParagraphClassifier
from declutter.model_store import ModelError, default_model_dir, load_model, sha256_of


@pytest.fixture
def model_copy(tmp_path):
    target = tmp_path / "model"
    shutil.copytree(default_model_dir(), target)
    return target


def test_shipped_model_matches_the_recorded_hash():
    model, manifest = load_model()
    assert manifest["model_sha256"] == sha256_of(default_model_dir() / "model.joblib")
    assert list(model.classes_) == manifest["categories"]


def test_model_from_elsewhere_needs_trust(model_copy):
    with pytest.raises(ModelError, match="trust"):
        Cleaner.load(model_copy)
    assert Cleaner.load(model_copy, trust=True).clean("Short line.") is not None


def test_cli_refuses_an_untrusted_model(model_copy, seed_text):
    args = [sys.executable, "-m", "declutter", "clean", "--model", str(model_copy)]
    refused = subprocess.run(args, input=seed_text.encode(), capture_output=True)
    assert refused.returncode != 0 and b"--trust-model" in refused.stderr
    allowed = subprocess.run(args + ["--trust-model", "-q"], input=seed_text.encode(), capture_output=True)
    assert allowed.returncode == 0 and allowed.stdout


def test_corrupt_model_file_is_a_clear_error(model_copy):
    (model_copy / "model.joblib").write_bytes(b"not a pickle at all")
    with pytest.raises(ModelError, match="corrupt or was changed"):
        load_model(model_copy, trust=True)
    manifest = json.loads((model_copy / "manifest.json").read_text())
    manifest["model_sha256"] = sha256_of(model_copy / "model.joblib")
    (model_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="could not load"):
        load_model(model_copy, trust=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("sklearn_version", "0.24.2", r"scikit-learn 0\.24\.2.*is installed"), ("format_version", 99, "model format 99")],
)
def test_incompatible_versions_are_named(model_copy, field, value, message):
    manifest = json.loads((model_copy / "manifest.json").read_text())
    manifest[field] = value
    (model_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match=message):
        load_model(model_copy, trust=True)


def _damage_manifest(model_copy, change) -> None:
    manifest = json.loads((model_copy / "manifest.json").read_text())
    (model_copy / "manifest.json").write_bytes(change(manifest))


@pytest.mark.parametrize(("change", "message"), [
    (lambda m: json.dumps([m]).encode(), "a JSON object is expected, not list"),
    (lambda m: json.dumps(m).encode().replace(b"{", b"{\xff", 1), "corrupt manifest"),  # not UTF-8
    (lambda m: json.dumps({**m, "sklearn_version": None}).encode(), "scikit-learn None"),
    (lambda m: json.dumps({**m, "drop_rules": {**m["drop_rules"], "html": {**m["drop_rules"]["html"], "cutoff": 1}}}).encode(),
     "its html drop rule: .*unexpected keyword argument 'cutoff'"),
    (lambda m: json.dumps({**m, "drop_rules": {**m["drop_rules"], "text": {**m["drop_rules"]["text"], "threshold": "0.5"}}}).encode(),
     "its text drop rule: threshold must be a number, not '0.5'"),
])
def test_a_damaged_manifest_is_a_model_error_when_loaded(model_copy, change, message):
    """These raised AttributeError or UnicodeDecodeError, or (a bad drop rule) loaded and failed
    at the first document: on a Spark executor, after the driver's check had passed."""
    _damage_manifest(model_copy, change)
    for check_only in (True, False):
        with pytest.raises(ModelError, match=message):
            load_model(model_copy, trust=True, check_only=check_only)


def test_estimator_follows_scikit_learn_conventions():
    from sklearn.utils.estimator_checks import (
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_parameters_default_constructible,
        check_set_params,
    )

    estimator = ParagraphClassifier(boosting_iterations=15)
    for check in (check_no_attributes_set_in_init, check_get_params_invariance, check_set_params, check_parameters_default_constructible):
        check("ParagraphClassifier", estimator)
    assert clone(estimator).get_params() == estimator.get_params()


def test_small_model_fits_and_predicts_per_document():
    from declutter.paragraph import Paragraph

    def doc(lines):
        return [Paragraph(text=t, index=i) for i, t in enumerate(lines)]

    story = ["The council approved the harbour budget after a long debate on Tuesday night.",
             "Members argued about the cost of dredging the northern channel for larger ships."]
    appeal = ["Support our newsroom today.", "Donate now and keep local reporting free."]
    X = [doc(story + appeal) for _ in range(12)]
    y = [["article"] * 2 + ["appeal"] * 2 for _ in range(12)]
    model = ParagraphClassifier(boosting_iterations=15, folds=2).fit(X, y)
    predicted = model.predict([doc(story + appeal)])
    proba = model.predict_proba([doc(story + appeal)])
    assert list(predicted[0]) == ["article", "article", "appeal", "appeal"]
    assert proba[0].shape == (4, 2) and abs(proba[0].sum(axis=1) - 1).max() < 1e-5


def test_article_then_kind_splits_the_boilerplate_mass_among_named_kinds():
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from declutter.model import ArticleThenKind

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = np.where(X[:, 0] > 0.5, "article", np.where(X[:, 1] > 0, "appeal", "legal"))
    stage = ArticleThenKind(HistGradientBoostingClassifier(max_iter=20)).fit(X, y)
    proba = stage.predict_proba(X)
    assert list(stage.classes_) == ["appeal", "article", "legal"]
    assert np.allclose(proba.sum(axis=1), 1)
    assert np.allclose(proba[:, 1], stage.booster_.predict_proba(X)[:, 1])
    assert (stage.predict(X) == y).mean() > 0.9


def test_linear_runs_average_the_first_stage_weights_of_differently_seeded_runs():
    import numpy as np

    from declutter.paragraph import Paragraph

    lines = ["The council approved the harbour budget after a long debate on Tuesday night.",
             "Support our newsroom today.", "Members argued about the cost of dredging the channel.",
             "Donate now and keep local reporting free."]
    X = [[Paragraph(text=t, index=i) for i, t in enumerate(lines)] for _ in range(12)]
    y = [["article", "appeal", "article", "appeal"] for _ in range(12)]
    params = dict(boosting_iterations=5, folds=2, word_features=2**10, char_features=2**10, dom_features=2**6)
    averaged = ParagraphClassifier(linear_runs=3, random_state=4, **params).fit(X, y)
    singles = [ParagraphClassifier(linear_runs=1, random_state=4 + k, **params).fit(X, y).linear_ for k in range(3)]
    assert np.allclose(averaged.linear_.coef_, np.mean([s.coef_ for s in singles], axis=0))
    assert np.allclose(averaged.linear_.intercept_, np.mean([s.intercept_ for s in singles], axis=0))
    assert not np.allclose(singles[0].coef_, singles[1].coef_)  # the runs really differ


def test_the_package_requires_the_versions_the_shipped_model_was_written_with():
    """A fresh install keeps an older scikit-learn or NumPy it finds: the package's requirements
    must admit only versions that can load the shipped model (the minor it checks at load)."""
    import tomllib

    from packaging.requirements import Requirement

    root = Path(__file__).resolve().parent.parent
    wanted = {r.name: r.specifier for r in map(Requirement, tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"])}
    written = json.loads((root / "models" / "default" / "manifest.json").read_text())["sklearn_version"]
    major, minor = map(int, written.split(".")[:2])
    assert written in wanted["scikit-learn"]
    assert f"{major}.{minor - 1}.99" not in wanted["scikit-learn"] and f"{major}.{minor + 1}.0" not in wanted["scikit-learn"]
    assert "1.26.4" not in wanted["numpy"]
