"""The `kozaguard` command: one typer app, each domain adds its own sub-commands here."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="kozaguard",
    help="Account-takeover defence for online brokerages: detect, stop, remediate, prove.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def serve(port: int = typer.Option(8000, help="TCP port on 127.0.0.1.")) -> None:
    """Run the HTTP API and customer pages (settings from KOZAGUARD_* variables)."""
    import uvicorn

    from kozaguard.entrypoints.api.app import create_app

    uvicorn.run(create_app(), host="127.0.0.1", port=port)


def main() -> None:
    """Console-script entry point."""
    app()
