"""Batch cleaning: records stream from the readers through worker processes to the writers.

The model is loaded once per worker; at most a few chunks are in flight, so memory does not grow
with the corpus; results are written in input order, which makes ``--resume`` exact. Every record
read ends up written or in the error report: ``read == written + failed``.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

from declutter.readers import ERROR_REPORT_NAME, Failure, Item, Record
from declutter.readers.compression import without_compression
from declutter.repetition import SiteRepetition
from declutter.writers import ErrorReport, LineWriter, TreeWriter, safe_name, safe_relative_path

CHUNK = 32


@dataclass
class BatchOptions:
    """How a batch runs; the CLI fills it from its options."""

    output: str | None = None  # None: text/JSON to stdout; "-": JSONL to stdout; *.jsonl or *.ndjson: JSONL; else a directory
    output_format: str = "text"  # for stdout without --output: text or json
    tags: bool = False
    jobs: int = 1
    quiet: bool = False
    fail_fast: bool = False
    resume: bool = False
    errors: str | None = None
    keep: tuple[str, ...] = ()
    model: str | None = None
    trust_model: bool = False
    format: str = "auto"
    max_bytes: int | None = 20_000_000
    max_paragraphs: int | None = 100_000
    site_repeats: int | None = None
    threshold: float | None = None  # None: the model's calibrated drop rules
    headers: bool = False  # text to stdout: a "==> id <==" line before each record (several inputs), as head(1) does


@dataclass
class Summary:
    read: int = 0
    cleaned: int = 0
    empty: int = 0
    failed: int = 0
    skipped: int = 0
    stopped: bool = False  # --fail-fast stopped the run: records after the failure were not processed
    reasons: Counter = field(default_factory=Counter)

    @property
    def written(self) -> int:
        return self.cleaned + self.empty

    def line(self) -> str:
        text = f"read {self.read}, cleaned {self.cleaned}, empty after cleaning {self.empty}, failed {self.failed}"
        text += f", skipped (already done) {self.skipped}" if self.skipped else ""
        return text + (", then stopped at the first failure (--fail-fast): later records were not processed" if self.stopped else "")


# -- the work done in each worker ---------------------------------------------------------------
_cleaner = None
_repetition: SiteRepetition | None = None
_options: BatchOptions | None = None


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent was killed (SIGKILL leaves no chance to clean up) ends itself."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _init_worker(options: BatchOptions, repetition: SiteRepetition | None, parent: int | None = None) -> None:
    global _cleaner, _repetition, _options
    from declutter.cleaner import Cleaner

    if parent is not None:
        _exit_with_parent(parent)
    # One thread per worker process: -j N uses N cores. OpenMP threads of several workers
    # competing for the same cores spin and slow everything down.
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    _options, _repetition = options, repetition
    _cleaner = Cleaner.load(options.model, trust=options.trust_model, keep=("article", *options.keep), max_bytes=options.max_bytes, max_paragraphs=options.max_paragraphs, threshold=options.threshold)


def _process_chunk(records: list[Record]) -> list[tuple[str, object]]:
    """Clean a chunk; each record becomes ("ok", result) or ("failed", Failure)."""
    from declutter.cleaner import TaggedDocument

    documents: list[TaggedDocument | None] = []
    outcomes: list[tuple[str, object] | None] = []
    for record in records:
        try:
            format = record.format if _options.format == "auto" else _options.format
            documents.append(_cleaner.segment(record.content, format, encoding=record.charset))
            outcomes.append(None)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a reason, the batch goes on
            documents.append(None)
            outcomes.append(("failed", Failure.of(record, exc)))
    good = [d for d in documents if d is not None]
    try:
        _cleaner.decide(good)
    except Exception:  # noqa: BLE001 - find the record that breaks the model, one by one
        for i, doc in enumerate(documents):
            if doc is not None:
                try:
                    _cleaner.decide([doc])
                except Exception as exc:  # noqa: BLE001
                    documents[i], outcomes[i] = None, ("failed", Failure.of(records[i], exc))
    for i, (record, doc) in enumerate(zip(records, documents)):
        if doc is None:
            continue
        if _repetition is not None:
            _repetition.apply(record.site, doc)
        outcomes[i] = ("ok", _render(record, doc))
    return outcomes


def _printable(text: str) -> str:
    """``text`` with control characters escaped (an id must not end its header line)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def _render(record: Record, doc) -> dict:
    text = doc.text
    result = {"key": record.key, "id": record.id, "source": record.source, "url": record.url, "text": text, "empty": not text.strip()}
    if _options.output is None:
        if _options.output_format == "json":
            result["line"] = json.dumps({"source": record.source, "id": record.id, **doc.to_dict()}, ensure_ascii=False)
        return result
    if _output_kind(_options.output) == "jsonl":
        obj = dict(record.fields) if record.fields is not None else {"id": record.id, "source": record.source}
        obj["clean_text"] = text
        meta = {"key": record.key}
        if _options.tags:
            meta["paragraphs"] = [p.to_dict() for p in doc]
        obj["declutter"] = meta
        result["line"] = json.dumps(obj, ensure_ascii=False)
    return result


