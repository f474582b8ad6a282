"""The command line: a thin click shell over the Python API."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import click

from declutter.categories import ARTICLE, LABELS
from declutter.model_store import ModelError

FORMATS = click.Choice(["auto", "text", "html"])
BOILERPLATE_CHOICE = click.Choice([c for c in LABELS if c != ARTICLE])


def model_options(function):
    function = click.option("--trust-model", is_flag=True, help="Allow loading a --model from elsewhere (model files can run code).")(function)
    return click.option("--model", "model_path", type=click.Path(exists=True, path_type=Path), help="Model directory (default: the shipped model).")(function)


def _no_nan(context, parameter, value: float | None) -> float | None:
    if value is not None and value != value:  # FloatRange lets NaN through
        raise click.BadParameter("nan is not a number between 0 and 1")
    return value


def threshold_option(function):
    return click.option(
        "--threshold", type=click.FloatRange(0, 1), default=None, callback=_no_nan,
        help="Drop a paragraph when its probability of being boilerplate reaches this, whatever its length; "
        "lower keeps purer article text, higher loses less of the story. Default: the model's calibrated rules.",
    )(function)


def jsonl_field_options(function):
    """Which fields of a JSONL input hold the id, the document and its URL."""
    for option in reversed((
        click.option("--id-field", default="id", show_default=True, help="JSONL input: the record id field."),
        click.option("--text-field", default="text", show_default=True, help="JSONL input: the field holding plain text."),
        click.option("--html-field", default=None, help="JSONL input: the field holding HTML (instead of --text-field)."),
        click.option("--url-field", default="url", show_default=True, help="JSONL input: the URL field (its domain is the site)."),
    )):
        function = option(function)
    return function


def _jsonl_fields(id_field: str, text_field: str, html_field: str | None, url_field: str):
    from declutter.readers import JsonlFields

    return JsonlFields(id=id_field, text=None if html_field else text_field, html=html_field, url=url_field)


def format_option(function):
    return click.option("--format", "input_format", type=FORMATS, default="auto", show_default=True, help="Input kind; auto tells HTML from text.")(function)


def _cleaner(model_path: Path | None, trust: bool, keep: tuple[str, ...] = (), threshold: float | None = None):
    from declutter.cleaner import Cleaner

    try:
        return Cleaner.load(model_path, trust=trust, keep=(ARTICLE, *keep), threshold=threshold)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc


def _check_model(model_path: Path | None, trust: bool) -> None:
    """Refuse a missing, untrusted or incompatible model before any work starts, without
    unpickling it: the workers load it themselves."""
    from declutter.model_store import load_model

    try:
        load_model(model_path, trust=trust, check_only=True)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc


def _tagged_records(paths: list[str], fields, cleaner, input_format: str):
    """Every record of ``paths``, read as ``clean`` reads them (a JSONL line, a WARC response, each
    file of a directory is a document), as (record, its tagged document), or as the Failure that
    says why it could not be read or tagged."""
    from declutter.readers import Failure, read_inputs

    for item in read_inputs(paths, fields):
        if isinstance(item, Failure):
            yield item
            continue
        try:
            yield item, cleaner.tag(item.content, item.format if input_format == "auto" else input_format, encoding=item.charset)
        except (ValueError, TypeError) as exc:  # binary data, too large, ...
            yield Failure.of(item, exc)


@click.group()
@click.version_option(package_name="declutter")
def main() -> None:
    """Strip boilerplate and donation appeals from scraped news.

    \b
    Examples:
      declutter clean article.txt
      declutter clean corpus/ -o clean/ -j 2
      declutter tag page.html
      declutter train training_data/ -o my-model
    """


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-o", "--output", help="Directory (mirrored .txt tree), FILE.jsonl (or .ndjson), or - for JSONL on stdout. Default: text on stdout.")
@format_option
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Without --output: plain text, or JSON with every paragraph's label, probability and kept.")
@click.option("--keep", multiple=True, type=BOILERPLATE_CHOICE, help="Also keep paragraphs of this category (repeatable).")
@click.option("--tags", is_flag=True, help="JSONL output: add each paragraph's label and probability.")
@jsonl_field_options
@click.option("--stdin-jsonl", is_flag=True, help="Read JSONL from stdin instead of one document.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=1, show_default=True, help="Worker processes.")
@click.option("--resume", is_flag=True, help="Skip records already written by an earlier (interrupted) run; records that failed are tried again.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first record that fails.")
@click.option("--errors", type=click.Path(), help="Error report (JSONL: id, source, reason). Default: OUTPUT.errors.jsonl beside the output; declutter-errors.jsonl in the current directory when the output is stdout. Written only when something fails.")
@click.option("--max-bytes", type=click.IntRange(1), default=20_000_000, show_default=True, help="Records larger than this fail with a clear reason.")
@click.option("--max-paragraphs", type=click.IntRange(1), default=100_000, show_default=True, help="Records with more paragraphs than this fail with a clear reason.")
@click.option("--site-repeats", type=click.IntRange(2), default=None, help="Drop paragraphs found on at least N documents of the same site (reads the input twice).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no per-record error lines.")
@threshold_option
@model_options
def clean(inputs, output, input_format, output_format, keep, tags, id_field, text_field, html_field, url_field, stdin_jsonl, jobs, resume, fail_fast, errors, max_bytes, max_paragraphs, site_repeats, quiet, threshold, model_path, trust_model):
    """Clean documents: files, directories (recursive), JSONL, WARC, or stdin.

    \b
    Examples:
      declutter clean article.txt                     # article text on stdout
      cat page.html | declutter clean                 # stdin
      declutter clean scraped/ -o clean/ -j 2         # mirrored tree of .txt files
      declutter clean crawl.jsonl.gz --html-field html -o clean.jsonl --tags
      declutter clean crawl.warc.gz -o - --site-repeats 3
      declutter clean article.txt --threshold 0.2    # only text the model is sure of

    Text on stdout from several records (files, a directory, JSONL, WARC) puts a line
    "==> ID <==" before each, as head(1) does; -o - gives JSONL instead.

    Exit status: 0 when every record was written, 1 when any failed (each is in the error
    report with its reason), 2 for a usage error.
    """
    from declutter.batch import BatchOptions, WorkersDied, default_errors_path, run_batch
    from declutter.readers import ERROR_REPORT_NAME, read_inputs

    if output is not None and output_format == "json":
        raise click.UsageError("--output-format is for stdout; with --output, FILE.jsonl holds JSON (add --tags for every paragraph's label)")
    if output and output.lower().endswith((".txt", ".html", ".htm", ".json")):  # would become a directory of that name
        raise click.UsageError(f"--output {output}: give a directory (one .txt per document), a .jsonl file, "
                               "or leave --output out and redirect stdout (declutter clean a.html > a.txt)")
    if output and output.lower().endswith(".gz"):  # a gzip stream cannot be resumed after a torn last line
        raise click.UsageError(f"--output {output}: compressed output is not written; use -o - | gzip > {output}, or compress afterwards")
    _check_model(model_path, trust_model)  # fail early, once, on a model that cannot be loaded
    inputs = list(inputs) or ["-"]
    for written, option in ((output, "--output"), (errors, "--errors")):
        if written not in (None, "-") and (clash := _input_holding(written, inputs)):
            raise click.UsageError(f"{option} {written}: {clash}; write the output elsewhere")
    if output not in (None, "-") and errors and os.path.realpath(errors) == os.path.realpath(output):
        raise click.UsageError(f"--errors {errors}: is the output; the error report needs a file of its own")
    fields = _jsonl_fields(id_field, text_field, html_field, url_field)
    options = BatchOptions(
        output=output, output_format=output_format, tags=tags, jobs=jobs, quiet=quiet, fail_fast=fail_fast,
        resume=resume, errors=errors, keep=keep, model=str(model_path) if model_path else None,
        trust_model=trust_model, format=input_format, max_bytes=max_bytes, max_paragraphs=max_paragraphs, site_repeats=site_repeats,
        threshold=threshold, headers=output is None and output_format == "text" and _several_records(inputs, stdin_jsonl),
    )
    stdin_kind = "jsonl" if stdin_jsonl else "document"
    once = [raw for raw in inputs if raw == "-" or (Path(raw).exists() and not (Path(raw).is_file() or Path(raw).is_dir()))]
    if site_repeats and once:  # a pipe's second pass would read nothing (<(...)) or block (a FIFO)
        raise click.UsageError(f"--site-repeats reads the input twice and cannot be used with stdin or a pipe ({once[0]})")
    total = _count_documents(inputs)
    # an error report is no input: a stdout run's, ./declutter-errors.jsonl, may lie in an input
    # directory (cd corpus; declutter clean .), which read_inputs skips, or be named by a glob
    report = os.path.realpath(errors or default_errors_path(output))
    for raw in inputs:
        if raw != "-" and (Path(raw).name == ERROR_REPORT_NAME or os.path.realpath(raw) == report):
            raise click.UsageError(f"{raw} is an error report of declutter's, not an input; leave it out (a shell glob names it too)")
    try:
        summary = run_batch(
            read_inputs(inputs, fields, stdin_kind, max_bytes=max_bytes), options, total=total,
            repetition_items=read_inputs(inputs, fields, stdin_kind, max_bytes=max_bytes) if site_repeats else None,
        )
    except BrokenPipeError:  # stdout closed early (declutter clean … | head): click exits quietly
        raise
    except (ModelError, OSError, WorkersDied) as exc:  # OSError: an output or error report that cannot be written
        raise click.ClickException(str(exc)) from exc
    if summary.failed or (output is not None and not quiet):
        click.echo(f"declutter: {summary.line()}", err=True)
    if summary.failed:
        sys.exit(1)


def _input_holding(output: str, inputs: list[str]) -> str | None:
    """How writing ``output`` would touch an input (it is one, or lies inside an input directory,
    where the run would overwrite or read back its own output), None when it would not."""
    from declutter.readers import kind_of

    target = Path(os.path.realpath(output))  # realpath: a symlink loop among the inputs is theirs to report
    for raw in inputs:
        if raw == "-":
            continue
        source = Path(os.path.realpath(raw))
        if target == source:
            return f"is the input {raw}"
        if source.is_dir() and source in target.parents:
            return f"is inside the input directory {raw}"
        if source.is_dir() and target in source.parents and (source / source.relative_to(target)).exists():
            return f"holds the input directory {raw}, whose mirrored tree would land on its own files"
        named = Path(os.path.abspath(raw))  # outputs are named after the input as given, a symlink too
        if Path(os.path.realpath(named.parent)) == target:
            if named.name.lower().endswith(".txt"):
                return f"would overwrite the input {raw} with its clean text"
            if kind_of(named) in ("jsonl", "warc"):
                return f"would put the records of the input {raw} in a directory of its name"
    return None


def _several_records(inputs: list[str], stdin_jsonl: bool) -> bool:
    """Whether the inputs can hold more than one record (then text on stdout names each, as head(1) does)."""
    from declutter.readers import kind_of

    return len(inputs) > 1 or (stdin_jsonl and "-" in inputs) or any(
        raw != "-" and (Path(raw).is_dir() or kind_of(Path(raw)) in ("jsonl", "warc")) for raw in inputs
    )


def _count_documents(inputs: list[str]) -> int | None:
    """How many records there will be, when that is cheap to know (plain files only)."""
    from declutter.readers import entries_under, kind_of

    count = 0
    for raw in inputs:
        path = Path(raw)
        if raw == "-":
            count += 1
        elif path.is_dir():
            entries = list(entries_under(path))  # every file is a record (read, or reported as of unknown type), every unreadable directory a failure
            if any(isinstance(e, Path) and kind_of(e) in ("jsonl", "warc") for e in entries):
                return None
            count += len(entries)
        elif kind_of(path) in ("jsonl", "warc"):
            return None
        else:
            count += 1
    return count


TAG_VIEWS = ("table", "labels", "json")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--format", "input_format", type=click.Choice([*FORMATS.choices, *TAG_VIEWS]), default="auto", show_default=True,
              help="Input kind; auto tells HTML from text. table, labels or json instead choose the output, as --output-format does.")
@click.option("--output-format", "--as", "view", type=click.Choice(TAG_VIEWS), default=None, help="table (the default): for reading; labels: the training format pre-filled by the model, to correct and train on; json: every paragraph with its decision.")
@click.option("--width", type=click.IntRange(2), default=80, show_default=True, help="Terminal columns of text shown per paragraph in the table (a CJK character takes two).")
@click.option("--keep", multiple=True, type=BOILERPLATE_CHOICE, help="Also keep paragraphs of this category (repeatable).")
@jsonl_field_options
@threshold_option
@model_options
def tag(files, input_format, view, width, keep, id_field, text_field, html_field, url_field, threshold, model_path, trust_model):
    """Show every paragraph of FILES (stdin without any) with its label and probability.

    The table's prob is the label's probability; P(bp) is the probability of boilerplate (all
    kinds not kept together), which the drop rule and --threshold weigh. Several files, a JSONL
    or WARC file, or a directory show each record in turn, as `clean` reads them: the table
    under a line "==> ID <==", labels and json one line per record.

    \b
    Examples:
      declutter tag article.txt
      declutter tag page.html --width 120
      declutter tag article.txt --format labels >> my_labels.jsonl
      declutter tag pages/*.html --format labels > to_correct.jsonl
      declutter tag crawl.jsonl --html-field html --format labels > to_correct.jsonl
    """
    from declutter.readers import Failure

    if input_format in TAG_VIEWS:  # `tag --format labels`: an output format, the input is detected
        if view not in (None, input_format):
            raise click.UsageError(f"--format {input_format} and --output-format {view} ask for two outputs")
        input_format, view = "auto", input_format
    cleaner = _cleaner(model_path, trust_model, keep, threshold)
    files = list(files) or ["-"]
    several = _several_records(files, stdin_jsonl=False)
    failed = 0
    for outcome in _tagged_records(files, _jsonl_fields(id_field, text_field, html_field, url_field), cleaner, input_format):
        if isinstance(outcome, Failure):
            if not several:
                raise click.ClickException(f"{outcome.id}: {outcome.reason}")
            click.echo(f"declutter: {outcome.id}: {outcome.reason}", err=True)
            failed += 1
        else:
            _show_tagged(*outcome, view or "table", width, several)
    if failed:
        sys.exit(1)


def _show_tagged(record, tagged, view: str, width: int, several: bool) -> None:
    """One record's paragraphs as ``tag`` shows them in ``view``."""
    if view == "labels":  # an HTML page's blocks keep their DOM evidence, so a model retrained on them learns the page
        from declutter.dataset import LabelledDocument

        content = record.content if isinstance(record.content, bytes) else record.content.encode("utf-8", "surrogatepass")
        doc_id = record.id if record.key != "<stdin>" else f"stdin-{hashlib.sha256(content).hexdigest()[:12]}"  # ids must be unique
        site = {"domain": record.site} if record.url and record.site else {}  # keeps a site's pages on one side of the validation split
        # a fragment's paragraphs carry no DOM evidence: text to the model
        click.echo(json.dumps(LabelledDocument(doc_id, tagged.read_as, "", list(tagged), site).to_json(), ensure_ascii=False))
        return
    if view == "json":
        if several:
            click.echo(json.dumps({"id": record.id, **tagged.to_dict()}, ensure_ascii=False))
        else:
            click.echo(json.dumps(tagged.to_dict(), ensure_ascii=False, indent=1))
        return
    if several:
        click.echo(f"==> {record.id} <==")
    click.echo(f"{'#':>4}  {'keep':<4}  {'label':<12} {'prob':>5}  {'P(bp)':>5}  text")  # P(bp): what the drop rule weighs
    for p in tagged:
        text = _clip(" ".join(p.text.split()), width)  # one row per paragraph, whatever line breaks it holds
        click.echo(f"{p.index:>4}  {'yes' if p.kept else 'no':<4}  {p.label:<12} {p.probability:>5.2f}  {p.boilerplate:>5.2f}  {text}")


def _clip(text: str, columns: int) -> str:
    """``text`` cut to fit ``columns`` terminal columns, with "…" where it was cut; wide and
    fullwidth characters (CJK) take two columns."""
    from unicodedata import east_asian_width

    widths = [2 if east_asian_width(c) in ("W", "F") else 1 for c in text[: columns + 1]]
    if sum(widths) <= columns:  # then all of text is in widths
        return text
    room, cut = columns - 1, 0  # the ellipsis takes one column
    while widths[cut] <= room:  # stops inside widths: they add up to more than columns
        room -= widths[cut]
        cut += 1
    return text[:cut] + "…"


@main.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="Directory for model.joblib and manifest.json.")
@click.option("--validation-percent", type=click.IntRange(0, 90), default=15, show_default=True,
              help="Sites held out to report validation metrics (a site: the `domain` field, else the id without its last -part); "
                   "with fewer than 5 sites, documents. The model is not trained on them: 0 trains on all. "
                   "The draw is by a hash of each site, so the share held out varies with few sites.")
@click.option("--boosting-iterations", type=click.IntRange(10), default=100, show_default=True,
              help="Trees of the gradient-boosted stage that reads HTML pages: fewer train faster and fit less.")
def train(data, output, validation_percent, boosting_iterations):
    """Train a model on labelled JSONL (training_data/ format, or converted pages).

    \b
    Examples:
      declutter train training_data/ -o my-model
      declutter train training_data/ my_labels.jsonl build/wcxb/train.jsonl.gz -o my-model
      declutter clean article.txt --model my-model --trust-model
    """
    from declutter.cleaner import Cleaner
    from declutter.dataset import DataError, held_out, read_documents
    from declutter.evaluate import evaluate, format_report
    from declutter.model_store import save_model
    from declutter.training import site_of, train as fit

    try:
        documents = list(read_documents(data))
    except DataError as exc:
        raise click.ClickException(str(exc)) from exc
    empty = sum(1 for d in documents if not d.paragraphs)
    documents = [d for d in documents if d.paragraphs]  # nothing to learn or score: kept out of the split
    if not documents:
        raise click.ClickException("no labelled documents found" + (f" ({empty} without paragraphs)" if empty else ""))
    if empty:
        click.echo(f"skipping {empty} documents without paragraphs", err=True)
    _check_writable_directory(output)
    sites = {site_of(d) for d in documents}
    by_site = len(sites) >= 5  # a page's neighbours from its own site would flatter the scores
    key = site_of if by_site else (lambda d: d.id)
    validation = [d for d in documents if validation_percent and held_out(key(d), validation_percent)]
    training = [d for d in documents if d not in validation] if validation else documents
    held = f"{len({site_of(d) for d in validation})} of {len(sites)} sites" if by_site else "documents, fewer than 5 sites"
    click.echo(f"training on {len(training)} documents, validating on {len(validation)} ({held})", err=True)
    if not training:
        raise click.ClickException(f"all {len(documents)} documents are held out for validation: lower --validation-percent (0 trains on all)")
    if validation_percent and not validation:  # the draw by site (or document) held none out
        click.echo(f"no validation scores: {validation_percent} % of {len(sites) if by_site else len(documents)} "
                   f"{'sites' if by_site else 'documents'} held none out; a larger --validation-percent holds some out", err=True)
    try:
        model, facts = fit(training, verbose=1, boosting_iterations=boosting_iterations)
    except ValueError as exc:  # too little data (too few documents or labels)
        hint = f" ({len(validation)} of {len(documents)} documents are held out for validation: --validation-percent 0 trains on all)" if validation else ""
        raise click.ClickException(f"cannot train: {exc}{hint}") from exc
    metrics = {}
    if validation:
        metrics["validation"] = evaluate(Cleaner(model), validation)
        click.echo(format_report(metrics["validation"]))
    save_model(model, output, metrics=metrics, **facts)
    click.echo(f"wrote {output} (drop rule: P(boilerplate) >= 0.5, not calibrated; --threshold picks another)", err=True)


def _drop_rules_in_use(cleaner) -> str:
    """How ``cleaner`` decides what to drop, in words."""
    from declutter.drop_rule import DropRule

    if cleaner.threshold is not None:
        return f"drop threshold {cleaner.threshold}"
    rules = DropRule.describe_all({f: cleaner.drop_rule(f) for f in ("html", "text")})
    calibrated = "calibrated drop rules" if "drop_rules" in cleaner.manifest else "drop rules (not calibrated)"
    return f"its {calibrated}, P(boilerplate) from {rules}"


def _check_writable_directory(path: Path) -> None:
    """Refuse an output the model cannot be written to, before hours of training."""
    from declutter.model_store import check_model_directory, default_model_dir

    try:
        check_model_directory(path)
    except ModelError as exc:
        raise click.UsageError(f"-o {path}: {exc}") from exc
    try:
        shipped = default_model_dir()
    except ModelError:  # none shipped: nothing to overwrite
        shipped = None
    if shipped is not None and path.resolve() == shipped.resolve():  # its hash is recorded in the package: every default run would then fail
        raise click.UsageError(f"-o {path}: that is the shipped default model; save yours to another directory and pass it as --model")
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not os.access(existing, os.W_OK | os.X_OK):
        raise click.UsageError(f"-o {path}: {existing} is not writable")


@main.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True))
@model_options
@threshold_option
@click.option("--keep", multiple=True, type=BOILERPLATE_CHOICE, help="Count this category as kept, as `clean --keep` would (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def evaluate(data, model_path, trust_model, threshold, keep, as_json):
    """Score what `declutter clean` outputs on labelled JSONL: per category, confusion matrix,
    kept paragraphs, tokens of the output. Labels and kept paragraphs are the cleaner's
    decisions (the model's drop rule per format, or --threshold).

    \b
    Examples:
      declutter evaluate held_out.jsonl
      declutter evaluate held_out.jsonl --threshold 0.3
      declutter evaluate build/wcxb/validation.jsonl.gz --model my-model --trust-model --json
    """
    from declutter.dataset import DataError, read_documents
    from declutter.evaluate import evaluate as score, format_report

    cleaner = _cleaner(model_path, trust_model, keep, threshold)
    try:
        report = score(cleaner, list(read_documents(data)))
    except (DataError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(report, indent=1) if as_json else format_report(report))


@main.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True))
def stats(data):
    """Count labelled documents, paragraphs and labels per language.

    \b
    Examples:
      declutter stats training_data/
    """
    from collections import Counter, defaultdict

    from declutter.dataset import DataError, read_documents

    documents: Counter = Counter()
    labels: dict[str, Counter] = defaultdict(Counter)
    try:
        for doc in read_documents(data):
            documents[doc.lang or "?"] += 1
            labels[doc.lang or "?"].update(doc.labels)
    except DataError as exc:
        raise click.ClickException(str(exc)) from exc
    total = Counter()
    for counts in labels.values():
        total.update(counts)
    languages = sorted(documents)
    click.echo(f"{'':<14}" + "".join(f"{lang:>8}" for lang in languages) + f"{'all':>8}")
    click.echo(f"{'documents':<14}" + "".join(f"{documents[lang]:>8}" for lang in languages) + f"{sum(documents.values()):>8}")
    click.echo(f"{'paragraphs':<14}" + "".join(f"{sum(labels[lang].values()):>8}" for lang in languages) + f"{sum(total.values()):>8}")
    for label in LABELS:
        if total[label]:
            click.echo(f"{label:<14}" + "".join(f"{labels[lang][label]:>8}" for lang in languages) + f"{total[label]:>8}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="The HTML report to write.")
@format_option
@click.option("--keep", multiple=True, type=BOILERPLATE_CHOICE, help="Also keep paragraphs of this category (repeatable).")
@jsonl_field_options
@threshold_option
@model_options
def review(files, output, input_format, keep, id_field, text_field, html_field, url_field, threshold, model_path, trust_model):
    """Write one HTML page showing every paragraph coloured by category, removed ones struck through.

    Each record of a JSONL or WARC file, and each file of a directory, is a document of its own,
    as `clean` reads them.

    \b
    Examples:
      declutter review article.txt page.html -o report.html
      declutter review page.html -o report.html --threshold 0.2   # what a stricter cut drops
    """
    from declutter.readers import Failure
    from declutter.review import render_review
    from declutter.writers import atomic_write

    if clash := _input_holding(str(output), list(files)):  # the next review would show this one
        raise click.UsageError(f"--output {output}: {clash}; write the report elsewhere")
    cleaner = _cleaner(model_path, trust_model, keep, threshold)
    documents, failed = [], 0
    for outcome in _tagged_records(list(files), _jsonl_fields(id_field, text_field, html_field, url_field), cleaner, input_format):
        if isinstance(outcome, Failure):  # named on stderr; the others are shown
            failed += 1
            click.echo(f"declutter: {outcome.id}: {outcome.reason}", err=True)
        else:
            record, tagged = outcome
            documents.append((record.id, tagged))
    if not documents:
        raise click.ClickException("no document could be shown: no report written")
    manifest = cleaner.manifest
    decided_by = (f"Model {model_path or 'shipped with declutter'} (model.joblib sha256 {manifest.get('model_sha256', '?')[:12]}…, "
                  f"built {manifest.get('created', '?')[:10]}); " + _drop_rules_in_use(cleaner)
                  + (f"; also kept: {', '.join(keep)}" if keep else "") + ".")
    atomic_write(output, render_review(documents, decided_by))
    click.echo(f"wrote {output} ({len(documents)} of {len(documents) + failed} documents)", err=True)
    if failed:
        sys.exit(1)
