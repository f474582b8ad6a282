"""The command line: a thin click shell over the Python API."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from declutter.categories import ARTICLE, LABELS
from declutter.model_store import ModelError

FORMATS = click.Choice(["auto", "text", "html"])
MODEL_OPTION = click.option("--model", "model_path", type=click.Path(exists=True, path_type=Path), help="Model directory (default: the shipped model).")
TRUST_OPTION = click.option("--trust-model", is_flag=True, help="Load a --model from elsewhere (model files can run code).")
FORMAT_OPTION = click.option("--format", "input_format", type=FORMATS, default="auto", show_default=True, help="Input kind; auto tells HTML from text.")


def _cleaner(model_path: Path | None, trust: bool, keep: tuple[str, ...] = ()):
    from declutter.cleaner import Cleaner

    try:
        return Cleaner.load(model_path, trust=trust, keep=(ARTICLE, *keep))
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return Path(path).read_bytes()


@click.group()
@click.version_option(package_name="declutter")
def main() -> None:
    """Strip boilerplate and donation appeals from scraped news.

    \b
    Examples:
      declutter clean article.txt
      declutter tag page.html
      declutter train training_data/ -o my-model
    """


@main.command()
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@FORMAT_OPTION
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True, help="json: every paragraph with text, label, probability and kept.")
@click.option("--keep", multiple=True, type=click.Choice([c for c in LABELS if c != ARTICLE]), help="Also keep paragraphs of this category (repeatable).")
@MODEL_OPTION
@TRUST_OPTION
def clean(files, input_format, output_format, keep, model_path, trust_model):
    """Print the article text of each FILE (stdin when none is given).

    \b
    Examples:
      declutter clean article.txt
      curl -s https://example.org/news | declutter clean
      declutter clean page.html --output-format json --keep meta
    """
    cleaner = _cleaner(model_path, trust_model, keep)
    for path in files or ("-",):
        tagged = cleaner.tag(_read(path), input_format)
        if output_format == "json":
            click.echo(json.dumps({"source": path, **tagged.to_dict()}, ensure_ascii=False))
        else:
            click.echo(tagged.text)


@main.command()
@click.argument("file", type=click.Path(allow_dash=True), default="-")
@FORMAT_OPTION
@MODEL_OPTION
@TRUST_OPTION
@click.option("--width", type=int, default=80, show_default=True, help="Characters of text shown per paragraph.")
def tag(file, input_format, model_path, trust_model, width):
    """Show every paragraph of FILE with its label and probability.

    \b
    Examples:
      declutter tag article.txt
      declutter tag page.html --width 120
    """
    cleaner = _cleaner(model_path, trust_model)
    tagged = cleaner.tag(_read(file), input_format)
    click.echo(f"{'#':>4}  {'keep':<4}  {'label':<12} {'prob':>5}  text")
    for p in tagged:
        text = p.text if len(p.text) <= width else p.text[: width - 1] + "…"
        click.echo(f"{p.index:>4}  {'yes' if p.kept else 'no':<4}  {p.label:<12} {p.probability:>5.2f}  {text}")
