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
from kozaguard.entrypoints.evaluation_cli import parse_start
from kozaguard.entrypoints.sim_cli import run as simulate
from kozaguard.evaluation import evaluate
from kozaguard.events.codec import read_decisions, read_events, read_labels
from kozaguard.replay import replay
from kozaguard.sim.desk import Desk

BASE = {"attack_rate": 2.0}  # two campaigns a day after warm-up: enough attacks per run to compare
CONFIGS = {  # the simulator's default: 24 trading days, the first 20 (a month of history) attack-free
    "default": BASE,
    "relay-heavy": BASE | {"capability_mix": {"password": 0.1, "otp_relay": 0.7, "session": 0.2}},
    "short-history": BASE | {"days": 8, "warmup_days": 4},  # what a week of history gives
}
ALT_PROFILES = ("default", "sparse", "noisy", "mobile")
CONFIGS |= {f"alt-{p}": {"altsim": p, "days": 24, "warmup_days": 20} for p in ALT_PROFILES}
ALTSIM = Path(__file__).parent / "altsim"
GEN3_PROFILES = ("default", "relay-heavy")
CONFIGS |= {f"gen3-{p}": {"gen3": p, "days": 24, "warmup_days": 20} for p in GEN3_PROFILES}
"""bench/gen3: a third generator, written from the public facts alone by someone who had not read the
detectors (`python -m bench.gen3`). Its crews' own accounts are labelled (`--crew-labels`), as the
spec's labels are "one line per event that an attacker caused" and kozaguard's simulator labels them:
without it their events would count as customers' friction."""

COLUMNS = (
    "stopped %",
    "password %",
    "otp_relay %",
    "session %",
    "prevented %",
    "login ch./1000",
    "login refused/1000",
    "action ch./1000",
    "action stops/1000",
)
"""Attacks: those with a fill or a withdrawal (spec "Which attacks count"). Friction on the customers'
own actions after the warm-up: login challenges and refusals (deny, lock) per 1,000 logins; orders +
withdrawals challenged, and held or denied ("stops"), per 1,000 orders + withdrawals."""
GOALS = {
    "stopped %": (">=", 99.0),
    "password %": (">=", 99.0),
    "otp_relay %": (">=", 99.0),
    "session %": (">=", 99.0),
    "prevented %": (">=", 99.0),
    "login ch./1000": ("<=", 30.0),
    "login refused/1000": ("<=", 1.0),
    "action ch./1000": ("<=", 10.0),
    "action stops/1000": ("<=", 0.5),
}


def generate(seed: int, customers: int, overrides: dict, folder: Path) -> dict:
    """Write a stream into `folder` with kozaguard's simulator, altsim or gen3; returns its summary."""
    if "gen3" in overrides:
        cmd = [sys.executable, "-m", "bench.gen3", "--out", str(folder), "--seed", str(seed)]
        cmd += ["--customers", str(customers), "--profile", overrides["gen3"]]
        cmd += ["--days", str(overrides["days"]), "--warmup-days", str(overrides["warmup_days"])]
        cmd += ["--crew-labels"]  # the crews' own accounts are attackers' events (spec "Labels")
        subprocess.run(cmd, check=True, capture_output=True, cwd=Path(__file__).parents[1])
        return json.loads((folder / "summary.json").read_text())
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


