"""Running the real `kozaguard` command in-process, and building the worked example's database."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from kozaguard.cases.prices import JST
from kozaguard.entrypoints.cli import app

DATA = Path(__file__).parent / "data"
WORKED = DATA / "worked_example.jsonl"
AT = datetime(2025, 5, 1, 10, 0, tzinfo=JST)


def kozaguard(*args: str, staff: str | None = None):
    """Run `kozaguard ARGS`; returns the click result (exit_code, stdout, stderr)."""
    env = {"KOZAGUARD_STAFF": staff} if staff else {}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def ok(*args: str, staff: str | None = None) -> str:
    r = kozaguard(*args, staff=staff)
    assert r.exit_code == 0, r.stdout + r.stderr
    return r.stdout


def export(db: str, *extra: str) -> list[dict]:
    return [json.loads(line) for line in ok("cases", "export", "--db", db, *extra).splitlines() if line]
