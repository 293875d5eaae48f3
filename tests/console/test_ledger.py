"""The console's ledger read from a stream and its decisions: holds, restrictions, timelines."""

from __future__ import annotations

import json

import pytest

from kozaguard.console.ledger import Ledger
from kozaguard.events.codec import InvalidLine


def _decisions(data_dir):
    return [json.loads(line) for line in (data_dir / "sample" / "decisions.jsonl").open()]


def test_import_finds_every_hold_and_restriction(tmp_path, data_dir):
    led = Ledger(tmp_path / "console.sqlite")
    with (
        (data_dir / "sample" / "events.jsonl").open("rb") as ev,
        (data_dir / "sample" / "decisions.jsonl").open("rb") as de,
    ):
        led.import_stream(ev, de)
    decisions = _decisions(data_dir)
    held = sorted(d["event_id"] for d in decisions if d["decision"] == "hold")
    assert held and sorted(a.event_id for a in led.alerts()) == held
    restricted = {
        a.split(":", 1)[1]
        for d in decisions
        for a in d.get("actions", [])
        if a.startswith("restrict_symbol:")
    }
    assert restricted and {r.symbol for r in led.restrictions(active_only=True)} == restricted
    account = led.alerts()[0].account_id
    timeline = led.timeline(account)
    assert timeline and all(e.account_id == account for e in timeline)
    assert [e.ts for e in timeline] == sorted((e.ts for e in timeline), reverse=True)
    assert sum(led.outcome_totals().values()) == len(decisions)
    with (data_dir / "sample" / "events.jsonl").open("rb") as ev:  # importing again changes nothing
        led.import_stream(ev, None)
    assert sum(led.outcome_totals().values()) == len(decisions)


def test_bad_input_names_the_line(tmp_path):
    led = Ledger(":memory:")
    with pytest.raises(InvalidLine, match="<events>:2: field `type`"):
        led.import_stream(
            [
                b'{"type": "fx.rate", "event_id": "f", "ts": "2025-04-21T10:00:00+09:00", '
                b'"pair": "USDJPY", "rate": 150}\n',
                b'{"type": "nope"}\n',
            ]
        )
