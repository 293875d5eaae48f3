"""File and terminal side of `kozaguard evaluate`: read the three files, score, print, write JSON.

Bad input (an invalid line, or files that do not fit together) is printed to stderr as one message
naming file:line, and the command exits with status 2.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from rich.console import Console

from kozaguard.evaluation.report import render, to_json
from kozaguard.evaluation.scoring import InconsistentInput, Sources, evaluate
from kozaguard.events.codec import InvalidLine, read_decisions, read_events, read_labels

BAD_INPUT = 2


def parse_start(text: str | None) -> datetime | None:
    """The `--from` time: RFC 3339 with an offset; raises ValueError naming the fix.

    >>> parse_start("2025-03-20T00:00:00+09:00").isoformat()
    '2025-03-20T00:00:00+09:00'
    """
    if text is None:
        return None
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--from {text!r} is not an RFC 3339 time, e.g. 2025-03-20T00:00:00+09:00") from None
    if start.tzinfo is None:
        raise ValueError(f"--from {text!r} has no offset; write e.g. {text}+09:00")
    return start


def run(
    events: Path,
    labels: Path,
    decisions: Path,
    *,
    start: datetime | None = None,
    as_json: bool = False,
    out: Path | None = None,
    console: Console | None = None,
) -> int:
    """Evaluate the files and print the report; returns the exit status (0, or 2 on bad input)."""
    console = console or Console()
    try:
        with events.open("rb") as ev, labels.open("rb") as lab, decisions.open("rb") as dec:
            report = evaluate(
                read_events(ev, str(events)),
                read_labels(lab, str(labels)),
                read_decisions(dec, str(decisions)),
                start,
                sources=Sources(events=str(events), labels=str(labels), decisions=str(decisions)),
            )
    except (InvalidLine, InconsistentInput, OSError) as err:
        print(f"kozaguard evaluate: {err}", file=sys.stderr)
        return BAD_INPUT
    data = to_json(report)
    if out is not None:
        out.write_bytes(data)
    if as_json:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        render(report, console)
    return 0


def run_split(events: Path, labels: Path, decisions: Path, at: datetime, *, start: datetime | None) -> int:
    """Print the before/after table split at `at`; returns the exit status (0, or 2 on bad input)."""
    from kozaguard.evaluation.before_after import split, table

    try:
        periods = split(events, labels, decisions, at, start)
    except (InvalidLine, InconsistentInput, OSError) as err:
        print(f"kozaguard evaluate: {err}", file=sys.stderr)
        return BAD_INPUT
    sys.stdout.write(table(periods))
    return 0
