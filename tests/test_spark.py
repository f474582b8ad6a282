"""declutter.spark on a real local Spark session (local[2]); skipped only when pyspark is absent."""

import gzip
import json
import os
import re
import shutil

import pytest

pyspark = pytest.importorskip("pyspark")

from declutter import Cleaner  # noqa: E402
from declutter.model_store import ModelError, default_model_dir  # noqa: E402
from tests.conftest import WCXB  # noqa: E402


@pytest.fixture(scope="module")
def load_log(tmp_path_factory):
    return tmp_path_factory.mktemp("spark") / "model-loads.txt"


@pytest.fixture(scope="module")
def spark(load_log):
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        pytest.fail("Spark needs a Java runtime; .ci/run installs one")
    from pyspark.sql import SparkSession

    from declutter.spark import LOAD_LOG_VARIABLE

    os.environ[LOAD_LOG_VARIABLE] = str(load_log)  # inherited by the Python workers Spark starts
    session = (
        SparkSession.builder.master("local[2]").appName("declutter-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.python.worker.reuse", "true")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "20").getOrCreate()
    )
    yield session
    session.stop()
    del os.environ[LOAD_LOG_VARIABLE]


@pytest.fixture(scope="module")
def wcxb_pages() -> dict[str, bytes]:
    """Two real pages from the WCXB dev set, read at test time: 0001 (97 paragraphs), 0031 (68)."""
    if not WCXB.exists():
        pytest.skip("WCXB data not beside the repository")
    return {name: gzip.open(WCXB / "html" / f"{name}.html.gz").read() for name in ("0001", "0031")}


@pytest.fixture(scope="module")
def shapes(spark):
    """An empty DataFrame with columns of every kind (created on the driver, no job)."""
    return spark.createDataFrame([], "id string, html string, n int, words array<string>, page struct<html: string, size: int>")


def test_clean_column_matches_the_api(spark, cleaner, seed_text, seed_expected, seed_page):
    from declutter.spark import clean_column

    rows = [("seed", seed_text), ("page", seed_page), ("null", None), ("huge", "word " * 5000)]
    df = spark.createDataFrame(rows, "id string, text string").repartition(2)
    out = {r["id"]: r for r in clean_column(df, "text", tags=True, max_bytes=20_000).collect()}

    assert out["seed"]["clean_text"] == seed_expected
    assert out["page"]["clean_text"] == cleaner.clean(seed_page)
    assert out["null"]["clean_text"] is None and out["null"]["declutter_error"] is None
    assert out["huge"]["clean_text"] is None
    assert "over the limit" in out["huge"]["declutter_error"]
    assert '"label": "appeal"' in out["seed"]["clean_text_tags"]
    assert set(out["seed"].asDict()) == {"id", "text", "clean_text", "declutter_error", "clean_text_tags"}


def test_model_is_loaded_once_per_executor_process(spark, load_log, seed_text):
    from declutter.spark import clean_column

    df = spark.createDataFrame([(str(i), seed_text) for i in range(400)], "id string, text string").repartition(2)
    rows = clean_column(df, "text", batch_size=16, max_bytes=20_000).select("clean_text").collect()
    assert len(rows) == 400 and all(r["clean_text"] for r in rows)
    pids = load_log.read_text().split()
    assert 1 <= len(pids) <= 4  # 20 Arrow batches here alone, but loads happen per worker process
    assert len(set(pids)) == len(pids)  # no process ever loaded the model twice


def test_a_threshold_reaches_the_executors(spark, cleaner, seed_text):
    """(After the load-count test: another threshold is another model load in each process.)"""
    from declutter.spark import clean_column

    df = spark.createDataFrame([("seed", seed_text)], "id string, text string")
    lenient = clean_column(df, "text", threshold=0.98).collect()[0]["clean_text"]
    assert lenient == Cleaner(cleaner.model, manifest=cleaner.manifest, threshold=0.98).clean(seed_text) != cleaner.clean(seed_text)


def _untrusted_model(tmp_path):
    """A model directory other than the shipped one (links to its files): needs trust_model=True."""
    for name in ("model.joblib", "manifest.json"):
        (tmp_path / name).symlink_to(default_model_dir() / name)
    return str(tmp_path)


