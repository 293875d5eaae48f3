"""Replay throughput: events per second through the engine on one core, embedded mode.

    .venv/bin/python bench/replay.py                 # simulates a stream of >= 1,000,000 events once
    .venv/bin/python bench/replay.py --events FILE   # or measures on a given stream

The stream comes from `kozaguard simulate` (cached under bench/data/). Each state backend is measured
in-process (decode -> engine -> encode decisions to /dev/null), pinned to one core, and the figure is
printed as a Markdown row for bench/README.md with the machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from kozaguard.bootstrap import build_engine
from kozaguard.config import EngineSection, Settings
from kozaguard.replay import replay

HERE = Path(__file__).parent


def machine() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next(
        (x.split(":", 1)[1].strip() for x in lines if x.startswith("model name")), platform.processor()
    )
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def stream(customers: int, days: int) -> Path:
    out = HERE / "data" / f"replay-{customers}x{days}"
    events = out / "events.jsonl"
    if not events.exists():
        cmd = [
            sys.executable,
            "-m",
            "kozaguard",
            "simulate",
            "--customers",
            str(customers),
            "--days",
            str(days),
            "--warmup-days",
            "4",
            "--seed",
            "7",
            "--out",
            str(out),
        ]
        print("simulating:", " ".join(cmd[1:]), file=sys.stderr)
        subprocess.run(cmd, check=True)
    return events


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(events: Path, state: str) -> tuple[int, float, float, float]:
    """Events, wall seconds, CPU seconds of this process (what the one core spent on the replay:
    on a shared machine the wall clock also counts the time others had the core), peak RSS in MB."""
    engine = build_engine(Settings(engine=EngineSection(state=state)))
    with open(events, "rb") as src, open(os.devnull, "wb") as sink:
        cpu = _cpu()
        summary = replay(engine, src, sink)
        cpu = _cpu() - cpu
    engine.state.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return summary.events, summary.seconds, cpu, peak_mb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=Path, help="an existing v1 events file")
    ap.add_argument("--customers", type=int, default=36_000)
    ap.add_argument("--days", type=int, default=10)
    ap.add_argument("--state", action="append", help="memory, sqlite (default: both)")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    events = args.events or stream(args.customers, args.days)
    print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.1f}")
    print("| stream | state | events | seconds | events/s | CPU seconds | events/CPU s | peak RSS MB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for kind in args.state or ["memory", "sqlite"]:
        with tempfile.TemporaryDirectory() as tmp:
            spec = "memory" if kind == "memory" else f"sqlite:{tmp}/state.db"
            n, seconds, cpu, peak = measure(events, spec)
        print(
            f"| {events.parent.name} | {kind} | {n:,} | {seconds:.1f} | {n / seconds:,.0f} | {cpu:.1f} "
            f"| {n / cpu:,.0f} | {peak:,.0f} |"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
