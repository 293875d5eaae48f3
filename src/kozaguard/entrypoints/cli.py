"""The `kozaguard` command: one typer app, each domain adds its own sub-commands here."""

from __future__ import annotations

from pathlib import Path

import typer

from kozaguard.evaluation import cli as evaluation_cli

app = typer.Typer(
    name="kozaguard",
    help="Account-takeover defence for online brokerages: detect, stop, remediate, prove.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def evaluate(
    events: Path = typer.Option(..., "--events", help="Events file (JSON Lines, v1)."),
    labels: Path = typer.Option(..., "--labels", help="Labels file written by the simulator."),
    decisions: Path = typer.Option(..., "--decisions", help="Decisions file written by the engine."),
    start: str = typer.Option(None, "--from", help="Count friction from this RFC 3339 time."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
    out: Path = typer.Option(None, "--out", help="Also write the JSON report to this file."),
) -> None:
    """Score a decision stream against labels: attacks stopped, loss prevented, friction."""
    try:
        begin = evaluation_cli.parse_start(start)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--from") from None
    raise typer.Exit(evaluation_cli.run(events, labels, decisions, start=begin, as_json=as_json, out=out))


def main() -> None:
    """Console-script entry point."""
    app()
