"""Spark: add a clean-text column to a DataFrame, the model loaded once per executor process.

    from declutter.spark import clean_column
    df = spark.read.json("crawl.jsonl")
    clean_column(df, "html", format="html").write.parquet("clean")

Install with ``pip install 'declutter[spark]'``. Failed records get a null clean text and the
reason in ``declutter_error``; a null input gives a null output and no error.
"""

from __future__ import annotations

import json
import os
from typing import Iterator

from declutter.categories import ARTICLE

_CLEANERS: dict = {}  # per Python worker process: _cleaner's arguments -> Cleaner
LOAD_LOG_VARIABLE = "DECLUTTER_SPARK_LOAD_LOG"  # if set, each model load appends "pid" to this file


def _cleaner(model: str | None, trust: bool, keep: tuple[str, ...], max_bytes: int | None, threshold: float | None = None):
    key = (model, trust, keep, max_bytes, threshold)
    if key not in _CLEANERS:
        from declutter.cleaner import Cleaner

        _CLEANERS[key] = Cleaner.load(model, trust=trust, keep=keep, max_bytes=max_bytes, threshold=threshold)
        log = os.environ.get(LOAD_LOG_VARIABLE)
        if log:
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()}\n")
    return _CLEANERS[key]


def clean_column(df, input_col: str = "text", output_col: str = "clean_text", *, format: str = "auto", tags: bool = False, keep: tuple[str, ...] = (), model: str | None = None, trust_model: bool = False, error_col: str = "declutter_error", batch_size: int = 64, max_bytes: int | None = 20_000_000, threshold: float | None = None):
    """``df`` with ``output_col`` (clean text), ``error_col`` and, with ``tags``, ``{output_col}_tags``
    (a JSON array of every paragraph's text, label, probability and kept). ``threshold``: see
    :class:`~declutter.cleaner.Cleaner`."""
    import pandas as pd
    from pyspark.sql.types import StringType, StructField, StructType

    keep_labels = (ARTICLE, *keep)
    added = [StructField(output_col, StringType()), StructField(error_col, StringType())]
    if tags:
        added.append(StructField(f"{output_col}_tags", StringType()))
    schema = StructType(list(df.schema.fields) + added)

    def clean_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        cleaner = _cleaner(model, trust_model, keep_labels, max_bytes, threshold)
        for frame in batches:
            texts, errors, tag_lists = [], [], []
            values = frame[input_col].tolist()
            present = [i for i, v in enumerate(values) if isinstance(v, (str, bytes, bytearray))]
            results = {i: r for i, r in zip(present, cleaner.stream((bytes(values[i]) if isinstance(values[i], bytearray) else values[i] for i in present), format, errors="return", batch_size=batch_size))}
            for i in range(len(values)):
                result = results.get(i)
                if result is None:
                    texts.append(None)
                    errors.append(None)
                    tag_lists.append(None)
                    continue
                texts.append(result.text)
                errors.append(result.error)
                tag_lists.append(None if result.document is None else json.dumps([p.to_dict() for p in result.document], ensure_ascii=False))
            frame = frame.copy()
            frame[output_col] = texts
            frame[error_col] = errors
            if tags:
                frame[f"{output_col}_tags"] = tag_lists
            yield frame

    return df.mapInPandas(clean_batches, schema=schema)
