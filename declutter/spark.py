"""Spark: add a clean-text column to a DataFrame, the model loaded once per executor process.

    from declutter.spark import clean_column
    df = spark.read.json("crawl.jsonl")
    clean_column(df, "html", format="html").write.parquet("clean")

Filter the input before :func:`clean_column`: the cleaning is marked nondeterministic (else a
filter on its output would be pushed below it and clean every row twice), so Spark moves no
filter from after it to before it (nor prunes partitions by it). Install with
``pip install -e '.[spark]'`` in a checkout (the PyPI name declutter is another
project). Failed records get a null clean text and the
reason in ``declutter_error``; a null input gives a null output and no error. Argument mistakes
raise when :func:`clean_column` is called, on the driver, not in the executors.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Callable, Iterable

from declutter.checks import check_whole_number
from declutter.cleaner import DEFAULT_MAX_PARAGRAPHS, check_format, check_settings

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame
    from pyspark.sql.types import StructField

_CLEANERS: dict = {}  # per Python worker process: _cleaner's arguments -> Cleaner
LOAD_LOG_VARIABLE = "DECLUTTER_SPARK_LOAD_LOG"  # if set, each model load appends "pid" to this file
_RESULT = "__declutter_result"  # the struct of output fields, until they are put in their columns
_FIELDS = ("text", "error", "tags")  # that struct's fields, in the order of the output names


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
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    keep_labels = tuple(sorted(check_settings(keep, threshold, max_bytes, max_paragraphs)))  # as Cleaner checks them
    check_format(format)
    check_whole_number("batch_size", batch_size, 1)
    load_model(model, trust=trust_model, check_only=True)
    same = _name_matcher(df)
    text, source = _input_column(df, input_col, same)
    inputs = [text] + ([_encoding_column(df, encoding_col, same)] if encoding_col is not None else [])
    names = [output_col, error_col] + ([f"{output_col}_tags"] if tags else [])
    _check_output_names(names, input_col, source, same)
    if _existing_column(df.schema.fields, _RESULT, same) is not None:
        raise ValueError(f"the DataFrame already has a column {_RESULT!r}, which clean_column uses for its results")
    fields = _FIELDS[: len(names)]
    settings = (model, trust_model, keep_labels, max_bytes, threshold, max_paragraphs)

    # A pandas UDF over the columns it reads, not mapInPandas over all of them: every other column
    # (a timestamp out of pandas' range, an ML vector) stays in the JVM and passes through as it is.
    # No type hints: pandas_udf would look them up in this module's globals, which lack pandas.
    @F.pandas_udf(StructType([StructField(name, StringType()) for name in fields]))
    def clean(values, *encodings):
        """A batch of documents (a Series; and of their charsets) -> a DataFrame of the fields."""
        import pandas as pd

        if values.empty:  # an empty batch loads no model
            return pd.DataFrame({name: pd.Series([], dtype=object) for name in fields})
        declared = encodings[0].tolist() if encodings else None
        columns = _clean_values(_cleaner(*settings), values.tolist(), format, batch_size, declared)
        return pd.DataFrame(dict(zip(fields, columns)))

    # withColumns puts an output where a column of its name is, else at the end. Nondeterministic:
    # else a filter on an output (declutter_error IS NULL) is pushed below it and cleans every row twice.
    outputs = {name: F.col(_RESULT).getField(field) for name, field in zip(names, fields)}
    return df.withColumn(_RESULT, clean.asNondeterministic()(*inputs)).withColumns(outputs).drop(_RESULT)


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


def _input_column(df: DataFrame, input_col: str, same: Callable[[str, str], bool]) -> tuple[Column, str | None]:
    """The column ``input_col`` and the name of the top-level column it is (None for a field of a
    struct). Raises unless it is string or binary."""
    from pyspark.sql.types import BinaryType, StringType

    if not isinstance(input_col, str):
        raise TypeError(f"input_col is a column name (str), not {input_col!r}")
    column, field, top_level = _field(df, input_col, "input_col", same)
    if not isinstance(field.dataType, (StringType, BinaryType)):
        raise ValueError(
            f"input_col {input_col!r} is {field.dataType.simpleString()}; declutter cleans a string or binary column "
            f"(cast it first, e.g. F.col({input_col!r}).cast('string'), or pick another column)"
        )
    return column, field.name if top_level else None


def _encoding_column(df: DataFrame, encoding_col: str, same: Callable[[str, str], bool]) -> Column:
    """The column ``encoding_col``. Raises unless it is a string column or field."""
    from pyspark.sql.types import StringType

    if not isinstance(encoding_col, str):
        raise TypeError(f"encoding_col is a column name (str) or None, not {encoding_col!r}")
    column, field, _ = _field(df, encoding_col, "encoding_col", same)
    if not isinstance(field.dataType, StringType):
        raise ValueError(f"encoding_col {encoding_col!r} is {field.dataType.simpleString()}; it holds charset names (string)")
    return column


def _field(df: DataFrame, name: str, what: str, same: Callable[[str, str], bool]) -> tuple[Column, StructField, bool]:
    """The column ``name`` (a top-level column, else a field of a struct column: "page.html"), its
    field and whether it is top-level; ValueError naming ``what`` if there is none. Looked up in
    ``df.schema``: probing with ``df.select`` would make Spark log a stack trace before our error."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructType

    position = _existing_column(df.schema.fields, name, same)
    if position is not None:  # even one with a dot in its name
        field = df.schema.fields[position]
        return F.col(_quoted(field.name)), field, True
    column, struct = None, df.schema
    for part in name.split("."):
        position = _existing_column(struct.fields, part, same) if isinstance(struct, StructType) else None
        if position is None:
            raise ValueError(f"{what} {name!r} is not a column of the DataFrame; its columns: {', '.join(df.columns)}")
        field = struct.fields[position]
        column = F.col(_quoted(field.name)) if column is None else column.getField(field.name)
        struct = field.dataType
    return column, field, False


def _quoted(name: str) -> str:
    """``name`` as F.col reads it as one top-level column, dots and all."""
    return "`" + name.replace("`", "``") + "`"


def _check_output_names(names: list[str], input_col: str, source: str | None, same: Callable[[str, str], bool]) -> None:
    """Output names are distinct; only ``output_col`` may be the input column ``source`` (None: the
    input is a field of a struct, which no output may be named as)."""
    for i, name in enumerate(names):
        what = ("output_col", "error_col", "the tags column")[i]
        if not isinstance(name, str) or not name:
            raise TypeError(f"{what} is a column name (str), not {name!r}")
        if any(same(name, other) for other in names[:i]):
            raise ValueError(f"output_col, error_col and the tags column (output_col + '_tags') must differ: {names}")
        if i and source is not None and same(name, source):
            raise ValueError(f"{what} {name!r} is the input column; only output_col may replace it")
    if source is None and same(names[0], input_col):
        raise ValueError(f"output_col {input_col!r} is the nested input field; name a top-level column for the clean text")
