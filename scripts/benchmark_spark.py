"""The same corpus through Spark local[2] (declutter.spark) and through `declutter clean -j 2`.

    pip install -e '.[spark]'
    python scripts/benchmark_spark.py [--documents 20000]

Prints both rates (records/s, wall time including Spark's start-up) and their ratio.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.corpus import write_jsonl  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = write_jsonl(tmp / "corpus.jsonl", args.documents, seed=5)

        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "declutter", "clean", str(corpus), "-o", str(tmp / "cli.jsonl"), "-q", "-j", "2"], check=True)
        cli_seconds = time.perf_counter() - started

        from pyspark.sql import SparkSession

        from declutter.spark import clean_column

        started = time.perf_counter()
        spark = SparkSession.builder.master("local[2]").appName("declutter-bench").config("spark.ui.enabled", "false").getOrCreate()
        df = spark.read.json(str(corpus)).repartition(2)
        clean_column(df, "text").select("id", "clean_text", "declutter_error").write.mode("overwrite").parquet(str(tmp / "spark.parquet"))
        spark_seconds = time.perf_counter() - started
        spark.stop()

    n = args.documents
    print(f"CLI -j 2:        {n / cli_seconds:8.0f} records/s ({cli_seconds:.1f} s)")
    print(f"Spark local[2]:  {n / spark_seconds:8.0f} records/s ({spark_seconds:.1f} s, start-up included)")
    print(f"Spark / CLI:     {cli_seconds / spark_seconds:.2f}")


if __name__ == "__main__":
    main()
