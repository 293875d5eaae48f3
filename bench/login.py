"""Login latency through the app: password check + the engine's decision, p50 and p99.

    .venv/bin/python bench/login.py                  # 200 logins, argon2id as shipped
    .venv/bin/python bench/login.py --logins 50      # quicker

Builds the real FastAPI app (SQLite identity store, in-memory engine, memory notifier), registers
customers through the identity service, then times `POST /identity/login` with the right password
from a fresh address each time (every login is decided by the engine: new device, new place), as a
customer's first step of logging in. Runs the same on older commits (no API key needed: customers are
registered through the service), so before and after come from one script.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from kozaguard.config import HttpSection, NotifierSection, Settings
from kozaguard.entrypoints.api.app import create_app

PASSWORD = "kumo-hashiru-7-sakana"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--logins", type=int, default=200)
    p.add_argument("--per-customer", type=int, default=4)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            http=HttpSection(db_path=str(Path(tmp) / "identity.sqlite"), stuffing_by_asn=False),
            notifier=NotifierSection(kind="memory", outbox_path=str(Path(tmp) / "outbox.jsonl")),
        )
        app = create_app(settings)
        customers = -(-args.logins // args.per_customer)
        for c in range(customers):
            app.state.identity.register(f"bench{c}", PASSWORD, f"b{c}@example.jp", "090-1234-5678")
        times = []
        for i in range(args.logins):
            ip = f"126.{10 + i // 200}.{i % 200}.7"  # a new /24 each time: no rate limit, engine decides
            client = TestClient(app, client=(ip, 40000))
            login_id = f"bench{i % customers}"
            start = time.perf_counter()
            r = client.post("/identity/login", json={"login_id": login_id, "password": PASSWORD})
            times.append(time.perf_counter() - start)
            assert r.status_code == 200 and r.json()["decision"] == "challenge", r.text
    times.sort()
    p50 = statistics.median(times) * 1000
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))] * 1000
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(f"| {commit} | {args.logins} | {p50:.1f} | {p99:.1f} | {machine()} |")


def machine() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next(
        (x.split(":", 1)[1].strip() for x in lines if x.startswith("model name")), platform.processor()
    )
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
