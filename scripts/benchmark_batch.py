"""Batch throughput and memory of `declutter clean`: -j 1 vs -j 2, and corpus size vs peak RSS.

    python scripts/benchmark_batch.py [--documents 20000]

Generates a JSONL corpus (half plain text, half HTML) of N and 2N documents, cleans it with
`-j 1` and `-j 2`, and prints records/s, the speed-up, and the peak RSS of the largest process of
the run (parent or a worker: getrusage of the children gives the largest, not their sum) for N
and 2N documents.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.corpus import write_jsonl  # noqa: E402

PEAK_RSS_SCRIPT = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=False)
# the largest resident set of any process in the tree (parent or a worker), in KB
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
"""


def run(corpus: Path, jobs: int, out: Path) -> tuple[float, int]:
    """Seconds and the peak RSS (KB) of the largest process of one run."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS_SCRIPT, sys.executable, "-m", "declutter", "clean", str(corpus), "-o", str(out), "-q", "-j", str(jobs)],
        capture_output=True, text=True,
    )
    seconds = time.perf_counter() - started
    peak = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        small = write_jsonl(tmp / "corpus.jsonl", args.documents, seed=1)
        large = write_jsonl(tmp / "corpus2.jsonl", 2 * args.documents, seed=2)
        results = {}
        for name, corpus, jobs in [("N, -j 1", small, 1), ("N, -j 2", small, 2), ("2N, -j 2", large, 2)]:
            seconds, peak = run(corpus, jobs, tmp / f"out-{jobs}-{corpus.stem}.jsonl")
            n = args.documents * (2 if corpus is large else 1)
            results[name] = {"documents": n, "seconds": seconds, "records_per_s": n / seconds, "peak_rss_mb": peak / 1024}
            print(f"{name}: {n} documents in {seconds:.1f} s = {n / seconds:.0f} records/s, peak RSS {peak / 1024:.0f} MB", flush=True)
    speedup = results["N, -j 2"]["records_per_s"] / results["N, -j 1"]["records_per_s"]
    growth = results["2N, -j 2"]["peak_rss_mb"] / results["N, -j 2"]["peak_rss_mb"] - 1
    print(f"\n-j 2 / -j 1 speed-up: {speedup:.2f}x (target >= 1.8)")
    print(f"peak RSS growth when the corpus doubles: {growth:+.1%} (target < 20%)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
