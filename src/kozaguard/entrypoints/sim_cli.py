"""`kozaguard simulate`: write a realistic v1 stream with labelled takeover campaigns."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import msgspec
import typer

from kozaguard.sim.config import CAPABILITIES, ConfigError, load, parse_mix


def run(cfg_overrides: dict[str, Any], config: Path | None, out: Path, progress: bool) -> dict[str, Any]:
    """Generate and write the stream; returns the summary. Used by the command and the benchmark."""
    from kozaguard.sim.attackers import OWN_CAPABILITY
    from kozaguard.sim.calendar import to_datetime
    from kozaguard.sim.stream import Simulation
    from kozaguard.sim.writer import write_stream

    cfg = load(config, cfg_overrides)
    sim = Simulation(cfg)

    def summary() -> dict[str, Any]:
        return {
            "format": "kozaguard-events-v1",
            "config": {
                f: msgspec.to_builtins(getattr(cfg, f))
                for f in cfg.__struct_fields__
                if f != "rollout" or cfg.rollout is not None  # absent: the summary of before
            },
            "customers": cfg.customers,
            "trading_days": [d.isoformat() for d in sim.days],
            "warmup_end": to_datetime(sim.from_ms).isoformat(),
            "from": to_datetime(sim.from_ms).isoformat(),
            "campaigns": sim.plan_summary(),
            "attack_notional_jpy": round(sim.desk.attack_notional_jpy),
            "own_account_capability": OWN_CAPABILITY,
            "broker_domain": cfg.broker_domain,
        }

    if not progress:
        return write_stream(sim.drafts(), out, summary)
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(f"simulating {cfg.customers:,} customers", total=len(sim.days))
        return write_stream(sim.drafts(), out, summary, lambda: bar.advance(task))


def simulate(
    out: Annotated[
        Path, typer.Option("--out", help="Directory for events.jsonl, labels.jsonl, summary.json")
    ] = Path("sim-out"),
    customers: Annotated[int | None, typer.Option(help="Number of customers (default 2000)")] = None,
    days: Annotated[int | None, typer.Option(help="Trading days (default 24; 20 warm-up)")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed: same seed, same bytes (default 1)")] = None,
    attack_rate: Annotated[
        float | None,
        typer.Option("--attack-rate", help="Campaigns per trading day after warm-up (default 1.0)"),
    ] = None,
    capability_mix: Annotated[
        str | None,
        typer.Option("--capability-mix", help="e.g. password=0.3,otp_relay=0.5,session=0.2"),
    ] = None,
    warmup_days: Annotated[int | None, typer.Option("--warmup-days", help="Attack-free days first")] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML file with any key of docs/simulator.md")
    ] = None,
) -> None:
    """Write a simulated brokerage event stream with account-takeover campaigns and their labels."""
    try:
        overrides: dict[str, Any] = {
            "customers": customers,
            "days": days,
            "seed": seed,
            "attack_rate": attack_rate,
            "warmup_days": warmup_days,
        }
        if capability_mix is not None:
            overrides["capability_mix"] = parse_mix(capability_mix, "capability_mix", CAPABILITIES)
        started = time.perf_counter()
        s = run(overrides, config, out, progress=sys.stdout.isatty())
    except ConfigError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from None
    elapsed = time.perf_counter() - started
    typer.echo(f"wrote {s['events']:,} events to {out}/ in {elapsed:.1f}s")
    typer.echo(
        f"customers: {s['customers']:,}   trading days: {s['trading_days'][0]} .. {s['trading_days'][-1]}"
    )
    typer.echo("events by type: " + ", ".join(f"{k} {v:,}" for k, v in s["events_by_type"].items()))
    caps = ", ".join(f"{k} {v}" for k, v in s["attacks_by_capability"].items()) or "none"
    typer.echo(f"campaigns: {len(s['campaigns'])}   attacks by capability: {caps}")
    typer.echo(f"attack notional: ¥{s['attack_notional_jpy']:,}")
    typer.echo(f"warm-up ends (evaluate with --from): {s['from']}")