# -- the main process ---------------------------------------------------------------------------
def _output_kind(output: str | None) -> str:
    if output is None:
        return "stdout"
    if output == "-" or output.lower().endswith((".jsonl", ".ndjson")):
        return "jsonl"
    return "tree"


def tree_paths(record: Record) -> tuple[str, str]:
    """Where a record's text goes inside an output directory: the path it prefers
    (``dir/page.html`` → ``dir/page.txt``), and the one it takes when an earlier record of the
    run has that: the whole name kept (after ``dir/page.html`` took ``dir/page.txt``,
    ``dir/page.txt`` goes to ``dir/page.txt.txt``)."""
    if record.relative is not None:
        whole = without_compression(record.relative)
        name = whole
        for suffix in (".html", ".htm", ".txt"):
            name = name[: -len(suffix)] if name.lower().endswith(suffix) else name
        return name + ".txt", whole + ".txt"
    position = record.key.rsplit("#", 1)[-1] if "#" in record.key else record.key.rsplit("@", 1)[-1]
    folder = safe_relative_path(record.container).as_posix() if record.container else safe_name(Path(record.source).name)
    path = f"{folder}/{safe_name(position)}-{safe_name(record.id)}.txt"
    return path, path


def record_identity(record: Record) -> tuple[str, str]:
    """A record whatever its input path is spelt like: its file's absolute path, and its place in
    that file (``#line``, ``@offset``) for a JSONL or WARC record; and that file."""
    if record.source == "<stdin>" or not record.key.startswith(record.source):
        return record.key, record.source
    source = os.path.abspath(record.source)
    return source + record.key[len(record.source):], source


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_batch(items: Iterable[Item], options: BatchOptions, total: int | None = None, repetition_items: Iterable[Item] | None = None) -> Summary:
    """Clean every item; returns the counts. ``repetition_items`` is a second pass over the same
    input, read first to count repeated paragraphs per site (``options.site_repeats``)."""
    from declutter.progress import Progress

    summary = Summary()
    kind = _output_kind(options.output)
    tree = TreeWriter(Path(options.output), resume=options.resume) if kind == "tree" else None
    lines = LineWriter(None if options.output in (None, "-") else Path(options.output), resume=options.resume) if kind != "tree" else None
    errors_path = Path(options.errors) if options.errors else default_errors_path(options.output)
    # --resume skips what was written; what failed is tried again (its input may have been fixed),
    # so the error report starts afresh and ends up naming exactly the records that still fail
    errors = ErrorReport(errors_path)
    report_beside_output = bool(options.errors) or options.output not in (None, "-")  # not ./declutter-errors.jsonl of a stdout run
    if report_beside_output:
        errors.check()  # a report that cannot be written stops the run now, not at its first failure hours in
    done = lines.keys if lines else set()
    paths: dict[str, deque[str]] = {}  # record key -> its files in the output directory (a file named twice has two)

    repetition = None
    if options.site_repeats and repetition_items is not None:
        repetition = SiteRepetition.count(repetition_items, options.site_repeats, options.format)

    progress = Progress(total=total, quiet=options.quiet)
    pending: deque = deque()
    workers = None
    if options.jobs > 1:
        workers = _Workers(options.jobs, (options, repetition, os.getpid()))
        submit = workers.submit
    else:
        _init_worker(options, repetition)
        submit = lambda chunk: _Done(_process_chunk(chunk))  # noqa: E731

    def handle(outcomes) -> bool:
        for status, value in outcomes:
            summary.read += 1  # counted as handled, so that read = written + failed even when the run stops
            if status == "ok" and tree is not None:
                try:
                    tree.write(paths[value["key"]].popleft(), value["text"])
                except OSError as exc:  # this record's file cannot be written (a name the file system refuses): its failure
                    status, value = "failed", Failure(key=value["key"], id=value["id"], source=value["source"], reason=f"output not written: {exc}",
                                                      extra={"url": value["url"]} if value.get("url") else {})
            if status == "failed":
                summary.failed += 1
                summary.reasons[value.reason.split(":")[0]] += 1
                errors.write(json.dumps({**value.to_dict(), "key": value.key}, ensure_ascii=False))
                if not options.quiet:
                    print(f"declutter: {value.id}: {value.reason}", file=sys.stderr)
                if options.fail_fast:
                    summary.stopped = True
                    return False
                continue
            if value["empty"]:
                summary.empty += 1
            else:
                summary.cleaned += 1
            if tree is None and "line" in value:
                lines.write(value["line"])
            elif tree is None:
                if options.headers:
                    lines.write(("\n" if summary.cleaned + summary.empty > 1 else "") + f"==> {_printable(value['id'])} <==")
                lines.write(value["text"])
        progress.update(len(outcomes))
        return True

    keep_going = completed = True
    try:
        for chunk in _chunks(items, CHUNK):
            ready: list[tuple[str, object]] = []
            work: list[Record] = []
            slots: list[int] = []
            for item in chunk:
                finished = item.key in done
                if tree is not None and isinstance(item, Record):
                    relative, finished = tree.claim(*record_identity(item), *tree_paths(item))
                    if not finished:
                        paths.setdefault(item.key, deque()).append(relative)
                if finished:
                    summary.skipped += 1
                    continue
                if isinstance(item, Failure):
                    ready.append(("failed", item))
                else:
                    slots.append(len(ready))
                    ready.append(None)
                    work.append(item)
            pending.append((ready, slots, work, submit(work) if work else _Done([])))
            while len(pending) > 2 * max(1, options.jobs) or (pending and pending[0][3].done()):
                if not (keep_going := _finish(pending.popleft(), handle, workers)):
                    break
            if not keep_going:
                break
        while pending and keep_going:
            keep_going = _finish(pending.popleft(), handle, workers)
    except BaseException:
        completed = False  # a crash or Ctrl-C: a JSONL output stays NAME.part, for --resume
        raise
    finally:
        if workers is not None:
            workers.shutdown()
        progress.close()
        if lines is not None:
            lines.close(complete=completed)
        if tree is not None:
            tree.close()
        errors.close()
        if not errors.written and report_beside_output:
            errors_path.unlink(missing_ok=True)  # an earlier run's report beside this output is out of date
    return summary


