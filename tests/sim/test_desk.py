"""The modelled staff desk of a replay: each hold is answered after the delay, as the labels say."""

from __future__ import annotations

import io

from kozaguard.bootstrap import build_engine
from kozaguard.config import Settings
from kozaguard.engine.budget import FrictionSettings
from kozaguard.events.codec import encode, read_decisions
from kozaguard.replay import replay
from kozaguard.sim.desk import Desk
from scenarios import ABROAD, history
from streams import at, login, sell

SETTINGS = Settings(friction=FrictionSettings(min_history=10_000, cold_hold=4.0))  # a fixed bar


def stream(second_sale_minute: int):
    """A new device abroad sells in one sitting (held), then sells again on the same session."""
    held = sell(at(13, 9, 1), "7203", 200, session_id="N", **ABROAD)
    later = sell(at(13, 9, second_sale_minute), "7203", 100, session_id="N", **ABROAD)
    return [*history(days=12), login(at(13, 9), session_id="N", **ABROAD), held, later], held, later


def decide(events, attackers=(), desk=True, state=None):
    settings = SETTINGS
    engine = build_engine(settings) if state is None else build_engine(settings, state)
    review = Desk(attackers, settings.review.delay_minutes, engine.state) if desk else None
    out = io.BytesIO()
    replay(engine, [encode(e) for e in events], out, desk=review)
    return {d.event_id: d for _, d in read_decisions(out.getvalue().splitlines())}, engine


def test_the_customers_hold_is_released_after_the_delay_and_his_session_goes_on():
    events, held, later = stream(40)
    decisions, engine = decide(events)
    assert decisions[held.event_id].decision == "hold"
    assert decisions[later.event_id].decision == "allow"
    assert engine.state.ledger.seen(f"desk:{held.event_id}")  # the answer went through the engine
    without, _ = decide(events, desk=False)
    assert without[later.event_id].decision == "hold"


def test_before_the_delay_nothing_is_answered():
    events, _, later = stream(20)  # 19 minutes after the hold; the desk answers after 30
    decisions, _ = decide(events)
    assert decisions[later.event_id].decision == "hold"


def test_an_attackers_hold_is_rejected_and_his_session_refused():
    events, held, later = stream(40)
    decisions, _ = decide(events, attackers={held.event_id, later.event_id})
    assert decisions[held.event_id].decision == "hold"
    d = decisions[later.event_id]
    assert d.decision == "deny" and "session_rejected_by_staff" in d.reasons


def test_the_questions_waiting_are_engine_state_a_resumed_replay_still_answers_them(tmp_path):
    from kozaguard.bootstrap import build_state

    events, held, later = stream(40)
    path = f"sqlite:{tmp_path / 'state.db'}"
    first, engine = decide(events[:-1], state=build_state(path))  # stops after the hold
    engine.state.close()
    assert first[held.event_id].decision == "hold"
    rest, engine = decide(events[-1:], state=build_state(path))
    engine.state.close()
    assert rest[later.event_id].decision == "allow"
