"""The first acceptance case against any model: the seed as plain text and inside the team's page.

    python scripts/check_seed.py [--model PATH]

Prints whether each is exact and, where not, the paragraphs that differ with label and probability.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from declutter import Cleaner  # noqa: E402
from tests.conftest import SEED, SEED_EXPECTED, build_seed_page  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="Model directory (default: the shipped model).")
    args = parser.parse_args()
    cleaner = Cleaner.load(args.model, trust=True) if args.model else Cleaner.load()
    text = SEED.read_text(encoding="utf-8")
    expected = SEED_EXPECTED.read_text(encoding="utf-8").rstrip("\n")
    page = build_seed_page(text, expected)
    failures = 0
    for name, document in (("text", text), ("html page", page)):
        tagged = cleaner.tag(document)
        kept = [p.text for p in tagged.kept]
        ok = kept == expected.split("\n")
        failures += not ok
        print(f"{name}: {'exact' if ok else 'DIFFERS'}")
        if not ok:
            wanted = set(expected.split("\n"))
            for p in tagged:
                if p.kept != (p.text in wanted):
                    print(f"  {'kept' if p.kept else 'dropped'} {p.label} {p.probability:.2f}: {p.text[:90]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