@pytest.mark.parametrize("kwargs, error, message", [
    ({}, ValueError, "input_col 'text' is not a column of the DataFrame; its columns: id, html, n, words, page"),
    ({"input_col": "body"}, ValueError, "input_col 'body' is not a column"),
    ({"input_col": "page.body"}, ValueError, "input_col 'page.body' is not a column"),
    ({"input_col": "html", "keep": ("bogus",)}, ValueError, "keep: unknown label 'bogus'; known labels: article, appeal"),
    ({"input_col": "html", "keep": "meta"}, TypeError, "keep is a collection of labels, e.g. keep=('meta',), not 'meta'"),
    ({"input_col": "html", "threshold": 5}, ValueError, "threshold must be between 0 and 1, not 5"),
    ({"input_col": "html", "format": "xml"}, ValueError, "unknown format 'xml'"),
    ({"input_col": "html", "batch_size": 0}, ValueError, "batch_size must be a whole number of at least 1, not 0"),
    ({"input_col": "html", "max_paragraphs": 0}, ValueError, "max_paragraphs must be a whole number of at least 1 or None, not 0"),
    ({"input_col": "html", "model": "missing"}, ModelError, "no model.joblib in"),
    ({"input_col": "html", "model": "untrusted"}, ModelError, "Pass trust=True (--trust-model)"),
    ({"input_col": "html", "error_col": "clean_text"}, ValueError, "output_col, error_col and the tags column (output_col + '_tags') must differ"),
    ({"input_col": "html", "error_col": "html"}, ValueError, "error_col 'html' is the input column; only output_col may replace it"),
    ({"input_col": "page.html", "output_col": "page.html"}, ValueError, "output_col 'page.html' is the nested input field"),
    ({"input_col": "html", "encoding_col": "n"}, ValueError, "encoding_col 'n' is int; it holds charset names (string)"),
    ({"input_col": "html", "encoding_col": "charset"}, ValueError, "encoding_col 'charset' is not a column of the DataFrame"),
])
def test_argument_mistakes_raise_when_clean_column_is_called(shapes, tmp_path, kwargs, error, message):
    """On the driver, before any job: not as worker tracebacks or a null per row."""
    from declutter.spark import clean_column

    if kwargs.get("model") == "missing":
        kwargs = {**kwargs, "model": str(tmp_path / "no-model")}
    elif kwargs.get("model") == "untrusted":
        kwargs = {**kwargs, "model": _untrusted_model(tmp_path)}
    with pytest.raises(error, match=re.escape(message)):
        clean_column(shapes, **kwargs)


@pytest.mark.parametrize("column, kind", [("n", "int"), ("words", "array<string>"), ("page", "struct<html:string,size:int>"), ("page.size", "int")])
def test_a_column_that_is_not_text_raises_instead_of_nulls(shapes, column, kind):
    """Only a null input gives a null clean text without an error (test_clean_column_matches_the_api)."""
    from declutter.spark import clean_column

    with pytest.raises(ValueError, match=re.escape(f"input_col {column!r} is {kind}; declutter cleans a string or binary column")):
        clean_column(shapes, column)


# Spark jobs with other settings than the load-count test's: after it (each is another model load per process).


def test_columns_that_exist_are_replaced_in_place(spark, cleaner, wcxb_pages):
    """Re-running a step overwrites its columns where they are; output_col=input_col replaces the
    text with its clean text."""
    from declutter.spark import clean_column

    page = wcxb_pages["0031"].decode("utf-8")
    once = clean_column(spark.createDataFrame([("0031", page)], "id string, text string").coalesce(1), "text", tags=True)
    again = clean_column(once, "clean_text", "clean_text", tags=True)  # all three output columns exist
    row = again.collect()[0]
    twice = cleaner.clean(cleaner.clean(page))
    assert again.columns == ["id", "text", "clean_text", "declutter_error", "clean_text_tags"]
    assert row["text"] == page and row["clean_text"] == twice != "" and row["declutter_error"] is None
    assert [p["text"] for p in json.loads(row["clean_text_tags"]) if p["kept"]] == twice.split("\n")