def _finish(entry, handle, workers: "_Workers | None") -> bool:
    ready, slots, work, future = entry
    outcomes = workers.results(future, work) if workers is not None else future.result()
    for slot, outcome in zip(slots, outcomes):
        ready[slot] = outcome
    return handle(ready)


class WorkersDied(RuntimeError):
    """Worker processes die whatever they are given (at start-up, say): the run cannot go on."""


class _Workers:
    """The worker processes. When one dies (killed for its memory, say), the pool breaks and every
    chunk it held fails: the pool is replaced and those chunks are cleaned again one record at a
    time, so only a record that kills its worker again fails, with that reason. A record that
    cannot be sent to a worker (nested too deep to pickle) is cleaned in this process."""

    def __init__(self, jobs: int, initargs: tuple) -> None:
        self.jobs, self.initargs = jobs, initargs
        self.executor = self._new()
        self.in_process = False  # whether this process has a cleaner of its own (see _alone)

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, initializer=_init_worker, initargs=self.initargs)

    def submit(self, chunk: list[Record]) -> Future:
        try:
            future = self.executor.submit(_process_chunk, chunk)
        except BrokenProcessPool:  # a worker died while the next chunk was being read
            self._replace(self.executor)
            future = self.executor.submit(_process_chunk, chunk)
        future.pool = self.executor  # which pool broke, when it fails
        return future

    def results(self, future: Future, chunk: list[Record]) -> list[tuple[str, object]]:
        """The chunk's outcomes from ``future``, or from cleaning its records again one by one."""
        try:
            return future.result()
        except BrokenProcessPool:
            self._replace(future.pool)
        except Exception:  # noqa: BLE001 - the chunk could not be sent or returned (pickling)
            pass
        return [outcome for record in chunk for outcome in self._alone(record)]

    def _alone(self, record: Record) -> list[tuple[str, object]]:
        """The record cleaned by itself; twice in a new pool if a pool breaks meanwhile (another
        chunk's record may have broken the first), then its death is its own."""
        for attempt in range(2):
            once = self.submit([record])
            try:
                return once.result()
            except BrokenProcessPool:
                self._replace(once.pool)
                self._check_workers_start()
            except Exception:  # noqa: BLE001 - this record cannot be sent to a worker: cleaned here
                return self._in_this_process(record)
        return [("failed", Failure.of(record, "worker died: the process cleaning this record alone ended (killed for its memory?)"))]

    def _in_this_process(self, record: Record) -> list[tuple[str, object]]:
        if not self.in_process:
            _init_worker(*self.initargs[:2])
            self.in_process = True
        try:
            return _process_chunk([record])
        except Exception as exc:  # noqa: BLE001 - a few stack frames deeper than -j 1: its failure, not the run's
            return [("failed", Failure.of(record, exc))]

    def _check_workers_start(self) -> None:
        """Raise :class:`WorkersDied` when a new pool cannot clean even nothing (its workers fail to
        start: the model cannot be loaded there, say); a record that killed its worker is its own
        failure."""
        try:
            self.submit([]).result()
        except BrokenProcessPool:
            raise WorkersDied("worker processes die before they clean anything: they cannot start "
                              "(see their error above; --resume goes on from here)") from None

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A new pool in place of ``broken``, unless that was done already."""
        if broken is self.executor:
            broken.shutdown(wait=False, cancel_futures=True)
            self.executor = self._new()

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class _Done:
    """A finished 'future' for in-process work."""

    def __init__(self, value) -> None:
        self.value = value

    def done(self) -> bool:
        return True

    def result(self):
        return self.value


def default_errors_path(output: str | None) -> Path:
    if output in (None, "-"):  # in the current directory
        return Path(ERROR_REPORT_NAME)
    path = Path(os.path.abspath(output))  # "-o ." and "-o .." have no name of their own
    return path.with_name(path.name + ".errors.jsonl")
