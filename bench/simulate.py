"""Benchmark of `kozaguard simulate`: 100,000 customers over 20 trading days (target: 5 minutes).

Run: PYTHONPATH=src python bench/simulate.py [--customers N] [--days D] [--out DIR]
Prints wall time, events written, events per second and peak memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

from kozaguard.entrypoints.sim_cli import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="kozaguard-sim-bench-"))
    started = time.perf_counter()
    summary = run(
        {"customers": args.customers, "days": args.days, "seed": args.seed, "warmup_days": 5},
        None,
        out,
        progress=False,
    )
    elapsed = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mib = sum(f.stat().st_size for f in out.iterdir()) / 2**20
    print(f"machine: {platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}")
    print(
        f"customers {args.customers:,} x {args.days} trading days -> {summary['events']:,} events, "
        f"{size_mib:,.0f} MiB in {out}"
    )
    print(f"wall time: {elapsed:.1f}s ({summary['events'] / elapsed:,.0f} events/s)")
    print(f"peak memory (ru_maxrss): {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
