"""The friction budget: thresholds from the history let through, floors it never lowers."""

from __future__ import annotations

import pytest

from kozaguard.adapters.memory import memory_state
from kozaguard.config import ConfigError, load_settings
from kozaguard.engine.budget import Budget, FrictionSettings
from kozaguard.engine.outcome import Outcome
from kozaguard.engine.policy import Policy
from kozaguard.engine.state import Account


def calibrated(n: int = 10_000, **settings) -> Budget:
    b = Budget(FrictionSettings(min_history=1000, **settings))
    for i in range(n):
        b.learn(i % 20 / 4, passkey=True)  # customers: 0 .. 4.75
    return b


def test_threshold_keeps_at_most_the_budget_of_history_above_it():
    b = calibrated()
    for x in [7.0] * 4 + [5.5] * 20:
        b.learn(x, passkey=True)
    # 0.5 per 1,000 of 10,024 = 5 actions may be stopped: the four at 7.0, not the twenty at 5.5
    assert 5.5 < b.hold_threshold() <= 7.0
    # 10 per 1,000 = 100 passkey challenges: the 24 unusual ones, not the bulk at 4.75
    assert 4.75 < b.challenge_threshold() <= 5.5


def test_the_challenge_budget_is_spent_on_passkey_holders_and_after_the_rules_challenges():
    """Only a passkey holder can be asked for one: with one customer in ten holding a passkey, the
    100 challenges of 10,000 actions reach further into their actions; rule challenges (the
    withdrawals' step-up) spend the budget first."""
    b = Budget(FrictionSettings(min_history=1000))
    for i in range(10_000):
        b.learn(i % 20 / 4, passkey=i % 10 == 0)
    everyone = calibrated()
    assert b.challenge_threshold() < everyone.challenge_threshold()
    for _ in range(200):  # more than the 10 per 1,000 of the history
        b.rule_challenged()
    b.learn(0.0)
    for _ in range(255):
        b.learn(0.0)
    assert b.challenge_threshold() >= b.hold_threshold()  # nothing left: no passkey from the gate


def test_a_looser_budget_lowers_the_threshold():
    assert calibrated(action_stops_per_1000=100).hold_threshold() < calibrated().hold_threshold()


def test_cold_start_uses_the_cold_thresholds_until_enough_history():
    b = Budget(FrictionSettings(min_history=1000, cold_hold=9.0, cold_challenge=6.0))
    for _ in range(999):
        b.learn(0.0)
    assert (b.hold_threshold(), b.challenge_threshold()) == (9.0, 6.0)


def test_held_actions_never_raise_the_threshold():
    """A campaign's many stops stay out of the history: the threshold stays where customers put it."""
    b = calibrated()
    before = b.hold_threshold()
    for _ in range(5_000):
        b.stopped()
    for _ in range(256):
        b.learn(0.0)
    assert b.hold_threshold() <= before


def test_the_histogram_lives_in_the_state_so_a_continued_replay_calibrates_the_same():
    state = memory_state()
    first = Budget(FrictionSettings(min_history=10))
    first.bind(state)
    for i in range(600):
        first.learn(i % 20 / 4)
    again = Budget(FrictionSettings(min_history=10))
    again.bind(state)
    assert again.total == 600 and again.hold_threshold() == first.hold_threshold()


def gate(outcome, reasons, evidence, factors=("sms",)):
    budget = calibrated()
    for x in [7.0] * 4 + [5.5] * 20:  # hold from above 5.5, a passkey from 5.5
        budget.learn(x, passkey=True)
    policy = Policy(budget=budget)
    actions: list[str] = []
    got, score = policy.gate(
        outcome, list(reasons), actions, Account(account_id="a", factors=list(factors)), evidence
    )
    return got, actions, score


def test_weak_evidence_turns_a_rule_hold_into_a_notice_or_a_passkey_challenge():
    got, actions, _ = gate(Outcome.HOLD, ["sale_on_risky_session"], 1.0)
    assert got == Outcome.ALLOW and "notify_customer" in actions
    got, _, _ = gate(Outcome.HOLD, ["sale_on_risky_session"], 5.5, factors=("sms", "passkey"))
    assert got == Outcome.CHALLENGE_PASSKEY


def test_strong_evidence_holds_even_without_a_rule():
    got, actions, score = gate(Outcome.ALLOW, [], 12.0)
    assert got == Outcome.HOLD and {"notify_customer", "open_case"} <= set(actions) and score > 0.9


@pytest.mark.parametrize("reason", ["account_locked", "too_many_failures", "no_trusted_factor"])
def test_floor_rules_are_never_lowered_whatever_the_evidence(reason):
    for outcome in (Outcome.DENY, Outcome.LOCK):
        got, _, _ = gate(outcome, [reason], -5.0)
        assert got == outcome


def test_bad_friction_settings_name_the_key():
    with pytest.raises(ConfigError, match=r"friction\.action_stops_per_1000"):
        load_settings(None, friction={"action_stops_per_1000": -1})
    with pytest.raises(ConfigError, match="friction"):
        load_settings(None, friction={"no_such": 1})


def test_the_budget_reads_its_record_from_the_state_at_every_use():
    """A store that reloads a record (a worker redoing a batch after another worker changed it)
    hands back a new copy: the budget's next change goes into that copy, not into one it kept."""
    from kozaguard.engine.budget import _KEY, TOTAL

    state = memory_state()
    b = Budget(FrictionSettings(min_history=10))
    b.bind(state)
    b.learn(1.0)
    reloaded = list(state.watch.get(_KEY))
    reloaded[TOTAL] += 5  # what the other worker added meanwhile
    state.watch.put(_KEY, reloaded)
    b.learn(1.0)
    assert state.watch.get(_KEY) is reloaded and reloaded[TOTAL] == 7 and b.total == 7
