"""The `kozaguard` command: one typer app, each domain adds its own sub-commands here."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from kozaguard.cases.cli import audit_app, cases_app, report_app
from kozaguard.entrypoints import bus_cli
from kozaguard.entrypoints.apikeys_cli import apikey_app
from kozaguard.entrypoints.identity_cli import identity_app
from kozaguard.entrypoints.phishing_cli import phishing_app
from kozaguard.entrypoints.sim_cli import simulate
from kozaguard.entrypoints.staff_cli import staff_app

app = typer.Typer(
    name="kozaguard",
    help="Account-takeover defence for online brokerages: detect, stop, remediate, prove.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(phishing_app, name="phishing")
app.add_typer(apikey_app, name="apikey")
app.add_typer(identity_app, name="identity")
app.add_typer(cases_app, name="cases")
app.add_typer(report_app, name="report")
app.add_typer(audit_app, name="audit")
app.add_typer(staff_app, name="staff")


@app.callback()
def _root() -> None:
    """Account-takeover defence for online brokerages: detect, stop, remediate, prove."""


app.command("simulate")(simulate)
app.command("publish")(bus_cli.publish)
app.command("worker")(bus_cli.worker)
app.command("decisions")(bus_cli.decisions)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a located error on stderr and return the exit to raise."""
    typer.echo(f"kozaguard: {message}", err=True)
    return typer.Exit(code)


@contextlib.contextmanager
def open_in(path: str):
    """A binary line source: a file, or stdin for `-`."""
    if path == "-":
        yield sys.stdin.buffer
        return
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed by the context manager
    except OSError as err:
        raise fail(f"{path}: cannot read ({err.strerror}); check the path") from None
    with f:
        yield f


@contextlib.contextmanager
def open_out(path: str, *, keep: bool = False):
    """A binary sink: a file (emptied, or with `keep` opened to continue it), or stdout for `-`."""
    if path == "-":
        yield sys.stdout.buffer
        return
    try:
        f = open(path, "r+b" if keep else "w+b")  # noqa: SIM115 - closed by the context manager
    except OSError as err:
        raise fail(f"{path}: cannot write ({err.strerror}); check the folder exists") from None
    with f:
        yield f


