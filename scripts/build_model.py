"""Build the shipped default model in models/default from training_data/ + WCXB's training part.

    python scripts/build_model.py

Held out, never trained on: 15 % of the team's documents (split by document id) and WCXB's
validation domains. Scores on both go into the manifest and models/MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from declutter.dataset import held_out, read_documents
from declutter.evaluate import evaluate, format_report
from declutter.model_store import DEFAULT_MODEL_HASH_FILE, MODEL_FILE, save_model, sha256_of
from declutter.training import train

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT_PERCENT = 15


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--training-data", type=Path, default=ROOT / "training_data")
    parser.add_argument("--wcxb", type=Path, default=ROOT.parent / "shared" / "data" / "wcxb-dev")
    parser.add_argument("--converted", type=Path, default=ROOT / "build" / "wcxb")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "models" / "default")
    args = parser.parse_args()
    started = time.time()

    if not (args.converted / "train.jsonl.gz").exists():
        from convert_wcxb import convert

        print("converting WCXB ...", flush=True)
        convert(args.wcxb, args.converted)
    team = list(read_documents([args.training_data]))
    team_train = [d for d in team if not held_out(d.id, HELD_OUT_PERCENT)]
    team_test = [d for d in team if held_out(d.id, HELD_OUT_PERCENT)]
    wcxb_train = list(read_documents([args.converted / "train.jsonl.gz"]))
    wcxb_validation = list(read_documents([args.converted / "validation.jsonl.gz"]))
    print(f"team documents: {len(team_train)} train, {len(team_test)} held out; "
          f"WCXB pages: {len(wcxb_train)} train, {len(wcxb_validation)} validation", flush=True)

    model, facts = train(team_train + wcxb_train)
    print(f"trained in {time.time() - started:.0f} s", flush=True)

    held = {"held_out_team_documents": team_test, "wcxb_validation": wcxb_validation}
    metrics = {name: evaluate(model, docs) for name, docs in held.items() if docs}
    for name, report in metrics.items():
        print(f"\n== {name} ==\n{format_report(report)}", flush=True)
    save_model(model, args.output, metrics=metrics, **facts)
    DEFAULT_MODEL_HASH_FILE.write_text(sha256_of(args.output / MODEL_FILE) + "\n")
    (args.output / "metrics.txt").write_text(
        "\n\n".join(f"== {name} ==\n{format_report(r)}" for name, r in metrics.items()) + "\n"
    )
    print(f"\nwrote {args.output} in {time.time() - started:.0f} s", flush=True)
    print(json.dumps({k: v["tokens"] for k, v in metrics.items()}))


if __name__ == "__main__":
    main()
