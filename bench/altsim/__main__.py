"""python bench/altsim --out DIR --seed S [--customers N] [--days D] [--warmup-days W] [--profile NAME]"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from profiles import PROFILES
from world import build, write


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="altsim", description="Independent brokerage stream generator (v1 events)"
    )
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--customers", type=int, default=2000)
    ap.add_argument("--days", type=int, default=8, help="trading days (the first half is attack-free)")
    ap.add_argument("--warmup-days", type=int, help="attack-free trading days first (default: half)")
    ap.add_argument("--profile", default="default", choices=sorted(PROFILES))
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    s = build(a.seed, a.customers, a.days, a.profile, a.warmup_days)
    write(s, a.out)
    print(
        f"{a.out}: {s.meta['events']} events, {s.meta['labels']} labels, {len(s.attacks)} attacks, "
        f"from {s.meta['from']} ({time.perf_counter() - t0:.1f}s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
