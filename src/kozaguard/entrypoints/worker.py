"""A worker: takes partitions of the events stream, decides their events, publishes the decisions.

Workers share one Redis. Each partition is held by one worker at a time through a lease in Redis
(renewed while it works, lost when it dies); each worker takes its fair share of the partitions
(`ceil(partitions / live workers)`) and gives back the extra when others join. For each batch it
reads the partition's messages, decides them on its engine, and commits the state, the ledger and
the partition's progress (the last stream sequence applied, and the last whose decisions the bus
confirmed) in one atomic script that checks the lease; only then does it publish the decisions
(message id = event id, deduplicated by JetStream) and ack the messages. A worker killed anywhere
in between is replaced by one that reads from the last confirmed publication: events up to the
applied progress are not applied again, their decisions are published again from the ledger.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import signal
import socket
import sys
import time
import uuid
from dataclasses import dataclass, field

import msgspec
import redis

from kozaguard.adapters import nats_bus as bus
from kozaguard.adapters.redis_state import LeaseLost, RedisState, StateConflict
from kozaguard.bootstrap import build_engine
from kozaguard.config import Settings
from kozaguard.engine.engine import Engine
from kozaguard.events.codec import InvalidLine, decode_event, encode

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass
class WorkerStats:
    events: int = 0
    decisions: int = 0
    batches: int = 0
    conflicts: int = 0
    republished: int = 0
    round_trips: int = 0


@dataclass
class _Partition:
    number: int
    state: RedisState
    engine: Engine
    applied: int = 0  # last stream sequence whose effects are committed
    published: int = 0  # last stream sequence whose decisions the bus has stored
    stop: bool = False
    task: asyncio.Task | None = None
    pending: list = field(default_factory=list)


class Worker:
    """Decides the events of the partitions it holds; see the module docstring for the protocol."""

    def __init__(
        self,
        nats_url: str,
        redis_url: str,
        stream: str = "kozaguard",
        settings: Settings | None = None,
        *,
        batch: int = 500,
        lease_seconds: float = 10.0,
        ledger_days: float = 7.0,
        name: str | None = None,
    ) -> None:
        self.nats_url, self.stream, self.batch = nats_url, stream, batch
        self.settings = settings or Settings()
        self.lease_ms = int(lease_seconds * 1000)
        self.ledger_ttl_ms = int(ledger_days * 86_400_000)
        self.name = name or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.redis = redis.Redis.from_url(redis_url)
        self.prefix = f"kozaguard:{stream}:"
        self.parts: dict[int, _Partition] = {}
        self.stats = WorkerStats()
        self._renew = self.redis.register_script(_RENEW)
        self._release = self.redis.register_script(_RELEASE)
        self.partitions = 0
        point, _, nth = os.environ.get("KOZAGUARD_WORKER_FAULT", "").partition(":")
        self._fault = (point, int(nth or 1)) if point else None
        self._faults: dict[str, int] = {}

    def _lease_key(self, p: int) -> str:
        return f"{self.prefix}lease:{p}"

    def _progress_key(self, p: int) -> str:
        return f"{self.prefix}progress@{p}"

    def _published_key(self, p: int) -> str:
        return f"{self.prefix}published@{p}"

    async def run(self, stop: asyncio.Event | None = None) -> WorkerStats:
        """Work until `stop` is set (or forever); then finish the batches in hand and give back."""
        stop = stop or asyncio.Event()
        try:
            self.redis.ping()
        except redis.RedisError as err:
            raise bus.BusError(f"--redis: cannot reach Redis ({err}); is it running?") from None
        nc = await bus.connect(self.nats_url)
        js = nc.jetstream()
        try:
            while True:
                try:
                    self.partitions = await bus.ensure_streams(js, self.stream, None)
                    break
                except bus.BusError:
                    if stop.is_set():
                        return self.stats
                    await asyncio.sleep(0.5)  # nothing published yet: wait for the stream
            while not stop.is_set():
                self._balance(js)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.lease_ms / 3000)
        finally:
            for part in self.parts.values():
                part.stop = True
            tasks = [p.task for p in self.parts.values() if p.task]
            await asyncio.gather(*tasks, return_exceptions=True)
            for p in list(self.parts):
                self._release(keys=[self._lease_key(p)], args=[self.name])
            self.redis.zrem(self.prefix + "workers", self.name)
            await nc.drain()
        return self.stats

    # --- leases ----------------------------------------------------------------------------------
    def _balance(self, js) -> None:
        """Renew the leases held, drop partitions lost or beyond the fair share, claim free ones."""
        now = time.time() * 1000
        workers = self.prefix + "workers"
        pipe = self.redis.pipeline()
        pipe.zadd(workers, {self.name: now + self.lease_ms})
        pipe.zremrangebyscore(workers, "-inf", now)
        pipe.zcard(workers)
        live = max(1, pipe.execute()[2])
        fair = math.ceil(self.partitions / live)
        for p, part in list(self.parts.items()):
            if part.task is not None and part.task.done():
                self.parts.pop(p)
                if not part.task.cancelled() and part.task.exception() is not None:
                    err = part.task.exception()
                    print(f"worker {self.name}: partition {p} stopped: {err!r}", file=sys.stderr)
                continue
            if not self._renew(keys=[self._lease_key(p)], args=[self.name, self.lease_ms]):
                part.stop = True
        held = [p for p, part in self.parts.items() if not part.stop]
        for p in held[fair:]:
            self.parts[p].stop = True  # give it back after the batch in hand
        count = min(len(held), fair)
        start = zlib_start(self.name, self.partitions)
        for i in range(self.partitions):
            if count >= fair:
                break
            p = (start + i) % self.partitions
            if p in self.parts:
                continue
            if self.redis.set(self._lease_key(p), self.name, nx=True, px=self.lease_ms):
                self._start(js, p)
                count += 1

    def _start(self, js, p: int) -> None:
        lease = (self._lease_key(p), self.name)
        state = RedisState(
            self.redis,
            self.prefix,
            partition=p,
            lease=lease,
            optimistic=True,
            ledger_ttl_ms=self.ledger_ttl_ms,
        )
        state.store.lease_ms = self.lease_ms
        part = _Partition(p, state, build_engine(self.settings, state=state))
        applied, published = self.redis.mget(self._progress_key(p), self._published_key(p))
        part.applied = int(applied[12:]) if applied else 0
        part.published = int(published[12:]) if published else 0
        self.parts[p] = part
        part.task = asyncio.ensure_future(self._serve(js, part))

    async def _serve(self, js, part: _Partition) -> None:
        # from the first event whose decision may not be on the bus: those up to `applied` are not
        # decided again, their decisions are published again from the ledger
        sub = await bus.partition_consumer(js, self.stream, part.number, part.published, ack_wait=30.0)
        try:
            while not part.stop:
                try:
                    msgs = await sub.fetch(self.batch, timeout=0.5)
                except TimeoutError:
                    continue
                try:
                    await self._batch(js, part, msgs)
                except LeaseLost:
                    break
        finally:
            if part.stop:
                self._release(keys=[self._lease_key(part.number)], args=[self.name])
            with contextlib.suppress(Exception):  # the connection may be gone already
                await sub.unsubscribe()

    # --- one batch -------------------------------------------------------------------------------
    async def _batch(self, js, part: _Partition, msgs: list) -> None:
        state, engine = part.state, part.engine
        store, ledger = state.store, state.ledger
        items = []
        for msg in msgs:
            seq, stored = _position(msg)
            try:
                event = decode_event(msg.data)
            except InvalidLine as err:
                event = err
            items.append((msg, seq, event, stored))
        events = [e for _, _, e, _ in items if not isinstance(e, InvalidLine)]
        last = max(item[1] for item in items)
        fresh = last > part.applied  # some events not applied yet: this batch commits
        trips = store.round_trips
        for _ in range(100):
            store.begin()
            store.prefetch(events)
            out: list[tuple[bytes, int, float, str]] = []
            rejects: list[bytes] = []
            republished = 0
            for msg, seq, event, received in items:
                if isinstance(event, InvalidLine):
                    if seq > part.applied:
                        rejects.append(_reject(seq, event, msg.data))
                    continue
                ledger.market = getattr(event, "account_id", None) is None
                store.current = event
                if seq <= part.applied or ledger.seen(event.event_id):
                    decision = ledger.decision(event.event_id)
                    republished += decision is not None
                else:
                    decision = engine.process_new(event)
                if decision is not None:
                    out.append((encode(decision), seq, received, decision.event_id))
            store.current = None
            try:
                if fresh:
                    progress = {
                        self._progress_key(part.number): str(last).encode(),
                        self._published_key(part.number): str(part.published).encode(),
                    }
                    store.commit(progress)
                    self._crash_at("commit")
                break
            except StateConflict:
                store.rollback()
                self.stats.conflicts += 1
        else:
            raise RuntimeError(f"partition {part.number}: 100 conflicting attempts; is Redis overloaded?")
        part.applied = max(part.applied, last)
        subject = f"{self.stream}.decisions"
        futures = [
            await js.publish_async(
                subject,
                data,
                headers={bus.MSG_ID: event_id, bus.SEQ: str(seq), bus.RECEIVED: repr(received)},
            )
            for data, seq, received, event_id in out
        ]
        futures += [
            await js.publish_async(f"{self.stream}.rejects", data, headers={bus.MSG_ID: f"reject@{i}"})
            for i, data in enumerate(rejects)
        ]
        await bus._settle(futures)
        if not fresh and last > part.published:  # only decisions published again: note it apart
            self.redis.set(self._published_key(part.number), b"0" * 12 + str(last).encode())
        part.published = max(part.published, last)
        self._crash_at("publish")
        await msgs[-1].ack()  # cumulative: the consumer acks the whole batch (`partition_consumer`)
        stats = self.stats
        stats.batches += 1
        stats.events += len(items)
        stats.decisions += len(out) - republished
        stats.republished += republished
        stats.round_trips += store.round_trips - trips

    def _crash_at(self, point: str) -> None:
        """Fault injection for the kill-safety tests: `KOZAGUARD_WORKER_FAULT=commit:N` (or `publish:N`)
        kills the worker with SIGKILL right after its N-th state commit (or decisions publish)."""
        if self._fault is None or self._fault[0] != point:
            return
        self._faults[point] = self._faults.get(point, 0) + 1
        if self._faults[point] == self._fault[1]:
            os.kill(os.getpid(), signal.SIGKILL)


def _position(msg) -> tuple[int, float]:
    """A message's stream sequence and the time the bus stored it, read from its reply subject
    (`$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ns>.<pending>`, or the
    longer form with domain and account hash) without building the client's metadata object."""
    tokens = (msg.reply or "").split(".")
    if len(tokens) == 9:
        return int(tokens[5]), int(tokens[7]) / 1e9
    if len(tokens) >= 12:
        return int(tokens[7]), int(tokens[9]) / 1e9
    meta = msg.metadata
    return meta.sequence.stream, meta.timestamp.timestamp()


def zlib_start(name: str, partitions: int) -> int:
    """Where a worker starts looking for free partitions: spread so that workers rarely race."""
    return bus.partition_of(name, partitions) if partitions else 0


_reject_encoder = msgspec.json.Encoder()


def _reject(seq: int, err: InvalidLine, raw: bytes) -> bytes:
    return _reject_encoder.encode(
        {
            "seq": seq,
            "event_id": err.event_id,
            "field": err.field,
            "error": str(err),
            "raw": raw.decode("utf-8", "replace"),
        }
    )


def main_loop(worker: Worker) -> WorkerStats:
    """Run a worker until SIGINT or SIGTERM, then stop cleanly (finish, commit, give partitions back)."""

    async def go() -> WorkerStats:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        return await worker.run(stop)

    stats = asyncio.run(go())
    print(
        f"worker {worker.name}: {stats.events} events, {stats.decisions} decisions, "
        f"{stats.conflicts} conflicting batches redone, {stats.round_trips} Redis round trips",
        file=sys.stderr,
    )
    return stats
