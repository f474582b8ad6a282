"""Spark: add a clean-text column to a DataFrame, the model loaded once per executor process.

    from declutter.spark import clean_column
    df = spark.read.json("crawl.jsonl")
    clean_column(df, "html", format="html").write.parquet("clean")

Install with ``pip install 'declutter[spark]'``. Failed records get a null clean text and the
reason in ``declutter_error``; a null input gives a null output and no error. Argument mistakes
raise when :func:`clean_column` is called, on the driver, not in the executors.
"""

from __future__ import annotations

import json
import os
from numbers import Integral, Real
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from declutter.categories import ARTICLE, check_label
from declutter.cleaner import DEFAULT_MAX_PARAGRAPHS, check_format

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructField, StructType

_CLEANERS: dict = {}  # per Python worker process: _cleaner's arguments -> Cleaner
LOAD_LOG_VARIABLE = "DECLUTTER_SPARK_LOAD_LOG"  # if set, each model load appends "pid" to this file
_INPUT = "__declutter_input"  # a nested input field is copied to a top-level column of this name
_ENCODING = "__declutter_encoding"  # the encoding_col, copied to a top-level column of this name


def _cleaner(model: str | None, trust: bool, keep: tuple[str, ...], max_bytes: int | None, threshold: float | None = None, max_paragraphs: int | None = DEFAULT_MAX_PARAGRAPHS):
    key = (model, trust, keep, max_bytes, threshold, max_paragraphs)
    if key not in _CLEANERS:
        from declutter.cleaner import Cleaner

        _CLEANERS[key] = Cleaner.load(model, trust=trust, keep=keep, max_bytes=max_bytes, max_paragraphs=max_paragraphs, threshold=threshold)
        log = os.environ.get(LOAD_LOG_VARIABLE)
        if log:
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()}\n")
    return _CLEANERS[key]


def clean_column(df: DataFrame, input_col: str = "text", output_col: str = "clean_text", *, format: str = "auto", tags: bool = False, keep: Iterable[str] = (), model: str | None = None, trust_model: bool = False, error_col: str = "declutter_error", encoding_col: str | None = None, batch_size: int = 64, max_bytes: int | None = 20_000_000, max_paragraphs: int | None = DEFAULT_MAX_PARAGRAPHS, threshold: float | None = None) -> DataFrame:
    """``df`` with ``output_col`` (clean text), ``error_col`` and, with ``tags``, ``{output_col}_tags``
    (a JSON array of every paragraph's text, label, probability and kept).

    ``input_col``: a string or binary column, or a field of a struct column (``"page.html"``).
    ``encoding_col``: a string column (or field) with each binary document's declared charset,
    such as a WARC record's Content-Type charset; null where none was declared (see ``encoding``
    of :meth:`~declutter.cleaner.Cleaner.clean`).
    A column of those names that ``df`` already has is replaced in place (re-running a step
    overwrites its output; ``output_col=input_col`` replaces the text with its clean text).
    ``max_bytes``, ``max_paragraphs``, ``threshold``, ``keep``: see :class:`~declutter.cleaner.Cleaner`.
    Every argument, and ``model`` (without unpickling it), is checked here: a mistake raises
    ValueError, TypeError or :class:`~declutter.model_store.ModelError` before any job runs."""
    from declutter.model_store import load_model

    keep_labels = (ARTICLE, *_check_keep(keep))
    _check_settings(format, threshold, batch_size, max_bytes, max_paragraphs)
    load_model(model, trust=trust_model, check_only=True)
    same = _name_matcher(df)
    fields = df.schema.fields
    df, source = _input_column(df, input_col, same)
    df = _with_encoding_column(df, encoding_col, same)
    names = [output_col, error_col] + ([f"{output_col}_tags"] if tags else [])
    _check_output_names(names, input_col, source, same)
    schema, targets = _output_schema(fields, names, same)
    settings = (model, trust_model, keep_labels, max_bytes, threshold, max_paragraphs)

    def clean_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        cleaner = None  # loaded at the first batch: an empty partition loads nothing
        for frame in batches:
            cleaner = cleaner or _cleaner(*settings)
            encodings = frame.pop(_ENCODING).tolist() if encoding_col is not None else None
            columns = _clean_values(cleaner, frame[source].tolist(), format, batch_size, encodings)
            frame = frame.copy()
            for name, target, values in zip(names, targets, columns):
                frame[name if target is None else frame.columns[target]] = values
            if source == _INPUT:
                frame = frame.drop(columns=[_INPUT])
            frame.columns = schema.fieldNames()
            yield frame

    return df.mapInPandas(clean_batches, schema=schema)


