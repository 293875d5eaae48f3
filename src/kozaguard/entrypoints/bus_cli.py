"""The scale-out commands: `publish` events to NATS, run a `worker`, collect the `decisions`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

STREAM_HELP = "Pipeline name: the NATS streams and the Redis key prefix (several can share servers)."
Stream = Annotated[str, typer.Option("--stream", help=STREAM_HELP)]
NatsUrl = Annotated[
    str, typer.Option("--nats", help="NATS server with JetStream, e.g. nats://127.0.0.1:4222.")
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"kozaguard: {message}", err=True)
    return typer.Exit(2)


def publish(
    events: Annotated[str, typer.Argument(help="Events file (JSON Lines, v1), or - for stdin.")],
    nats: NatsUrl,
    stream: Stream = "kozaguard",
    partitions: Annotated[
        int | None,
        typer.Option(help="Account partitions of a new stream (default 8); at most useful workers."),
    ] = None,
    rate: Annotated[float | None, typer.Option(help="Publish at most this many events per second.")] = None,
) -> None:
    """Feed a v1 events file into the events stream, one subject per account partition."""
    from kozaguard.adapters import nats_bus as bus
    from kozaguard.entrypoints.cli import open_in
    from kozaguard.events.codec import InvalidLine, read_events

    source = "<stdin>" if events == "-" else events

    async def go(src) -> bus.Published:
        nc = await bus.connect(nats)
        try:
            js = nc.jetstream()
            try:
                p = await bus.ensure_streams(js, stream, partitions)
            except bus.BusError:
                p = await bus.ensure_streams(js, stream, partitions or 8)
            items = ((raw, event) for _, raw, event in read_events(src, source))
            return await bus.publish(js, stream, p, items, rate=rate)
        finally:
            await nc.drain()

    with open_in(events) as src:
        try:
            done = asyncio.run(go(src))
        except InvalidLine as err:
            raise _fail(
                f"{err}; nothing after that line was published (fix it and publish again: "
                "events already published are dropped as duplicates)"
            ) from None
        except bus.BusError as err:
            raise _fail(str(err)) from None
    typer.echo(
        f"published {done.events} events ({done.messages} messages) to stream {stream} "
        f"in {done.seconds:.1f} s",
        err=True,
    )


def worker(
    nats: NatsUrl,
    redis: Annotated[
        str, typer.Option("--redis", help="Redis for the shared engine state, e.g. redis://127.0.0.1:6379/0.")
    ],
    stream: Stream = "kozaguard",
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database URL of the case store (checked at start; see docs/deployment.md)."
        ),
    ] = None,
    config: Annotated[Path | None, typer.Option(help="Settings file (TOML), as for replay.")] = None,
    batch: Annotated[int, typer.Option(help="Events per batch (one state commit each).")] = 500,
    lease: Annotated[float, typer.Option(help="Seconds a dead worker keeps its partitions.")] = 10.0,
) -> None:
    """Decide events from the stream on shared Redis state; run as many as you like, any time."""
    from kozaguard.adapters import nats_bus as bus
    from kozaguard.config import ConfigError, load_settings
    from kozaguard.entrypoints.worker import Worker, main_loop

    try:
        settings = load_settings(config)
    except ConfigError as err:
        raise _fail(str(err)) from None
    if db is not None:
        _check_db(db)
    if batch < 1 or lease <= 0:
        raise _fail("--batch must be at least 1 and --lease above 0")
    try:
        main_loop(Worker(nats, redis, stream, settings, batch=batch, lease_seconds=lease))
    except bus.BusError as err:
        raise _fail(str(err)) from None
    except ValueError as err:  # a malformed Redis URL
        raise _fail(f"--redis {redis}: {err}") from None


def _check_db(url: str) -> None:
    import sqlalchemy

    try:
        engine = sqlalchemy.create_engine(url)
        with engine.connect():
            pass
    except Exception as err:
        raise _fail(
            f"--db {url}: cannot connect ({type(err).__name__}: {str(err).splitlines()[0]})"
        ) from None


def decisions(
    nats: NatsUrl,
    output: Annotated[str, typer.Option("-o", "--output", help="Decisions file, or - for stdout.")],
    stream: Stream = "kozaguard",
    expect: Annotated[int | None, typer.Option(help="Wait until this many events have a decision.")] = None,
    timeout: Annotated[float | None, typer.Option(help="Give up after this many seconds (exit 1).")] = None,
) -> None:
    """Write the decisions in the events' input order (v1 decisions file), one per event."""
    from kozaguard.adapters import nats_bus as bus
    from kozaguard.entrypoints.cli import open_out

    async def go() -> bus.Collected:
        nc = await bus.connect(nats)
        try:
            js = nc.jetstream()
            await bus.ensure_streams(js, stream, None)
            return await bus.collect(js, stream, expect=expect, timeout=timeout)
        finally:
            await nc.drain()

    try:
        got = asyncio.run(go())
    except bus.BusError as err:
        raise _fail(str(err)) from None
    except TimeoutError as err:
        typer.echo(
            f"kozaguard: {err.args[0]} of {expect} decisions in after {timeout} s; nothing written", err=True
        )
        raise typer.Exit(1) from None
    with open_out(output) as out:
        for _, line in sorted(got.decisions.values()):
            out.write(line + b"\n")
    if got.rejects:
        typer.echo(f"kozaguard: {len(got.rejects)} events were rejected by workers:", err=True)
        for r in got.rejects:
            typer.echo(r.decode("utf-8", "replace"), err=True)
    typer.echo(f"{len(got.decisions)} decisions written", err=True)
