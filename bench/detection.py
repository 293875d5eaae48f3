"""Detection quality across seeds and simulator configurations: stops, loss prevented, friction.

    .venv/bin/python bench/detection.py       # 3 seeds x (3 configurations + 4 altsim profiles)
    .venv/bin/python bench/detection.py --seeds 1 2 --customers 2000 --config default --config alt-noisy

Each run simulates a stream, replays it through the engine with the default settings and scores the
decisions from the end of the warm-up. One Markdown row per run, then the mean, for bench/README.md.
The `alt-*` rows come from bench/altsim, a generator written apart from kozaguard's simulator with
its own habits: a detector tuned to one simulator, one seed or one configuration shows up here as a
spread between rows.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from kozaguard.bootstrap import build_engine
from kozaguard.config import Settings
from kozaguard.evaluation import evaluate
from kozaguard.evaluation.cli import parse_start
from kozaguard.events.codec import read_decisions, read_events, read_labels
from kozaguard.replay import replay
from kozaguard.sim.cli import run as simulate

BASE = {"attack_rate": 2.0}  # two campaigns a day after warm-up: enough attacks per run to compare
CONFIGS = {  # the simulator's default: 24 trading days, the first 20 (a month of history) attack-free
    "default": BASE,
    "relay-heavy": BASE | {"capability_mix": {"password": 0.1, "otp_relay": 0.7, "session": 0.2}},
    "short-history": BASE | {"days": 8, "warmup_days": 4},  # what a week of history gives
}
ALT_PROFILES = ("default", "sparse", "noisy", "mobile")
CONFIGS |= {f"alt-{p}": {"altsim": p, "days": 24, "warmup_days": 20} for p in ALT_PROFILES}
ALTSIM = Path(__file__).parent / "altsim"

COLUMNS = (
    "stopped %",
    "password %",
    "password at login %",
    "otp_relay %",
    "session %",
    "prevented %",
    "login ch./1000",
    "order hold+deny/1000",
    "locked",
)


def generate(seed: int, customers: int, overrides: dict, folder: Path) -> dict:
    """Write a stream into `folder` with kozaguard's simulator or altsim; returns its summary."""
    if "altsim" in overrides:
        cmd = [
            sys.executable,
            str(ALTSIM),
            "--out",
            str(folder),
            "--seed",
            str(seed),
            "--customers",
            str(customers),
            "--profile",
            overrides["altsim"],
            "--days",
            str(overrides["days"]),
            "--warmup-days",
            str(overrides["warmup_days"]),
        ]
        subprocess.run(cmd, check=True, capture_output=True)
        return json.loads((folder / "summary.json").read_text())
    return simulate({"customers": customers, "seed": seed, **overrides}, None, folder, progress=False)


def run_one(seed: int, customers: int, overrides: dict, folder: Path) -> dict[str, float]:
    summary = generate(seed, customers, overrides, folder)
    events_raw = (folder / "events.jsonl").read_bytes().splitlines()
    out = io.BytesIO()
    replay(build_engine(Settings()), events_raw, out)
    report = evaluate(
        [e for _, _, e in read_events(events_raw)],
        [x for _, x in read_labels((folder / "labels.jsonl").read_bytes().splitlines())],
        [x for _, x in read_decisions(out.getvalue().splitlines())],
        start=parse_start(summary["from"]),
    )
    a, f = report.attacks, report.friction
    caps = a.by_capability
    orders = f.orders
    return {  # None where the run had nothing to measure (no attack of that capability)
        "stopped %": a.stopped_pct,
        "password %": caps.password.stopped_pct,
        "password at login %": 100.0 * caps.password.stopped_at_login / caps.password.total
        if caps.password.total
        else None,
        "otp_relay %": caps.otp_relay.stopped_pct,
        "session %": caps.session.stopped_pct,
        "prevented %": report.loss.prevented_pct,
        "login ch./1000": f.logins.challenged_per_1000 or 0.0,
        "order hold+deny/1000": (orders.held_per_1000 or 0.0) + (orders.denied_per_1000 or 0.0),
        "locked": float(f.accounts_locked),
        "attacks": float(a.total),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--customers", type=int, default=2500)
    ap.add_argument("--config", action="append", choices=sorted(CONFIGS))
    args = ap.parse_args()
    print("| config | seed | attacks | " + " | ".join(COLUMNS) + " |")
    print("|---|---:|---:|" + "---:|" * len(COLUMNS))
    rows = []
    for name in args.config or list(CONFIGS):
        for seed in args.seeds:
            with tempfile.TemporaryDirectory() as tmp:
                row = run_one(seed, args.customers, CONFIGS[name], Path(tmp))
            rows.append(row)
            cells = " | ".join(_cell(row[c]) for c in COLUMNS)
            print(f"| {name} | {seed} | {row['attacks']:.0f} | {cells} |", flush=True)
    mean = " | ".join(_cell(_mean([r[c] for r in rows])) for c in COLUMNS)
    print(f"| **mean** | | {sum(r['attacks'] for r in rows):.0f} | {mean} |")


def _mean(values: list[float | None]) -> float | None:
    """Mean over the runs that measured something."""
    known = [v for v in values if v is not None]
    return statistics.mean(known) if known else None


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


if __name__ == "__main__":
    main()
