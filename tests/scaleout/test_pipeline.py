"""The scale-out pipeline as users run it: `publish`, `worker` processes, `decisions`, on the real
NATS and Redis, compared with a one-process `replay` of the same stream."""

from __future__ import annotations

import os
import random
import signal
import time

import msgspec
import pytest
import redis as redis_lib

from scaleout.pipeline import (
    REDIS_URL,
    brokerage,
    collect,
    cross_account,
    differences,
    publish,
    start_worker,
    stop,
)

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """A small brokerage under attack (attacks seen across accounts included) and what a one-process
    replay makes of it: its decisions and every account's final record."""
    import io

    from kozaguard.bootstrap import build_engine
    from kozaguard.config import Settings
    from kozaguard.replay import replay as run_replay

    events = brokerage(tmp_path_factory.mktemp("stream") / "events.jsonl", accounts=100, days=8)
    engine = build_engine(Settings())  # the engine `kozaguard replay` runs, as the workers do
    out = io.BytesIO()
    with open(events, "rb") as f:
        run_replay(engine, f, out)
    decisions = [msgspec.json.decode(line) for line in out.getvalue().splitlines()]
    accounts = {k: engine.state.accounts.get(k) for k in engine.state.accounts._items}
    return events, decisions, accounts


@pytest.mark.xfail(
    reason="known defect: since the friction budget, decisions also weigh other accounts' events "
    "(shared infrastructure, the budget's calibration history), which workers see in another order than "
    "replay; some differences (and their downstream holds) are not yet explained by cross_account()",
    strict=False,
)
def test_two_workers_decide_like_replay(reference, tmp_path, nats_url, redis_client, name):
    events, expected, _ = reference
    publish(events, nats_url, name, partitions=4)
    workers = [start_worker(nats_url, REDIS_URL, name, "--lease", "2") for _ in range(2)]
    try:
        got = collect(nats_url, name, tmp_path / "bus.jsonl", expect=len(expected))
    finally:
        for w in workers:
            stop(w)
    differ, missing, extra = differences(expected, got)
    assert (missing, extra) == (0, 0)
    assert [d["event_id"] for d in got] == [d["event_id"] for d in expected]  # the events' input order
    assert all(cross_account(pair) for pair in differ), differ  # only another order of other accounts
    assert len(differ) <= 0.05 * len(expected)  # this stream is mostly attacks across accounts
    assert all(w.returncode == 0 for w in workers), [w.stderr.read() for w in workers]


def _lease_holder(client, name: str) -> str | None:
    raw = client.get(f"kozaguard:{name}:lease:0")
    return raw.decode() if raw else None


def _applied(client, name: str) -> int:
    raw = client.get(f"kozaguard:{name}:progress@0")
    return int(raw[12:]) if raw else 0


@pytest.mark.skipif(
    not os.environ.get("KOZAGUARD_KILL_TEST"),
    reason="ten SIGKILLs of a live worker take minutes on a loaded machine: set KOZAGUARD_KILL_TEST=1",
)
def test_worker_killed_at_random_points_loses_and_doubles_nothing(
    reference, tmp_path, nats_url, redis_client, name
):
    """One partition, an active worker and a standby: the active one is SIGKILLed ten times at random
    moments while it works (mid-batch, between commit, publish and ack) and started again."""
    events, expected, accounts = reference
    publish(events, nats_url, name, partitions=1)
    rng = random.Random(15)
    args = ("--lease", "1", "--batch", "20")
    workers = [start_worker(nats_url, REDIS_URL, name, *args) for _ in range(2)]
    kills_mid_stream = 0
    try:
        for _ in range(10):
            deadline = time.monotonic() + 120
            start = _applied(redis_client, name)
            while _applied(redis_client, name) == start and time.monotonic() < deadline:
                time.sleep(0.02)  # wait until somebody holds the partition and makes progress
            time.sleep(rng.uniform(0.0, 0.6))
            holder = _lease_holder(redis_client, name)
            victim = next((w for w in workers if holder and holder.split("-")[-2] == str(w.pid)), workers[0])
            kills_mid_stream += _applied(redis_client, name) < _final_sequence(nats_url, name)
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            workers[workers.index(victim)] = start_worker(nats_url, REDIS_URL, name, *args)
        got = collect(nats_url, name, tmp_path / "bus.jsonl", expect=len(expected))
        counts = _decision_messages(nats_url, name)
    finally:
        for w in workers:
            stop(w)
    assert kills_mid_stream >= 8  # the kills landed while the stream was being worked through
    differ, missing, extra = differences(expected, got)
    assert (differ, missing, extra) == ([], 0, 0)  # one partition: exactly the replay's decisions
    assert counts == len(expected)  # not one decision published twice
    _state_equals_replay(accounts, redis_client, name)


@pytest.mark.xfail(
    reason="known defect: since the friction budget, decisions also weigh other accounts' events "
    "(shared infrastructure, the budget's calibration history), which workers see in another order than "
    "replay; some differences (and their downstream holds) are not yet explained by cross_account()",
    strict=False,
)
@pytest.mark.parametrize("point", ["commit", "publish"])
def test_worker_killed_between_commit_publish_and_ack(
    point, reference, tmp_path, nats_url, redis_client, name
):
    """Killed right after committing a batch (decisions not yet published) or after publishing them
    (messages not yet acked): the next worker publishes what was missing and applies nothing again."""
    events, expected, accounts = reference
    publish(events, nats_url, name, partitions=2)
    env = {**os.environ, "KOZAGUARD_WORKER_FAULT": f"{point}:3"}
    crashing = start_worker(nats_url, REDIS_URL, name, "--lease", "1", "--batch", "100", env=env)
    assert crashing.wait(300) == -signal.SIGKILL
    worker = start_worker(nats_url, REDIS_URL, name, "--lease", "1")
    try:
        got = collect(nats_url, name, tmp_path / "bus.jsonl", expect=len(expected))
        counts = _decision_messages(nats_url, name)
    finally:
        stop(worker)
    differ, missing, extra = differences(expected, got)
    assert (missing, extra) == (0, 0) and all(cross_account(p) for p in differ)
    assert counts == len(expected)
    _state_equals_replay(accounts, redis_client, name)


def _final_sequence(nats_url: str, name: str) -> int:
    import asyncio

    from kozaguard.adapters import nats_bus

    async def last() -> int:
        nc = await nats_bus.connect(nats_url)
        info = await nc.jetstream().stream_info(name)
        await nc.close()
        return info.state.last_seq

    return asyncio.run(last())


def _decision_messages(nats_url: str, name: str) -> int:
    """Decision messages stored in the decisions stream (a doubled decision would be one more)."""
    import asyncio

    from kozaguard.adapters import nats_bus

    async def count() -> int:
        nc = await nats_bus.connect(nats_url)
        info = await nc.jetstream().stream_info(nats_bus.decisions_stream(name))
        await nc.close()
        return info.state.messages

    return asyncio.run(count())


def _state_equals_replay(accounts: dict, client: redis_lib.Redis, name: str) -> None:
    """Every account's record in Redis equals the one a one-process replay ends with: no event's
    effect (a fill, a deposit, a login counted) was applied twice or lost."""
    from kozaguard.adapters.redis_state import RedisState

    shared = RedisState(client, f"kozaguard:{name}:")
    assert len(accounts) == 100
    for account_id, record in sorted(accounts.items()):
        assert shared.accounts.get(account_id) == record, account_id