def _output_schema(fields: list, names: list[str], same: Callable[[str, str], bool]) -> tuple[StructType, list[int | None]]:
    """``fields`` with a string column per name of ``names``, in the place of a column of that name
    if there is one (else at the end); and per name that place, or None."""
    from pyspark.sql.types import StringType, StructField, StructType

    fields = list(fields)
    targets = [_existing_column(fields, name, same) for name in names]
    for name, target in zip(names, targets):
        if target is None:
            fields.append(StructField(name, StringType()))
        else:
            fields[target] = StructField(name, StringType())
    return StructType(fields), targets


def _clean_values(cleaner, values: list, format: str, batch_size: int, encodings: list | None = None) -> tuple[list, list, list]:
    """Clean text, error and tags JSON per value (``encodings``: each one's declared charset or
    None); all three null for a null value."""
    present = [i for i, v in enumerate(values) if v is not None]
    documents = (bytes(values[i]) if isinstance(values[i], (bytearray, memoryview)) else values[i] for i in present)
    declared = None if encodings is None else (encodings[i] if isinstance(encodings[i], str) else None for i in present)
    results = dict(zip(present, cleaner.stream(documents, format, errors="return", batch_size=batch_size, encodings=declared)))
    texts, errors, tag_lists = [], [], []
    for i in range(len(values)):
        result = results.get(i)
        texts.append(None if result is None else result.text)
        errors.append(None if result is None else result.error)
        document = None if result is None else result.document
        tag_lists.append(None if document is None else json.dumps([p.to_dict() for p in document], ensure_ascii=False))
    return texts, errors, tag_lists


def _check_keep(keep: Iterable[str]) -> tuple[str, ...]:
    """``keep`` as a tuple of known labels; a str or an unknown label raises."""
    if isinstance(keep, str) or not isinstance(keep, Iterable):
        raise TypeError(f"keep is a tuple of labels, e.g. keep=('meta',), not {keep!r}")
    try:
        return tuple(check_label(label) for label in keep)
    except ValueError as exc:
        raise ValueError(f"keep: {exc}") from exc


def _check_settings(format: str, threshold: float | None, batch_size: int, max_bytes: int | None, max_paragraphs: int | None) -> None:
    from declutter.drop_rule import DropRule

    check_format(format)
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, Real):
            raise TypeError(f"threshold must be a number between 0 and 1 or None, not {threshold!r}")
        DropRule.uniform(threshold)  # "threshold must be between 0 and 1, not 5"
    for name, value, optional in (("batch_size", batch_size, False), ("max_bytes", max_bytes, True), ("max_paragraphs", max_paragraphs, True)):
        if not (value is None and optional) and (isinstance(value, bool) or not isinstance(value, Integral) or value < 1):
            raise ValueError(f"{name} must be a whole number of at least 1{' or None' if optional else ''}, not {value!r}")


def _name_matcher(df: DataFrame) -> Callable[[str, str], bool]:
    """Whether two column names are the same column, by the session's spark.sql.caseSensitive."""
    if df.sparkSession.conf.get("spark.sql.caseSensitive", "false").lower() == "true":
        return str.__eq__
    return lambda a, b: a.lower() == b.lower()


def _existing_column(fields: list, name: str, same: Callable[[str, str], bool]) -> int | None:
    """The position of the top-level column ``name`` among ``fields``, None if there is none."""
    found = [i for i, f in enumerate(fields) if same(f.name, name)]
    if len(found) > 1:
        raise ValueError(f"the DataFrame has {len(found)} columns named {name!r}; rename them before clean_column")
    return found[0] if found else None


