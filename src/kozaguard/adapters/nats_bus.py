"""The event bus on NATS JetStream: streams, subjects, partitions, publishing and collecting.

Events go to the stream `NAME` on one subject per account partition (`NAME.events.P`), so one
account's events stay in order and one worker at a time decides them; events without an account
(instruments, quotes, bars, fx rates, symbol restrictions) go to every partition, so each partition
sees the market exactly where a one-process replay would. Decisions go to the stream
`NAME-decisions` (`NAME.decisions`, and `NAME.rejects` for events a worker could not read), each
with the event id as its message id so that JetStream drops a decision published twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import msgspec
import nats
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StreamConfig
from nats.js.errors import NotFoundError

from kozaguard.events.schema import Event

SEQ = "Kozaguard-Seq"
"""Decision header: the events-stream sequence of the event, i.e. its place in the input order."""
RECEIVED = "Kozaguard-Received"
"""Decision header: when the bus stored the event (epoch seconds), for publish-to-decision latency."""
MSG_ID = "Nats-Msg-Id"
DEDUPE_SECONDS = 600.0
"""How long JetStream remembers message ids to drop a re-published event or decision."""


class BusError(RuntimeError):
    """The bus cannot be used as asked; the message says what to change."""


def events_subject(stream: str, partition: int) -> str:
    return f"{stream}.events.{partition}"


def decisions_stream(stream: str) -> str:
    return f"{stream}-decisions"


def partition_of(account_id: str, partitions: int) -> int:
    """The partition of an account: the same in every process (CRC-32, not Python's salted hash).

    >>> partition_of("A1", 8) == partition_of("A1", 8)
    True
    """
    return zlib.crc32(account_id.encode()) % partitions


def partitions_for(event: Event, partitions: int) -> Iterable[int]:
    """Where an event goes: its account's partition, or every partition for market data."""
    account_id = getattr(event, "account_id", None)
    if account_id is None:
        return range(partitions)
    return (partition_of(account_id, partitions),)


async def connect(url: str) -> nats.NATS:
    try:
        return await nats.connect(url, connect_timeout=3, max_reconnect_attempts=3, allow_reconnect=True)
    except (OSError, TimeoutError, nats.errors.Error) as err:
        raise BusError(
            f"--nats {url}: cannot connect ({err or type(err).__name__}); is NATS running?"
        ) from None


async def ensure_streams(js: JetStreamContext, stream: str, partitions: int | None) -> int:
    """Create the events and decisions streams if missing; return the events stream's partitions."""
    if not stream or any(c in stream for c in " .*>/\\\t"):
        raise BusError(f"--stream {stream!r}: use letters, digits, '-' or '_' (no dots or spaces)")
    try:
        info = await js.stream_info(stream)
        have = len(info.config.subjects or [])
        if partitions is not None and partitions != have:
            raise BusError(
                f"stream {stream!r} already has {have} partitions, not {partitions}: "
                f"use --partitions {have} or another --stream"
            )
        partitions = have
    except NotFoundError:
        if partitions is None:
            raise BusError(f"stream {stream!r} does not exist yet: `kozaguard publish` creates it") from None
        if not 1 <= partitions <= 1024:
            raise BusError(f"--partitions {partitions}: use 1 to 1024") from None
        await js.add_stream(
            StreamConfig(
                name=stream,
                subjects=[events_subject(stream, p) for p in range(partitions)],
                duplicate_window=DEDUPE_SECONDS,
                description=f"kozaguard events, {partitions} account partitions",
            )
        )
    try:
        await js.stream_info(decisions_stream(stream))
    except NotFoundError:
        await js.add_stream(
            StreamConfig(
                name=decisions_stream(stream),
                subjects=[f"{stream}.decisions", f"{stream}.rejects"],
                duplicate_window=DEDUPE_SECONDS,
                description="kozaguard decisions",
            )
        )
    return partitions


async def delete_streams(js: JetStreamContext, stream: str) -> None:
    for name in (stream, decisions_stream(stream)):
        with contextlib.suppress(NotFoundError):
            await js.delete_stream(name)


@dataclass
class Published:
    events: int = 0
    messages: int = 0
    seconds: float = 0.0


async def publish(
    js: JetStreamContext,
    stream: str,
    partitions: int,
    items: Iterable[tuple[bytes, Event]],
    *,
    rate: float | None = None,
) -> Published:
    """Publish `(raw line, event)` pairs in order; waits for every acknowledgement.

    Message ids (`event_id`, and `event_id@P` for copies of market data) let JetStream drop an
    event published twice, e.g. when a publisher is restarted on the same file.
    """
    out = Published()
    started = time.perf_counter()
    pending: list[asyncio.Future] = []
    for raw, event in items:
        targets = tuple(partitions_for(event, partitions))
        for p in targets:
            msg_id = event.event_id if len(targets) == 1 else f"{event.event_id}@{p}"
            pending.append(
                await js.publish_async(
                    events_subject(stream, p), raw.rstrip(b"\r\n"), headers={MSG_ID: msg_id}
                )
            )
        out.events += 1
        out.messages += len(targets)
        if len(pending) >= 2000:
            await _settle(pending)
        if rate and out.events % 50 == 0:
            ahead = out.events / rate - (time.perf_counter() - started)
            if ahead > 0:
                await asyncio.sleep(ahead)
    await _settle(pending)
    out.seconds = time.perf_counter() - started
    return out


async def _settle(pending: list[asyncio.Future]) -> None:
    results = await asyncio.gather(*pending, return_exceptions=True)
    pending.clear()
    for r in results:
        if isinstance(r, BaseException):
            raise BusError(f"the bus did not store a message: {r!r}")


@dataclass
class Collected:
    decisions: dict[str, tuple[int, bytes]] = field(default_factory=dict)  # event_id -> (seq, line)
    latencies: list[float] = field(default_factory=list)  # seconds from event stored to decision stored
    rejects: list[bytes] = field(default_factory=list)
    messages: int = 0


_decision_id = msgspec.json.Decoder(dict)


async def collect(
    js: JetStreamContext, stream: str, *, expect: int | None = None, timeout: float | None = None
) -> Collected:
    """Read the decisions stream from its start: until `expect` distinct events have a decision, or,
    without `expect`, until it has been read to its end. Raises `TimeoutError` after `timeout`."""
    got = Collected()
    config = ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL)
    sub = await js.pull_subscribe(f"{stream}.>", durable=None, stream=decisions_stream(stream), config=config)
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while expect is None or len(got.decisions) < expect:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(len(got.decisions))
            try:
                msgs = await sub.fetch(1000, timeout=0.5)
            except TimeoutError:
                if expect is None:
                    break
                continue
            for msg in msgs:
                got.messages += 1
                if msg.subject.endswith(".rejects"):
                    got.rejects.append(msg.data)
                    continue
                headers = msg.headers or {}
                seq = int(headers[SEQ])
                event_id = _decision_id.decode(msg.data)["event_id"]
                have = got.decisions.get(event_id)
                if have is None or seq < have[0]:
                    got.decisions[event_id] = (seq, msg.data)
                if have is None and RECEIVED in headers:
                    got.latencies.append(msg.metadata.timestamp.timestamp() - float(headers[RECEIVED]))
            if expect is None and msgs and msgs[-1].metadata.num_pending == 0:
                break
    finally:
        await sub.unsubscribe()
    return got


