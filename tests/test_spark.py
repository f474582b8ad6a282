"""declutter.spark on a real local Spark session (local[2]); skipped only when pyspark is absent."""

import os
import shutil

import pytest

pyspark = pytest.importorskip("pyspark")

from declutter import Cleaner  # noqa: E402


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


def test_a_threshold_reaches_the_executors(spark, cleaner, seed_page):
    """(After the load-count test: another threshold is another model load in each process.)"""
    from declutter.spark import clean_column

    df = spark.createDataFrame([("page", seed_page)], "id string, text string")
    lenient = clean_column(df, "text", threshold=0.98).collect()[0]["clean_text"]
    assert lenient == Cleaner(cleaner.model, manifest=cleaner.manifest, threshold=0.98).clean(seed_page) != cleaner.clean(seed_page)