def progress_bar(total: int | None, label: str):
    """A rich progress bar on a terminal (stderr), nothing when piped: returns (context, advance)."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(), None
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        transient=True,
    )
    task = bar.add_task(label, total=total)
    return bar, lambda n: bar.advance(task, n)


def _attacker_events(path: Path) -> set[str]:
    """The event ids a labels file gives an attacker (a located error on a bad line)."""
    from kozaguard.events.codec import InvalidLine, read_labels

    try:
        return {
            x.event_id
            for _, x in read_labels(path.read_bytes().splitlines(), str(path))
            if x.actor == "attacker"
        }
    except OSError as err:
        raise fail(
            f"{path}: cannot read the labels: {err.strerror}; pass the labels.jsonl the simulator wrote"
        ) from None
    except InvalidLine as err:
        raise fail(str(err)) from None


@app.command()
def replay(
    events: Annotated[str, typer.Argument(help="Events file (JSON Lines, v1), or - for stdin.")],
    output: Annotated[str, typer.Option("-o", "--output", help="Decisions file, or - for stdout.")] = "-",
    rejects: Annotated[
        Path | None,
        typer.Option(help="Write invalid lines here with their error and go on, instead of stopping."),
    ] = None,
    state: Annotated[
        str | None, typer.Option(help="Engine state: memory, sqlite:PATH or redis://HOST:PORT/DB.")
    ] = None,
    config: Annotated[Path | None, typer.Option(help="Settings file (TOML).")] = None,
    review_labels: Annotated[
        Path | None,
        typer.Option(
            "--review-labels",
            help="Labels file: a modelled staff desk answers every hold after [review] delay_minutes, "
            "releasing the customers' actions and rejecting the attackers'.",
        ),
    ] = None,
) -> None:
    """Run an event stream through the engine: one decision line per decision-bearing event.

    With a durable state (sqlite:, redis://) and files for input and output, the same command run
    again after a stop continues where the state stopped: the decisions file ends as one
    uninterrupted run writes it.
    """
    from kozaguard.bootstrap import build_engine
    from kozaguard.config import ConfigError, load_settings
    from kozaguard.events.codec import InvalidLine
    from kozaguard.replay import ResumeError, continue_at, resumable, resume_point
    from kozaguard.replay import replay as run

    try:
        settings = load_settings(config, engine={"state": state})
        engine = build_engine(settings)
    except ConfigError as err:
        raise fail(str(err)) from None
    desk = None
    if review_labels is not None:
        from kozaguard.sim.desk import Desk

        attackers = _attacker_events(review_labels)
        desk = Desk(attackers, settings.review.delay_minutes, engine.state)
    durable = settings.engine.state != "memory"
    at = resume_point(engine.state.ledger.position(), events, output) if durable else None
    if at is not None and not Path(output).is_file():
        raise fail(
            f"{output}: the state's replay wrote {at.output_offset:,} bytes of decisions here and the file "
            "is gone; restore it, or start afresh with a new state (or another output file)"
        )
    source = "<stdin>" if events == "-" else events
    total = Path(events).stat().st_size if events != "-" and Path(events).is_file() else None
    if total is not None and at is not None:
        total -= at.input_offset
    bar, advance = progress_bar(total, "replay")
    with open_in(events) as src, open_out(output, keep=at is not None) as out, bar:
        reject_file: BinaryIO | None = None
        with contextlib.ExitStack() as stack:
            if rejects is not None:
                same = at is not None and at.rejects == str(rejects.resolve()) and rejects.is_file()
                reject_file = stack.enter_context(open(rejects, "r+b" if same else "w+b"))
            try:
                if at is not None:
                    continue_at(at, src, out, reject_file)
                summary = run(
                    engine,
                    src,
                    out,
                    source=source,
                    rejects=reject_file,
                    flush_every=settings.engine.flush_every,
                    progress=advance,
                    start=at,
                    positions=durable and resumable(src, out, reject_file),
                    desk=desk,
                )
            except (InvalidLine, ResumeError) as err:
                engine.state.close()
                raise fail(str(err)) from None
            except KeyboardInterrupt:
                stopped = "interrupted; the state keeps its last flush: run the same command to go on"
                raise fail(stopped, 130) from None
    engine.state.close()
    outcomes = ", ".join(f"{k} {v:,}" for k, v in sorted(summary.outcomes.items()))
    resumed = "" if summary.resumed_after is None else f" (continued after line {summary.resumed_after:,})"
    typer.echo(
        f"replay: {summary.events:,} events{resumed}, {summary.decisions:,} decisions ({outcomes}), "
        f"{summary.duplicates:,} repeated, {summary.rejects:,} rejected, "
        f"{summary.seconds:.1f}s ({summary.rate:,.0f} events/s)",
        err=True,
    )


@app.command()
def evaluate(
    events: Path = typer.Option(..., "--events", help="Events file (JSON Lines, v1)."),
    labels: Path = typer.Option(..., "--labels", help="Labels file written by the simulator."),
    decisions: Path = typer.Option(..., "--decisions", help="Decisions file written by the engine."),
    start: str = typer.Option(None, "--from", help="Count friction from this RFC 3339 time."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
    out: Path = typer.Option(None, "--out", help="Also write the JSON report to this file."),
    split_at: str = typer.Option(
        None, "--split-at", help="A policy date (RFC 3339): print the before/after table instead."
    ),
) -> None:
    """Score a decision stream against labels: attacks stopped, loss prevented, friction."""
    from kozaguard.entrypoints import evaluation_cli

    try:
        begin = evaluation_cli.parse_start(start)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--from") from None
    if split_at is not None:
        try:
            at = evaluation_cli.parse_start(split_at)
        except ValueError as err:
            raise typer.BadParameter(
                str(err).replace("--from", "--split-at"), param_hint="--split-at"
            ) from None
        raise typer.Exit(evaluation_cli.run_split(events, labels, decisions, at, start=begin))
    raise typer.Exit(evaluation_cli.run(events, labels, decisions, start=begin, as_json=as_json, out=out))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    config: Annotated[Path | None, typer.Option(help="Settings file (TOML), as for replay.")] = None,
) -> None:
    """Run the HTTP API, the customer pages and the staff console (settings: --config and KOZAGUARD_*).

    Passkeys accept the origins of --host and --port unless identity.origins is set (docs/identity.md);
    /healthz, /readyz and /metrics are for operators; logs are JSON lines on stderr.
    """
    from kozaguard.config import ConfigError, load_settings
    from kozaguard.entrypoints import serving
    from kozaguard.entrypoints.api.app import create_app

    try:
        settings = serving.served_settings(load_settings(config), host, port, config)
        app = create_app(settings)
    except ConfigError as err:
        raise fail(str(err)) from None
    serving.run(app, host, port)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the stream, decisions, state and report.")] = Path(
        "out/demo"
    ),
    customers: Annotated[int, typer.Option(help="Simulated customers.")] = 2000,
    days: Annotated[
        int, typer.Option(help="Trading days: all but the last four (at most 20) are attack-free warm-up.")
    ] = 24,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    serve: Annotated[
        bool, typer.Option("--serve", help="Then serve the console with this data, with demo logins.")
    ] = False,
    host: Annotated[str, typer.Option(help="With --serve: address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="With --serve: TCP port.", min=1, max=65535)] = 8000,
) -> None:
    """The main job end to end: simulate a brokerage under attack, replay it, score it, open the cases.

    Embedded default: engine state in one SQLite file (OUT/state.db), everything in-process. With
    --serve the staff console and the customer pages then run on HOST:PORT over this run's data.
    """
    from kozaguard.bootstrap import build_engine
    from kozaguard.config import EngineSection, Settings
    from kozaguard.entrypoints import evaluation_cli
    from kozaguard.entrypoints.sim_cli import run as simulate_run
    from kozaguard.replay import replay as run_replay

    out.mkdir(parents=True, exist_ok=True)
    typer.echo(f"1/3 simulate: {customers:,} customers, {days} trading days, seed {seed} -> {out}/", err=True)
    summary = simulate_run(
        {"customers": customers, "days": days, "seed": seed}, None, out, progress=sys.stderr.isatty()
    )
    state_db = out / "state.db"
    state_db.unlink(missing_ok=True)
    engine = build_engine(Settings(engine=EngineSection(state=f"sqlite:{state_db}")))
    events, decisions = out / "events.jsonl", out / "decisions.jsonl"
    typer.echo(f"2/3 replay: {summary['events']:,} events, state in {state_db}", err=True)
    bar, advance = progress_bar(events.stat().st_size, "replay")
    with open(events, "rb") as src, open(decisions, "wb") as sink, bar:
        result = run_replay(engine, src, sink, source=str(events), progress=advance)
    engine.state.close()
    typer.echo(f"    {result.decisions:,} decisions, {result.rate:,.0f} events/s", err=True)
    typer.echo(f"3/3 evaluate from {summary['from']} (after the warm-up)", err=True)
    code = evaluation_cli.run(
        events,
        out / "labels.jsonl",
        decisions,
        start=evaluation_cli.parse_start(summary["from"]),
        as_json=False,
        out=out / "report.json",
    )
    typer.echo(f"report: {out / 'report.json'}  stream summary: {out / 'summary.json'}", err=True)
    from kozaguard.cases.cli import demo_totals

    for line in demo_totals(events, decisions, out / "cases.db"):
        typer.echo(line, err=True)
    if serve:
        from kozaguard.entrypoints.demo_serve import serve_demo

        serve_demo(out, host, port, lambda line: typer.echo(line, err=True))
    raise typer.Exit(code)


def main() -> None:
    """Console-script entry point."""
    app()
