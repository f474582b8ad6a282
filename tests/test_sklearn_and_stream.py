"""The streaming API and the scikit-learn transformer, on real documents."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from declutter import Cleaner
from declutter.sklearn import DeclutterTransformer


def test_stream_is_lazy_and_returns_errors_as_values(cleaner, seed_text, seed_expected):
    consumed = []

    def documents():
        for doc in [seed_text, b"\x01\x02\x03\x04" * 100, seed_text]:
            consumed.append(doc)
            yield doc

    stream = cleaner.stream(documents(), errors="return", batch_size=1)
    first = next(stream)
    assert len(consumed) == 1 and first.ok and first.text == seed_expected
    failed = next(stream)
    assert not failed.ok and "binary" in failed.error and failed.text is None
    assert next(stream).text == seed_expected


def test_stream_raises_by_default(cleaner):
    with pytest.raises(ValueError, match="binary"):
        list(cleaner.stream([b"\x01\x02\x03\x04" * 100]))


def test_transformer_inside_a_pipeline(seed_text, seed_page, cleaner):
    pipeline = Pipeline([("declutter", DeclutterTransformer()), ("tfidf", TfidfVectorizer())])
    matrix = pipeline.fit_transform([seed_text, seed_page])
    vocabulary = pipeline.named_steps["tfidf"].vocabulary_
    assert matrix.shape[0] == 2
    assert "haniyeh" in vocabulary and "cookies" not in vocabulary
    assert pipeline.named_steps["declutter"].transform([seed_page]) == [cleaner.clean(seed_page)]
    lenient = DeclutterTransformer(threshold=0.98).fit().transform([seed_text])
    assert lenient == [Cleaner(cleaner.model, manifest=cleaner.manifest, threshold=0.98).clean(seed_text)] != [cleaner.clean(seed_text)]


def test_transformer_reads_a_corpus_of_bytes_in_its_encoding():
    """Polish ISO-8859-2 reads as windows-1252 to a detector; a corpus known to be in one
    charset says so once."""
    polish = "Rząd ogłosił dziś nowy plan wsparcia niezależnej prasy w kraju. Minister powiedział, że finansowanie rozpocznie się w przyszłym miesiącu.\nStowarzyszenie dziennikarzy przyjęło decyzję z zadowoleniem."
    corpus = [polish.encode("iso-8859-2"), polish.encode("utf-8")]
    keep_all = ("article", "meta", "legal", "other")
    declared = DeclutterTransformer(encoding="ISO-8859-2", keep=keep_all).fit().transform(corpus)
    assert "ogłosił" in declared[0] and "ogłosił" in declared[1]  # UTF-8 stays UTF-8 whatever is declared
    assert "ogłosił" not in DeclutterTransformer(keep=keep_all).fit().transform(corpus[:1])[0]


def test_transformer_params_and_clone():
    transformer = DeclutterTransformer(keep=("article", "meta"), on_error="empty")
    copy = clone(transformer)
    assert copy.get_params() == transformer.get_params()
    copy.set_params(format="text")
    assert copy.format == "text" and transformer.format == "auto"
    assert copy.fit().transform([b"\x01\x02\x03\x04" * 100]) == [""]



NEWS = [
    "The council approved the budget on Tuesday after a long debate about schools.",
    "The mayor said the plan adds 200 teachers next year and extends bus service.",
    "Opposition members warned of cuts later in the year if revenue falls short.",
]


def test_transformer_reads_a_one_column_dataframe_or_array_as_its_documents(cleaner, seed_page):
    """Iterating a DataFrame yields its column names, and a 2-D array its rows: each was
    taken for one document, so 3 rows came back as 1 text (or all blank with on_error="empty")."""
    pd = pytest.importorskip("pandas")  # comes with the spark extra

    frame = pd.DataFrame({"text": [*NEWS, seed_page], "id": [1, 2, 3, 4]})
    expected = np.array([[cleaner.clean(doc)] for doc in frame["text"]], dtype=object)
    out = DeclutterTransformer().fit(frame[["text"]]).transform(frame[["text"]])
    assert out.shape == (4, 1) and (out == expected).all() and out[0, 0] == NEWS[0]
    array_out = DeclutterTransformer(on_error="empty").fit(None).transform(frame[["text"]].to_numpy())
    assert array_out.shape == (4, 1) and (array_out == expected).all()
    assert DeclutterTransformer().fit(frame["text"]).transform(frame["text"]) == list(expected[:, 0])  # 1-D stays a list
    with pytest.raises(ValueError, match="2 columns"):
        DeclutterTransformer().fit(frame)
    with pytest.raises(ValueError, match="2 columns"):
        DeclutterTransformer().fit(None).transform(frame.to_numpy())


def test_transformer_inside_a_column_transformer_with_a_list_of_columns(cleaner, seed_page):
    """ColumnTransformer hands a step chosen by a list of columns a DataFrame and stacks 2-D outputs."""
    pd = pytest.importorskip("pandas")  # comes with the spark extra
    from sklearn.compose import ColumnTransformer

    frame = pd.DataFrame({"text": [seed_page, *NEWS], "section": ["world", "local", "local", "local"]})
    columns = ColumnTransformer([("declutter", DeclutterTransformer(), ["text"])], remainder="passthrough")
    out = columns.fit_transform(frame)
    assert out.shape == (4, 2) and out[0, 0] == cleaner.clean(seed_page) and list(out[1:, 0]) == NEWS
    assert list(columns.get_feature_names_out()) == ["declutter__text", "remainder__section"]
    as_frame = Pipeline([("columns", clone(columns).set_output(transform="pandas"))]).fit_transform(frame)
    assert list(as_frame.columns) == ["declutter__text", "remainder__section"] and list(as_frame["declutter__text"]) == list(out[:, 0])


def test_transformer_checks_format_when_fitted():
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        DeclutterTransformer(format="pdf").fit([NEWS[0]])


def test_transformer_refuses_one_bare_document(seed_text):
    """A str or bytes is an iterable too, of characters: each would be cleaned as a document."""
    transformer = DeclutterTransformer().fit()
    for document in (seed_text, seed_text.encode()):
        with pytest.raises(TypeError, match=r"wrap it in a list"):
            transformer.transform(document)
        with pytest.raises(TypeError, match=r"wrap it in a list"):
            DeclutterTransformer().fit(document)

def test_transformer_estimator_checks_that_apply():
    from sklearn.utils.estimator_checks import (
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_parameters_default_constructible,
        check_set_params,
    )

    for check in (check_no_attributes_set_in_init, check_get_params_invariance, check_set_params, check_parameters_default_constructible):
        check("DeclutterTransformer", DeclutterTransformer())


def test_one_cleaner_shared_by_threads(cleaner, seed_text, seed_page, seed_expected):
    results, failures = [], []

    def work(doc):
        try:
            for _ in range(5):
                results.append(cleaner.clean(doc))
        except Exception as exc:  # noqa: BLE001
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(doc,)) for doc in (seed_text, seed_page) * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures and len(results) == 40 and set(results) == {seed_expected, cleaner.clean(seed_page)}


def test_the_booster_predicts_on_one_openmp_thread_and_restores_the_callers_setting(cleaner, seed_text, seed_expected):
    """Processes share the cores (Spark executors, -j workers): OpenMP threads spinning inside
    each one's prediction made it fifty times slower on a busy machine."""
    from threadpoolctl import threadpool_info, threadpool_limits

    from declutter.model import _one_openmp_thread

    def openmp_threads() -> set[int]:
        return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "openmp"}

    with threadpool_limits(limits=2, user_api="openmp"):
        assert openmp_threads() == {2}
        with _one_openmp_thread():
            assert openmp_threads() == {1}
        assert cleaner.clean(seed_text) == seed_expected
        assert openmp_threads() == {2}


def test_a_document_that_is_neither_text_nor_bytes_is_named_as_such(cleaner):
    with pytest.raises(TypeError, match="not NoneType"):
        cleaner.clean(None)
    results = list(cleaner.stream(["A short story about the harbour.", {"html": "<p>x</p>"}], errors="return"))
    assert results[0].ok and results[1].error == "TypeError: a document is str (text or HTML) or bytes, not dict"


def test_classifier_score_is_paragraph_accuracy(cleaner):
    from declutter.dataset import read_documents
    from tests.conftest import ROOT

    documents = list(read_documents([ROOT / "training_data" / "holdout" / "written_holdout6_b.jsonl"]))[:10]
    X, y = [d.unlabelled() for d in documents], [d.labels for d in documents]
    predicted = cleaner.model.predict(X)
    expected = sum(int((p == t).sum()) for p, t in zip(predicted, map(np.asarray, y))) / sum(map(len, y))
    assert cleaner.model.score(X, y) == pytest.approx(expected)
    weights = [1.0] * 9 + [0.0]  # the last document does not count
    assert cleaner.model.score(X, y, sample_weight=weights) == pytest.approx(cleaner.model.score(X[:9], y[:9]))
