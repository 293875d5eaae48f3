"""Scale-out throughput and latency: the same stream through NATS + Redis workers and through replay.

    .venv/bin/python bench/scaleout.py                      # simulates a stream of >= 200,000 events once
    .venv/bin/python bench/scaleout.py --events FILE        # or measures on a given stream

Needs Redis and NATS with JetStream on 127.0.0.1. Steps: replay the stream in one process (the
reference decisions); for 1 and then 2 workers, publish the whole stream to a fresh stream, start
the workers and time them until every decision is in (events/s counts input events, from the first
worker's start to the last decision stored); compare the decisions with replay's by event id; then,
with 2 workers running, publish a slice of the stream at a fixed rate and measure publish-to-decision
latency (bus store time of the event to bus store time of its decision). Each worker reports the
Redis round trips it made. The load average of the machine is printed with each row, since other
work on it slows every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import msgspec
import redis

from kozaguard.adapters import nats_bus as bus
from kozaguard.evaluation.partition_order import compare

HERE = Path(__file__).parent
NATS = os.environ.get("KOZAGUARD_BENCH_NATS", "nats://127.0.0.1:4222")
REDIS = os.environ.get("KOZAGUARD_BENCH_REDIS", "redis://127.0.0.1:6379/0")
K = [sys.executable, "-m", "kozaguard"]


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def stream(customers: int, days: int) -> Path:
    out = HERE / "data" / f"scaleout-{customers}x{days}"
    events = out / "events.jsonl"
    if not events.exists():
        cmd = [*K, "simulate", "--customers", str(customers), "--days", str(days), "--warmup-days", "4"]
        subprocess.run([*cmd, "--seed", "7", "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    return events


def decisions(path: Path) -> dict[str, dict]:
    return {d["event_id"]: d for d in map(msgspec.json.decode, path.read_bytes().splitlines())}


def clean(name: str) -> None:
    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(match=f"kozaguard:{name}:*", count=5000))
    for i in range(0, len(keys), 5000):
        client.delete(*keys[i : i + 5000])

    async def drop() -> None:
        nc = await bus.connect(NATS)
        await bus.delete_streams(nc.jetstream(), name)
        await nc.close()

    asyncio.run(drop())


def workers_run(events: Path, n: int, partitions: int, expect: int, out: Path) -> dict:
    """Publish the stream, then time `n` workers deciding all of it."""
    name = f"bench{uuid.uuid4().hex[:8]}"
    t = time.perf_counter()
    subprocess.run(
        [*K, "publish", str(events), "--nats", NATS, "--stream", name, "--partitions", str(partitions)],
        check=True,
    )
    published = time.perf_counter() - t
    client = redis.Redis.from_url(REDIS)
    before = load()
    procs = [
        subprocess.Popen(
            [*K, "worker", "--nats", NATS, "--redis", REDIS, "--stream", name], stderr=subprocess.PIPE
        )
        for _ in range(n)
    ]
    while not client.zcard(f"kozaguard:{name}:workers"):
        time.sleep(0.01)
    started = time.time()
    subprocess.run(
        [*K, "decisions", "--nats", NATS, "--stream", name, "-o", str(out), "--expect", str(expect)],
        check=True,
    )
    last = time.time()
    after = load()
    trips = events_done = 0
    for p in procs:
        p.terminate()
        err = p.communicate(timeout=60)[1].decode()
        m = re.search(r"(\d+) events, .* (\d+) Redis round trips", err)
        if m:
            events_done += int(m.group(1))
            trips += int(m.group(2))
    clean(name)
    seconds = last - started
    return {
        "seconds": seconds,
        "published_s": published,
        "messages": events_done,
        "round_trips": trips,
        "load_before": before,
        "load_after": after,
    }


def latency_run(events: Path, slice_events: int, rate: float, partitions: int) -> dict:
    """Two workers running; a slice of the stream published at `rate` events/s; latencies measured."""
    name = f"bench{uuid.uuid4().hex[:8]}"
    part = events.parent / f"slice-{slice_events}.jsonl"
    if not part.exists():
        with open(events, "rb") as src, open(part, "wb") as dst:
            for i, line in enumerate(src):
                if i >= slice_events:
                    break
                dst.write(line)
    subprocess.run(
        [*K, "replay", str(part), "-o", str(part) + ".decisions"], check=True, stderr=subprocess.DEVNULL
    )
    with open(str(part) + ".decisions", "rb") as f:
        expect = sum(1 for _ in f)

    async def setup() -> None:
        nc = await bus.connect(NATS)
        await bus.ensure_streams(nc.jetstream(), name, partitions)
        await nc.close()

    asyncio.run(setup())
    before = load()
    procs = [
        subprocess.Popen(
            [*K, "worker", "--nats", NATS, "--redis", REDIS, "--stream", name], stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    time.sleep(3)
    subprocess.run(
        [*K, "publish", str(part), "--nats", NATS, "--stream", name, "--rate", str(rate)], check=True
    )

    async def gather() -> bus.Collected:
        nc = await bus.connect(NATS)
        got = await bus.collect(nc.jetstream(), name, expect=expect, timeout=600)
        await nc.close()
        return got

    got = asyncio.run(gather())
    for p in procs:
        p.terminate()
        p.communicate(timeout=60)
    clean(name)
    lat = sorted(got.latencies)
    q = statistics.quantiles(lat, n=100)
    return {
        "decisions": len(lat),
        "p50_ms": q[49] * 1000,
        "p99_ms": q[98] * 1000,
        "rate": rate,
        "load_before": before,
        "load_after": load(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=Path)
    ap.add_argument("--customers", type=int, default=5000)
    ap.add_argument("--days", type=int, default=10)
    ap.add_argument("--partitions", type=int, default=2)
    ap.add_argument("--latency-events", type=int, default=40_000)
    ap.add_argument("--latency-rate", type=float, default=1000.0)
    args = ap.parse_args()
    events = args.events or stream(args.customers, args.days)
    with open(events, "rb") as f:
        n_events = sum(1 for _ in f)
    ref = events.parent / "replay-decisions.jsonl"
    t = time.perf_counter()
    subprocess.run([*K, "replay", str(events), "-o", str(ref)], check=True, stderr=subprocess.DEVNULL)
    replay_s = time.perf_counter() - t
    want = decisions(ref)
    print(
        f"stream {events}: {n_events:,} events, {len(want):,} decisions; replay {replay_s:.1f} s "
        f"({n_events / replay_s:,.0f} events/s, load {load()})"
    )
    print()
    print(
        "| workers | partitions | events | seconds | events/s | bus messages | Redis round trips/event "
        "| decisions differing from replay | load before → after |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    rates = {}
    for n in (1, 2):
        out = events.parent / f"bus-{n}.jsonl"
        r = workers_run(events, n, args.partitions, len(want), out)
        got = decisions(out)
        c = compare(want.values(), got.values(), map(msgspec.json.decode, events.read_bytes().splitlines()))
        why = ", ".join(f"{v} {k}" for k, v in sorted(c.counts().items())) or "none"
        rates[n] = n_events / r["seconds"]
        print(
            f"| {n} | {args.partitions} | {n_events:,} | {r['seconds']:.1f} | {rates[n]:,.0f} | "
            f"{r['messages']:,} | {r['round_trips'] / n_events:.3f} | "
            f"{len(c.differ)} ({len(c.differ) / len(want):.3%}: {why}; missing {len(c.missing)}, "
            f"extra {len(c.extra)}) | {r['load_before']} → {r['load_after']} |"
        )
    print()
    print(f"2 workers / 1 worker: {rates[2] / rates[1]:.2f}×")
    lat = latency_run(events, args.latency_events, args.latency_rate, args.partitions)
    print(
        f"latency publish → decision at {lat['rate']:,.0f} events/s, 2 workers, "
        f"{lat['decisions']:,} decisions: p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms "
        f"(load {lat['load_before']} → {lat['load_after']})"
    )


if __name__ == "__main__":
    main()
