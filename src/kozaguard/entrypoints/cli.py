"""The `kozaguard` command: one typer app, each domain adds its own sub-commands here."""

from __future__ import annotations

import typer

from kozaguard.phishing.cli import phishing_app

app = typer.Typer(
    name="kozaguard",
    help="Account-takeover defence for online brokerages: detect, stop, remediate, prove.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(phishing_app, name="phishing")


def main() -> None:
    """Console-script entry point."""
    app()