def _input_column(df: DataFrame, input_col: str, same: Callable[[str, str], bool]) -> tuple[DataFrame, str]:
    """``df`` and the name of the column of its pandas batches that holds ``input_col``: a top-level
    column as it is, a nested field copied to a top-level column. Raises unless it is string or binary."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import BinaryType, StringType

    if not isinstance(input_col, str):
        raise TypeError(f"input_col is a column name (str), not {input_col!r}")
    position, field = _field(df, input_col, "input_col", same)
    if not isinstance(field.dataType, (StringType, BinaryType)):
        raise ValueError(
            f"input_col {input_col!r} is {field.dataType.simpleString()}; declutter cleans a string or binary column "
            f"(cast it first, e.g. F.col({input_col!r}).cast('string'), or pick another column)"
        )
    if position is not None:
        return df, df.schema.fields[position].name
    if _INPUT in df.columns:
        raise ValueError(f"the DataFrame already has a column {_INPUT!r}, which clean_column uses for a nested input_col")
    return df.withColumn(_INPUT, F.col(input_col)), _INPUT


def _with_encoding_column(df: DataFrame, encoding_col: str | None, same: Callable[[str, str], bool]) -> DataFrame:
    """``df`` with ``encoding_col`` copied to the column ``_ENCODING`` (dropped again from every
    output batch); unchanged without one. Raises unless it is a string column or field."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType

    if encoding_col is None:
        return df
    if not isinstance(encoding_col, str):
        raise TypeError(f"encoding_col is a column name (str) or None, not {encoding_col!r}")
    _, field = _field(df, encoding_col, "encoding_col", same)
    if not isinstance(field.dataType, StringType):
        raise ValueError(f"encoding_col {encoding_col!r} is {field.dataType.simpleString()}; it holds charset names (string)")
    if _ENCODING in df.columns:
        raise ValueError(f"the DataFrame already has a column {_ENCODING!r}, which clean_column uses for encoding_col")
    return df.withColumn(_ENCODING, F.col(encoding_col))


def _field(df: DataFrame, name: str, what: str, same: Callable[[str, str], bool]) -> tuple[int | None, StructField]:
    """The position of the top-level column ``name`` (None for a nested field) and its field;
    ValueError naming ``what`` if there is none."""
    position = _existing_column(df.schema.fields, name, same)
    return position, (df.schema.fields[position] if position is not None else _nested_field(df, name, what))


def _nested_field(df: DataFrame, input_col: str, what: str) -> StructField:
    """The StructField that Spark resolves ``input_col`` ("page.html") to; ValueError if none."""
    from pyspark.errors import AnalysisException
    from pyspark.sql import functions as F

    try:
        fields = df.select(F.col(input_col)).schema.fields  # analysed on the driver, no job
    except AnalysisException:
        fields = []
    if len(fields) != 1:  # not found, or a star
        raise ValueError(f"{what} {input_col!r} is not a column of the DataFrame; its columns: {', '.join(df.columns)}")
    return fields[0]


def _check_output_names(names: list[str], input_col: str, source: str, same: Callable[[str, str], bool]) -> None:
    """Output names are distinct; only ``output_col`` may be the (top-level) input column."""
    for i, name in enumerate(names):
        what = ("output_col", "error_col", "the tags column")[i]
        if not isinstance(name, str) or not name:
            raise TypeError(f"{what} is a column name (str), not {name!r}")
        if any(same(name, other) for other in names[:i]):
            raise ValueError(f"output_col, error_col and the tags column (output_col + '_tags') must differ: {names}")
        if i and source != _INPUT and same(name, source):
            raise ValueError(f"{what} {name!r} is the input column; only output_col may replace it")
    if source == _INPUT and same(names[0], input_col):
        raise ValueError(f"output_col {input_col!r} is the nested input field; name a top-level column for the clean text")
