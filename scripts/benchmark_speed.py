"""Speed of declutter and its peers, one core, on the same WCXB pages in the same order.

    python -m pip install -U pip && pip install -e '.[bench]'   # pip 23's resolver trips over the peers' lxml[html-clean]
    python scripts/benchmark_speed.py [--pages 200] [--repeats 3] [--tools declutter trafilatura]

Prints pages/s per tool (median of the repeats) and its ratio to trafilatura, with two floors:
lxml's bare parse and declutter's segmentation without the model; plain-text
paragraphs/s against a floor measured in the same run (scikit-learn's HashingVectorizer over the
same paragraphs); and the start-up time of ``declutter clean`` on one small file.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: before numpy / scikit-learn load
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from sklearn.feature_extraction.text import HashingVectorizer  # noqa: E402

from declutter import Cleaner  # noqa: E402
from declutter.batch import CHUNK  # noqa: E402
from declutter.segment import segment_html  # noqa: E402
from peers import load_peers  # noqa: E402
from wcxb import pages  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def rate(function, items, repeats: int) -> float:
    """Median items/s over ``repeats`` passes."""
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        for item in items:
            function(item)
        rates.append(len(items) / (time.perf_counter() - started))
    return statistics.median(rates)


def text_documents(htmls: list[str], per_document: int = 25) -> list[str]:
    """Plain-text documents made of the pages' own blocks, one paragraph per line."""
    lines = [p.text for html in htmls for p in segment_html(html)]
    return ["\n".join(lines[i : i + per_document]) for i in range(0, len(lines), per_document)]


def startup_seconds(repeats: int = 5) -> tuple[float, float]:
    """Median wall time of `declutter clean` on one small file, and of `python -c pass`."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write((ROOT / "examples" / "news_article.txt").read_text())
    def wall(args):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            subprocess.run(args, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
        return statistics.median(times)
    return wall([sys.executable, "-m", "declutter", "clean", "-q", handle.name]), wall([sys.executable, "-c", "pass"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200, help="How many validation+training pages to time.")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tools", nargs="*", help="Peers to time besides declutter (default: all installed).")
    args = parser.parse_args()

    htmls = [p.html for p in pages(part="all")[: args.pages]]
    size = sum(map(len, htmls)) / len(htmls) / 1000
    cleaner = Cleaner.load()
    print(f"{len(htmls)} pages, {size:.0f} KB on average, {args.repeats} repeats, one core\n")

    tools = {"declutter": lambda html: cleaner.clean(html, format="html"), **load_peers(args.tools)}
    from lxml import etree

    tools["lxml.html parse only (floor)"] = lambda html: etree.fromstring(html.encode(), etree.HTMLParser())
    tools["declutter segmentation only (parse and blocks with DOM evidence, no model)"] = lambda html: cleaner.segment(html, format="html")
    rates = {name: rate(extract, htmls, args.repeats) for name, extract in tools.items()}
    batches = [htmls[i : i + CHUNK] for i in range(0, len(htmls), CHUNK)]  # as `declutter clean DIR` hands pages to the model
    rates[f"declutter, batches of {CHUNK} pages (tag_many)"] = rate(lambda batch: cleaner.tag_many(batch, format="html"), batches, args.repeats) * len(htmls) / len(batches)
    reference = rates.get("trafilatura")
    print("| tool | pages/s | × trafilatura |\n|---|---:|---:|")
    for name, value in rates.items():
        ratio = f"{value / reference:.1f}" if reference else "n/a"
        print(f"| {name} | {value:.1f} | {ratio} |")

    documents = text_documents(htmls[: max(20, args.pages // 4)])
    n_paragraphs = sum(d.count("\n") + 1 for d in documents)
    paragraphs = [line for d in documents for line in d.split("\n")]
    vectorizer = HashingVectorizer(ngram_range=(1, 2), alternate_sign=False)
    floor = rate(lambda batch: vectorizer.transform(batch), [paragraphs], args.repeats) * len(paragraphs)
    batched = rate(lambda batch: cleaner.tag_many(batch, format="text"), [documents[i : i + 64] for i in range(0, len(documents), 64)], args.repeats)
    batched_paragraphs = batched * n_paragraphs / len(range(0, len(documents), 64))
    one_by_one = rate(lambda d: cleaner.tag(d, format="text"), documents, args.repeats) * n_paragraphs / len(documents)
    print(f"\nplain text, {n_paragraphs} paragraphs in {len(documents)} documents:")
    print("| what | paragraphs/s | share of floor |\n|---|---:|---:|")
    print(f"| HashingVectorizer over the same paragraphs (floor) | {floor:,.0f} | 100% |")
    print(f"| declutter, batches of 64 documents (tag_many) | {batched_paragraphs:,.0f} | {batched_paragraphs / floor:.0%} |")
    print(f"| declutter, one document per call (tag) | {one_by_one:,.0f} | {one_by_one / floor:.0%} |")

    startup, python = startup_seconds()
    print(f"\nstart-up: `declutter clean` on one small file {startup:.2f} s (bare `python -c pass`: {python:.2f} s)")


if __name__ == "__main__":
    main()
