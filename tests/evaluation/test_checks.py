"""Files that do not fit together: refused with file:line and the fix, or counted and warned about."""

from __future__ import annotations

import pytest

from kozaguard.evaluation import InconsistentInput, Sources, evaluate
from kozaguard.events.codec import InvalidLine, read_decisions, read_events, read_labels


def run(stream):
    return evaluate(
        read_events(stream.events, "ev.jsonl"),
        read_labels(stream.labels, "lab.jsonl"),
        read_decisions(stream.decisions, "dec.jsonl"),
        sources=Sources(events="ev.jsonl", labels="lab.jsonl", decisions="dec.jsonl"),
    )


def test_duplicate_decisions_keep_the_first_and_are_counted(stream):
    e = stream.login("C1", by=("A1", "password"))  # allow (decision line 1)
    stream.decide(e, "lock")  # line 2: ignored, so the attack is not stopped
    stream.decide(e, "deny")  # line 3: ignored
    r = run(stream)
    assert r.checks.duplicate_decisions == 2
    assert r.checks.decisions == 3
    assert r.attacks.stopped == 0
    assert any("dec.jsonl:2" in w and "2 duplicate" in w for w in r.checks.warnings)


def test_a_decision_for_an_unknown_event_names_its_line(stream):
    stream.login("C1")
    stream.decide("nope", "allow")
    with pytest.raises(
        InconsistentInput, match=r"^dec\.jsonl:2: decision for event nope, which is not in ev"
    ):
        run(stream)


def test_a_decision_for_an_event_that_takes_none_is_refused(stream):
    e = stream.fill("C1", "o1", "X", "buy", 1, 100)
    stream.decide(e, "hold")
    with pytest.raises(InconsistentInput, match=r"dec\.jsonl:1: .*ev\.jsonl:1.*`order\.fill`.*no decision"):
        run(stream)


def test_a_label_for_an_unknown_event_names_its_line(stream):
    stream.login("C1", by=("A1", "password"))
    stream.labels.append(b'{"event_id":"ghost","actor":"attacker","attack_id":"A1","capability":"password"}')
    with pytest.raises(InconsistentInput, match=r"^lab\.jsonl:2: label for event ghost, which is not in"):
        run(stream)


def test_an_attack_with_two_capabilities_is_refused(stream):
    stream.login("C1", by=("A1", "password"))
    stream.order("C1", "o1", "X", "buy", 1, by=("A1", "session"))
    with pytest.raises(InconsistentInput, match=r"lab\.jsonl:2: attack A1 .*`session`.*`password` at line 1"):
        run(stream)


def test_missing_decisions_are_counted_and_warned_about_but_failed_logins_are_not(stream):
    stream.login("C1", ok=False)  # legitimately without a decision
    stream.login("C1", decision=stream.NO_DECISION)  # line 2
    stream.order("C1", "o1", "X", "buy", 1, decision=stream.NO_DECISION)
    stream.order("C1", "o2", "X", "buy", 1, decision=stream.NO_DECISION)
    r = run(stream)
    assert r.checks.missing_decisions == 3
    assert r.checks.missing_decisions_by_type == {"auth.login": 1, "order.new": 2}
    assert r.checks.failed_logins_without_decision == 1
    assert r.checks.warnings == [
        "3 decision-bearing events have no decision (first: ev.jsonl:2, event e2); they are scored as `allow`"
    ]
    assert r.friction.logins.count == 1 and r.friction.orders.count == 2


def test_an_attacker_fill_in_a_currency_without_a_rate_is_refused(stream):
    stream.instrument("0700", "HKD", "HKEX")
    stream.fill("C1", "o1", "0700", "buy", 1, 100, by=("A1", "session"))
    with pytest.raises(InconsistentInput, match=r"ev\.jsonl:2: event e2: .*no `fx.rate` HKDJPY"):
        run(stream)


def test_an_attacker_fill_of_an_unknown_instrument_is_refused(stream):
    stream.fill("C1", "o1", "ZZZ", "buy", 1, 100, by=("A1", "session"))
    with pytest.raises(InconsistentInput, match=r"ev\.jsonl:1: .*ZZZ.*no `instrument` event"):
        run(stream)


def test_invalid_lines_raise_the_codecs_error(stream):
    stream.login("C1")
    stream.decisions.append(b'{"event_id":"e1","decision":"maybe","score":0.1}')
    with pytest.raises(InvalidLine, match=r"^dec\.jsonl:2: "):
        run(stream)


def test_a_start_without_an_offset_is_refused(stream):
    from datetime import datetime

    with pytest.raises(ValueError, match="offset"):
        evaluate([], [], [], datetime(2025, 3, 17))


def test_an_empty_stream_scores_to_zeros_and_nulls():
    r = evaluate([], [], [])
    assert (r.stream.events, r.stream.first_ts, r.attacks.total, r.attacks.stopped_pct) == (0, None, 0, None)
    assert (r.loss.attack_loss_jpy, r.loss.prevented_pct, r.friction.logins.challenged_per_1000) == (
        0,
        None,
        None,
    )
