"""Symbol restrictions through the real engine: staff impose and lift, the engine's own lapse."""

from __future__ import annotations

from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors.pump_campaign import PumpCampaign
from kozaguard.engine.engine import Engine
from scenarios import HOME, history
from streams import at, buy, ev


def quote(ts):
    return ev("market.quote", ts, symbol="9999", last=84, bid=83, ask=85, prev_close=84, volume_today=3_000)


def restriction(ts, action, by="staff"):
    return ev("symbol.restriction", ts, symbol="9999", action=action, by=by, staff_id="s1")


def decide(events):
    engine = Engine(memory_state(), [PumpCampaign(accounts=3)])
    decisions = [engine.process(e) for e in events]
    return decisions[-1], engine.state.symbols.get("9999")


def test_staff_impose_and_lift_a_restriction():
    order = buy(at(3, 10), "9999", 100, 85, session_id="H3", **HOME)
    d, sym = decide([*history(), restriction(at(3, 9), "imposed"), order])
    assert d.reasons == ["symbol_restricted"] and sym.restricted_by == "staff"
    again = buy(at(3, 11), "9999", 100, 85, session_id="H3", **HOME)
    d, sym = decide(
        [*history(), restriction(at(3, 9), "imposed"), restriction(at(3, 10, 30), "lifted"), again]
    )
    assert "symbol_restricted" not in d.reasons and not sym.restricted


def test_an_engine_restriction_lapses_without_new_evidence_a_staff_one_does_not():
    engine_made = [restriction(at(3, 9), "imposed", by="engine")]
    _, sym = decide([*history(), *engine_made, quote(at(4, 9))])
    assert sym.restricted  # a day later: still in force
    _, sym = decide([*history(), *engine_made, quote(at(6, 9))])
    assert not sym.restricted  # three days without a campaign buy: lifted
    _, sym = decide([*history(), restriction(at(3, 9), "imposed"), quote(at(9, 9))])
    assert sym.restricted and sym.restricted_by == "staff"
