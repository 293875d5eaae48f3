"""Run the scale-out commands as real processes for tests and the benchmark: publish, workers,
decisions, with the replay of the same stream to compare against."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import msgspec

from kozaguard.evaluation.partition_order import Comparison, compare

KOZAGUARD = [sys.executable, "-m", "kozaguard"]
REDIS_URL = os.environ.get("KOZAGUARD_TEST_REDIS", "redis://127.0.0.1:6379/0")
NATS_URL = os.environ.get("KOZAGUARD_TEST_NATS", "nats://127.0.0.1:4222")


def run(*args: str, timeout: float = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*KOZAGUARD, *args], capture_output=True, timeout=timeout, env=env or os.environ.copy(), check=False
    )


def replay(events: Path, out: Path) -> list[dict]:
    done = run("replay", str(events), "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    return read(out)


def read(path: Path) -> list[dict]:
    return [msgspec.json.decode(line) for line in path.read_bytes().splitlines() if line.strip()]


def publish(events: Path, nats: str, stream: str, partitions: int) -> None:
    done = run("publish", str(events), "--nats", nats, "--stream", stream, "--partitions", str(partitions))
    assert done.returncode == 0, done.stderr.decode()


def start_worker(
    nats: str, redis: str, stream: str, *extra: str, env: dict | None = None
) -> subprocess.Popen:
    cmd = [*KOZAGUARD, "worker", "--nats", nats, "--redis", redis, "--stream", stream, *extra]
    return subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or os.environ.copy()
    )


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def collect(nats: str, stream: str, out: Path, expect: int, timeout: float = 300) -> list[dict]:
    done = run(
        "decisions",
        "--nats",
        nats,
        "--stream",
        stream,
        "-o",
        str(out),
        "--expect",
        str(expect),
        "--timeout",
        str(timeout),
        timeout=timeout + 60,
    )
    assert done.returncode == 0, done.stderr.decode()
    return read(out)


def compared(expected: list[dict], got: list[dict], events: Path) -> Comparison:
    """The two runs' decisions compared by event id, each difference explained or not."""
    return compare(expected, got, read(events))


def brokerage(path: Path, accounts: int = 80, days: int = 6, seed: int = 1) -> Path:
    """A small brokerage stream with the attacks that cross accounts, written to `path`: customers
    logging in from their own homes and trading a few symbols every day, a stuffing bot failing on
    many accounts, a crew reusing one device on several victims, and a pump of a thin symbol bought
    on their sessions. Few symbols, so a test decides it in seconds."""
    import random

    from kozaguard.events.codec import encode
    from streams import at, buy, ev, login, sell

    rng = random.Random(seed)
    symbols = {"7203": 2500, "6758": 3100, "8306": 1400, "9434": 210, "9999": 84}
    out = [
        ev("instrument", at(1, 7), symbol=s, name=s, market="TSE-PRIME", currency="JPY", lot_size=100)
        for s in symbols
    ]
    ids = [f"C{i:03d}" for i in range(accounts)]
    for i, a in enumerate(ids):
        out.append(
            ev(
                "account.opened",
                at(1, 7),
                account_id=a,
                birth_year=1950 + i % 50,
                prefecture="東京都",
                margin_enabled=False,
                foreign_enabled=False,
                factors=["sms"],
            )
        )
        out.append(
            ev(
                "account.snapshot",
                at(1, 7),
                account_id=a,
                cash_jpy=3_000_000,
                positions=[{"symbol": "7203", "qty": 400, "avg_cost": 2400}],
            )
        )
    home = {a: {"device_id": f"d-{a}", "ip": f"126.{10 + i // 200}.{i % 200}.7"} for i, a in enumerate(ids)}
    for day in range(1, days + 1):
        for s, price in symbols.items():
            out.append(
                ev(
                    "market.bar",
                    at(day, 7, 30),
                    symbol=s,
                    date=f"2025-03-{day + 10}",
                    open=price,
                    high=price * 1.01,
                    low=price * 0.99,
                    close=price,
                    volume=40_000 if s == "9999" else 5_000_000,
                )
            )
            out.append(
                ev(
                    "market.quote",
                    at(day, 9, 0),
                    symbol=s,
                    last=price,
                    bid=price * 0.999,
                    ask=price * 1.001,
                    prev_close=price,
                    volume_today=1000,
                )
            )
        for a in ids:
            minute = rng.randrange(0, 50)
            sid = f"s-{a}-{day}"
            out.append(
                login(at(day, 8 + rng.randrange(0, 3), minute), account_id=a, session_id=sid, **home[a])
            )
            if rng.random() < 0.6:
                s = rng.choice(list(symbols)[:4])
                out.append(
                    buy(at(day, 11, minute), s, 100, symbols[s], account_id=a, session_id=sid, **home[a])
                )
            if rng.random() < 0.2:
                out.append(
                    sell(at(day, 11, minute, 30), "7203", 100, account_id=a, session_id=sid, **home[a])
                )
            out.append(ev("auth.logout", at(day, 11, 55), account_id=a, session_id=sid, **home[a]))
        if day >= 3:  # the attacks
            bot = {"ip": "45.1.2.3", "device_id": None, "user_agent": "python-requests/2.31"}
            for j, a in enumerate(rng.sample(ids, 8)):
                out.append(
                    login(
                        at(day, 2, j), account_id=a, session_id=f"b-{a}-{day}", result="password_bad", **bot
                    )
                )
            crew = {
                "device_id": f"d-evil-{day}",
                "ip": "8.8.8.8",
                "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
            }
            for j, a in enumerate(rng.sample(ids, 5)):
                sid = f"x-{a}-{day}"
                out.append(login(at(day, 13, j), account_id=a, session_id=sid, **crew))
                out.append(sell(at(day, 13, j, 20), "7203", 400, account_id=a, session_id=sid, **crew))
                out.append(buy(at(day, 13, j, 40), "9999", 2000, 97, account_id=a, session_id=sid, **crew))
    out.sort(key=lambda e: e.ts)
    path.write_bytes(b"".join(encode(e) + b"\n" for e in out))
    return path
