"""The events door under a steady load: `POST /v1/events` with an API key at a fixed rate.

    .venv/bin/python bench/events_door.py [--rate 1000] [--seconds 60] [--connections 32]

1. Simulates a small brokerage (`kozaguard simulate`, cached under bench/data/) for realistic events.
2. Starts `kozaguard serve` in its own process on 127.0.0.1 (memory stores, engine state in memory)
   with one API key of scope `events:write`.
3. A separate load process (this script, re-run with `--load`) sends one event per request, open
   loop: request n is due at start + n / rate whatever happened to the ones before, over
   keep-alive HTTP/1.1 connections. Each event's `ts` is the time it is sent (the live door refuses
   events far from its clock), its `event_id` made unique. A latency is measured from the time the
   request was due, so a server that falls behind is charged for the wait (no coordinated omission).
4. Prints p50 / p99 / max, errors (any status but 200, or no answer within 2 s), the rate reached,
   the server's CPU seconds, and the load average before and after.

The load never leaves loopback and stops by itself after `--seconds`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
PYTHON = sys.executable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stream() -> Path:
    """Decision-bearing events of a small simulated brokerage (cached)."""
    out = DATA / "door-300x6"
    events = out / "events.jsonl"
    if not events.exists():
        subprocess.run(
            [
                PYTHON,
                "-m",
                "kozaguard",
                "simulate",
                "--customers",
                "300",
                "--days",
                "6",
                "--seed",
                "5",
                "--out",
                str(out),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return events


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


# ----- the load process ------------------------------------------------------------------------------
async def _load(port: int, key: str, events: list[dict], rate: float, seconds: float, conns: int) -> dict:
    total = int(rate * seconds)
    queue: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []
    timeline: list[tuple[float, float]] = []
    errors: dict[str, int] = {}
    start = time.perf_counter() + 0.5
    wall0 = time.time() - time.perf_counter()  # perf_counter -> epoch seconds

    def body(n: int, due: float) -> bytes:
        e = dict(events[n % len(events)])
        e["event_id"] = f"bench-{n}"
        ts = time.gmtime(wall0 + due)
        e["ts"] = time.strftime("%Y-%m-%dT%H:%M:%S", ts) + f".{int((wall0 + due) % 1 * 1e6):06d}+00:00"
        return json.dumps(e, separators=(",", ":")).encode()

    def request(payload: bytes) -> bytes:
        return (
            f"POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-API-Key: {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        ).encode() + payload

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while True:
            item = await queue.get()
            if item is None:
                writer.close()
                return
            n, due = item
            try:
                writer.write(request(body(n, due)))
                status_line = await asyncio.wait_for(reader.readline(), 2.0)
                length = 0
                while True:
                    line = await asyncio.wait_for(reader.readline(), 2.0)
                    if line in (b"\r\n", b""):
                        break
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await asyncio.wait_for(reader.readexactly(length), 2.0)
                latencies.append(time.perf_counter() - due)
                timeline.append((due - start, latencies[-1]))
                status = status_line.split(b" ", 2)[1].decode()
                if status != "200":
                    errors[status] = errors.get(status, 0) + 1
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as err:
                errors[type(err).__name__] = errors.get(type(err).__name__, 0) + 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)

    workers = [asyncio.create_task(worker()) for _ in range(conns)]
    for n in range(total):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((n, due))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": total,
        "answered": len(latencies),
        "errors": errors,
        "seconds": round(elapsed, 2),
        "rate": round(len(latencies) / elapsed, 1),
        "p50_ms": round(_percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 99) * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
        # the tenths of a second (from the start) in which some request took over 10 ms
        "slow_at_s": sorted({round(t, 1) for t, lat in timeline if lat > 0.01})[:60],
    }


def load_main(args) -> None:
    events = [json.loads(line) for line in Path(args.events).read_text().splitlines() if line.strip()]
    result = asyncio.run(_load(args.port, args.key, events, args.rate, args.seconds, args.connections))
    print(json.dumps(result))


# ----- the orchestrator ------------------------------------------------------------------------------
SERVER = """
import sys
from kozaguard.apikeys import Scope
from kozaguard.config import load_settings
from kozaguard.entrypoints import serving
from kozaguard.entrypoints.api.app import create_app

port = int(sys.argv[1])
settings = load_settings(None, env={}, http={"store": "memory", "stuffing_by_asn": False},
                         notifier={"kind": "memory"})
app = create_app(serving.served_settings(settings, "127.0.0.1", port, env={}))
_, key = app.state.apikeys.create((Scope.EVENTS_WRITE,), name="bench")
print(key, flush=True)
serving.run(app, "127.0.0.1", port, log_level="warning")
"""


def _wait_up(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server stopped before answering")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1000.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to send")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--events", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load_main(args)
        return
    if not 0 < args.rate <= 20_000 or not 0 < args.seconds <= 600:
        raise SystemExit("--rate must be in (0, 20000] and --seconds in (0, 600]")
    stream = _stream()
    picked = DATA / "door-events.jsonl"
    lines = stream.read_text().splitlines()
    picked.write_text("\n".join(lines[:50_000]) + "\n")
    port = _free_port()
    server = subprocess.Popen([PYTHON, "-c", SERVER, str(port)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        key = server.stdout.readline().strip()
        _wait_up(port, server)
        before_load = os.getloadavg()
        cpu0 = _cpu_seconds(server.pid)
        out = subprocess.run(
            [
                PYTHON,
                __file__,
                "--load",
                "--port",
                str(port),
                "--key",
                key,
                "--events",
                str(picked),
                "--rate",
                str(args.rate),
                "--seconds",
                str(args.seconds),
                "--connections",
                str(args.connections),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=args.seconds + 120,
        )
        cpu = _cpu_seconds(server.pid) - cpu0
        after_load = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = json.loads(out.stdout)
    result.update(
        server_cpu_seconds=round(cpu, 1),
        load_before=[round(x, 2) for x in before_load],
        load_after=[round(x, 2) for x in after_load],
    )
    print(json.dumps(result, indent=1))
    print(
        f"\n| {args.rate:,.0f}/s × {args.seconds:.0f} s | {result['answered']:,} | {result['rate']:,.0f} | "
        f"{result['p50_ms']} | {result['p99_ms']} | {result['max_ms']} | "
        f"{sum(result['errors'].values())} | {result['server_cpu_seconds']} | "
        f"{before_load[0]:.2f} / {after_load[0]:.2f} |"
    )


if __name__ == "__main__":
    main()