async def partition_consumer(js: JetStreamContext, stream: str, partition: int, after: int, ack_wait: float):
    """A pull subscription on one partition starting after stream sequence `after`, on a consumer of
    its own (`pN-…`): the consumers of earlier holders are deleted, so a worker that lost the
    partition but does not know it yet cannot take messages meant for the new holder. Acks are
    cumulative: a partition is worked in stream order, so acking a batch's last message acks all of
    it (one request per batch instead of one per message)."""
    head = f"p{partition}-"
    for info in await js.consumers_info(stream):
        name = info.name or ""
        if name.startswith(head):
            with contextlib.suppress(NotFoundError):
                await js.delete_consumer(stream, name)
    durable = head + uuid.uuid4().hex[:10]
    config = ConsumerConfig(
        durable_name=durable,
        filter_subject=events_subject(stream, partition),
        ack_policy=AckPolicy.ALL,  # one ack per batch: its last message acks those before it
        ack_wait=ack_wait,
        max_ack_pending=20_000,
        deliver_policy=DeliverPolicy.BY_START_SEQUENCE if after else DeliverPolicy.ALL,
        opt_start_seq=after + 1 if after else None,
    )
    await js.add_consumer(stream, config)
    return await js.pull_subscribe_bind(durable, stream=stream)