def test_max_paragraphs_reaches_the_executors_and_a_nested_field_is_cleaned(spark, cleaner, wcxb_pages):
    """(One job for both: the pages are a binary field of a struct column.)"""
    from declutter.spark import clean_column

    rows = [(name, ("https://example.org/" + name, page)) for name, page in wcxb_pages.items()]
    df = spark.createDataFrame(rows, "id string, page struct<url: string, html: binary>").coalesce(1)
    out = clean_column(df, "page.html", max_paragraphs=80)
    rows = {r["id"]: r for r in out.collect()}
    assert out.columns == ["id", "page", "clean_text", "declutter_error"]
    assert rows["0001"]["clean_text"] is None
    paragraphs = len(cleaner.segment(wcxb_pages["0001"]))
    assert paragraphs > 80 and f"document has {paragraphs} paragraphs, over the limit of 80" in rows["0001"]["declutter_error"]
    assert rows["0031"]["clean_text"] == cleaner.clean(wcxb_pages["0031"]) and rows["0031"]["declutter_error"] is None


def test_each_documents_declared_charset_is_read_from_encoding_col(spark, cleaner):
    """Bytes whose charset only the transport declares (Turkish windows-1254 and Polish
    ISO-8859-2 read as windows-1252 to a detector): as ``Cleaner.clean(encoding=)`` reads them."""
    from declutter.spark import clean_column

    turkish = "Hükümet bugün bağımsız basını desteklemek için yeni bir plan açıkladı.\nBakan, finansmanın gelecek ay başlayacağını söyledi."
    polish = "Rząd ogłosił dziś nowy plan wsparcia niezależnej prasy w kraju. Minister powiedział, że finansowanie rozpocznie się w przyszłym miesiącu."
    rows = [
        ("tr", bytearray(turkish.encode("cp1254")), "windows-1254"),
        ("pl", bytearray(polish.encode("iso-8859-2")), "ISO-8859-2"),
        ("utf8", bytearray(turkish.encode("utf-8")), None),
    ]
    df = spark.createDataFrame(rows, "id string, body binary, charset string")
    out = {r["id"]: r for r in clean_column(df, "body", encoding_col="charset", tags=True).collect()}

    assert out["tr"]["clean_text"] == cleaner.clean(bytes(rows[0][1]), encoding="windows-1254") == turkish
    assert [p["text"] for p in json.loads(out["pl"]["clean_text_tags"])] == [polish]  # read right, whether kept or not
    assert out["utf8"]["clean_text"] == turkish
    assert set(out["tr"].asDict()) == {"id", "body", "charset", "clean_text", "declutter_error", "clean_text_tags"}
    undeclared = {r["id"]: r["clean_text_tags"] for r in clean_column(df, "body", tags=True).collect()}
    assert [p["text"] for p in json.loads(undeclared["pl"])] != [polish]  # the column is what read it right


def test_columns_declutter_does_not_read_pass_through_whatever_their_type(spark, seed_text, seed_expected):
    """Only the input column goes through pandas: a timestamp outside its nanosecond range (the
    9999-12-31 sentinel) or an ML vector beside the text would otherwise fail the job."""
    import datetime as dt

    from pyspark.ml.linalg import Vectors, VectorUDT
    from pyspark.sql.types import StringType, StructField, StructType, TimestampType

    from declutter.spark import clean_column

    valid_to, features = dt.datetime(9999, 12, 31, 23, 59, 59), Vectors.dense([1.0, 2.0])
    schema = StructType([StructField("valid_to", TimestampType()), StructField("features", VectorUDT()), StructField("text", StringType())])
    out = clean_column(spark.createDataFrame([(valid_to, features, seed_text)], schema), "text")
    row = out.collect()[0]
    assert out.columns == ["valid_to", "features", "text", "clean_text", "declutter_error"]
    assert out.schema["valid_to"].dataType == TimestampType() and out.schema["features"].dataType == VectorUDT()
    assert row["valid_to"] == valid_to and row["features"] == features and row["text"] == seed_text
    assert row["clean_text"] == seed_expected and row["declutter_error"] is None


def test_a_filter_on_an_output_column_cleans_each_row_once(spark, seed_text, seed_expected):
    """Spark took the cleaning for deterministic and pushed `declutter_error IS NULL` below it:
    the plan held two Python evaluations, so every row was cleaned twice."""
    from pyspark.sql import functions as F

    from declutter.spark import clean_column

    out = clean_column(spark.createDataFrame([("a", seed_text), ("b", None)], "id string, text string"), "text")
    kept = out.filter(F.col("declutter_error").isNull() & F.col("clean_text").isNotNull())
    plan = kept._jdf.queryExecution().executedPlan().toString()
    assert plan.count("ArrowEvalPython") == 1, plan
    assert [(r["id"], r["clean_text"]) for r in kept.collect()] == [("a", seed_expected)]
