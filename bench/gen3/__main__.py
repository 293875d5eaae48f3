"""`python -m bench.gen3 --customers N --days D --seed S --out DIR [--warmup-days W] [--profile P]`"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/gen3`: import it as the package it is
    sys.path[0] = str(Path(__file__).resolve().parents[2])

from bench.gen3.profiles import PROFILES, profile
from bench.gen3.world import START, run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.gen3",
        description="A brokerage's event stream under account-takeover campaigns: events, labels, summary.",
    )
    ap.add_argument(
        "--customers", type=int, required=True, help="customers with accounts when the stream starts"
    )
    ap.add_argument("--days", type=int, required=True, help="TSE trading days in the stream")
    ap.add_argument("--seed", type=int, required=True, help="same seed, same bytes")
    ap.add_argument(
        "--out", type=Path, required=True, help="folder for events.jsonl, labels.jsonl, summary.json"
    )
    ap.add_argument("--warmup-days", type=int, default=None, help="attack-free days first (default 20)")
    ap.add_argument("--profile", default="default", choices=list(PROFILES), help="a named configuration")
    ap.add_argument("--start", type=date.fromisoformat, default=START, help="first calendar day (YYYY-MM-DD)")
    ap.add_argument(
        "--crew-labels", action="store_true", help="also label the crews' own accounts in labels.jsonl"
    )
    args = ap.parse_args(argv)
    warmup = 20 if args.warmup_days is None else args.warmup_days
    if args.customers < 1:
        ap.error(f"--customers {args.customers}: give at least 1")
    if not 0 <= warmup < args.days:
        ap.error(
            f"--days {args.days} with --warmup-days {warmup}: the stream needs at least one day with "
            f"campaigns after the warm-up; give --days > {warmup} or a smaller --warmup-days"
        )
    began = time.perf_counter()
    summary = run(
        args.customers,
        args.days,
        warmup,
        args.seed,
        profile(args.profile),
        args.out,
        args.crew_labels,
        args.start,
    )
    print(
        f"gen3 {summary['profile']}: {summary['events']:,} events, {summary['labels']:,} labels, "
        f"{len(summary['campaigns'])} campaigns, from {summary['from']} -> {args.out} "
        f"({time.perf_counter() - began:.1f}s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