def run_one(seed: int, customers: int, overrides: dict, folder: Path, desk: bool = True) -> dict:
    made = folder / "summary.json"
    summary = json.loads(made.read_text()) if made.exists() else generate(seed, customers, overrides, folder)
    events_raw = (folder / "events.jsonl").read_bytes().splitlines()
    labels = [x for _, x in read_labels((folder / "labels.jsonl").read_bytes().splitlines())]
    out = io.BytesIO()
    settings = Settings()
    engine = build_engine(settings)
    review = None
    if desk:  # staff answer each hold after the delay, as the labels say (kozaguard.sim.desk)
        attackers = (x.event_id for x in labels if x.actor == "attacker")
        review = Desk(attackers, settings.review.delay_minutes, engine.state)
    replay(engine, events_raw, out, desk=review)
    report = evaluate(
        [e for _, _, e in read_events(events_raw)],
        labels,
        [x for _, x in read_decisions(out.getvalue().splitlines())],
        start=parse_start(summary["from"]),
    )
    a, f = report.attacks, report.friction
    caps = a.by_capability
    logins, actions = f.logins, f.orders_and_withdrawals
    return {  # None where the run had nothing to measure (no attack of that capability)
        "stopped %": a.stopped_pct,
        "password %": caps.password.stopped_pct,
        "otp_relay %": caps.otp_relay.stopped_pct,
        "session %": caps.session.stopped_pct,
        "prevented %": report.loss.prevented_pct,
        "login ch./1000": logins.challenged_per_1000 or 0.0,
        "login refused/1000": (logins.denied_per_1000 or 0.0) + (logins.locked_per_1000 or 0.0),
        "action ch./1000": actions.challenged_per_1000 or 0.0,
        "action stops/1000": (actions.held_per_1000 or 0.0) + (actions.denied_per_1000 or 0.0),
        "attacks": float(a.total),
        "attempts": float(a.attempts.total),
        "missed": [
            (d.capability, d.attack_id) for d in a.detail if d.damage_ts is not None and not d.stopped
        ],
        "by_reason": f.by_reason,
        "counts": (logins.count, actions.count),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--customers", type=int, default=2500)
    ap.add_argument("--config", action="append", choices=sorted(CONFIGS))
    ap.add_argument(
        "--reasons", action="store_true", help="after the table: friction by reason, missed attacks"
    )
    ap.add_argument(
        "--streams",
        type=Path,
        help="keep each generated stream in DIR/<config>-<seed>-<customers> and reuse it on the next run",
    )
    ap.add_argument(
        "--no-desk",
        action="store_true",
        help="holds stay unanswered (default: a modelled desk answers each after [review] delay_minutes)",
    )
    args = ap.parse_args()
    print("| config | seed | attacks | attempts | " + " | ".join(COLUMNS) + " |")
    print("|---|---:|---:|---:|" + "---:|" * len(COLUMNS))
    rows = []
    for name in args.config or list(CONFIGS):
        for seed in args.seeds:
            if args.streams:
                folder = args.streams / f"{name}-{seed}-{args.customers}"
                folder.mkdir(parents=True, exist_ok=True)
                row = run_one(seed, args.customers, CONFIGS[name], folder, not args.no_desk)
            else:
                with tempfile.TemporaryDirectory() as tmp:
                    row = run_one(seed, args.customers, CONFIGS[name], Path(tmp), not args.no_desk)
            row["name"] = name
            rows.append(row)
            cells = " | ".join(_cell(row[c], c) for c in COLUMNS)
            print(f"| {name} | {seed} | {row['attacks']:.0f} | {row['attempts']:.0f} | {cells} |", flush=True)
    mean = " | ".join(_cell(_mean([r[c] for r in rows])) for c in COLUMNS)
    attacks, attempts = sum(r["attacks"] for r in rows), sum(r["attempts"] for r in rows)
    print(f"| **mean** | | {attacks:.0f} | {attempts:.0f} | {mean} |")
    if args.reasons:
        _reasons(rows)


def _reasons(rows: list[dict]) -> None:
    """Which rules cost the customers, summed over the runs of each configuration, and what got through."""
    for name in dict.fromkeys(r["name"] for r in rows):
        runs = [r for r in rows if r["name"] == name]
        logins = sum(r["counts"][0] for r in runs)
        actions = sum(r["counts"][1] for r in runs)
        total: dict[tuple[str, str], list[int]] = {}
        for r in runs:
            for x in r["by_reason"]:
                t = total.setdefault((x.reason, x.action), [0, 0])
                t[0] += x.challenged
                t[1] += x.stops
        print(f"\n{name}: {logins} customer logins, {actions} orders + withdrawals")
        for (reason, action), (ch, st) in sorted(total.items(), key=lambda kv: (-kv[1][1], -kv[1][0])):
            per = 1000 / (logins if action == "login" else actions or 1)
            rates = f"challenged {ch:5} ({ch * per:6.2f}/1000)  stopped {st:5} ({st * per:6.2f}/1000)"
            print(f"  {reason:36} {action:10} {rates}")
        missed = [m for r in runs for m in r["missed"]]
        if missed:
            print("  attacks not stopped before damage: " + ", ".join(f"{c} {a}" for c, a in missed))


def _mean(values: list[float | None]) -> float | None:
    """Mean over the runs that measured something."""
    known = [v for v in values if v is not None]
    return statistics.mean(known) if known else None


def _cell(value: float | None, column: str | None = None) -> str:
    """The figure, in bold where it misses its goal."""
    if value is None:
        return "–"
    text = f"{value:.2f}" if column and "/1000" in column and value < 10 else f"{value:.1f}"
    goal = GOALS.get(column or "")
    if goal and not (value >= goal[1] if goal[0] == ">=" else value <= goal[1]):
        return f"**{text}**"
    return text


if __name__ == "__main__":
    main()
