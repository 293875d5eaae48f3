"""Attacks stopped or not, and the loss each stop prevented, on small streams worked out by hand."""

from __future__ import annotations

import pytest

from kozaguard.evaluation import evaluate


def test_password_attack_stopped_at_login_by_an_otp_challenge(stream):
    stream.instrument("X")
    stream.login("C1", ok=False, by=("A1", "password"))  # 09:01, first event of A1; no decision
    stream.login("C1", by=("A1", "password"), decision="challenge:otp")  # 09:02: stops a password thief
    stream.order("C1", "o1", "X", "buy", 100, by=("A1", "password"))
    stream.fill("C1", "o1", "X", "buy", 100, 500, fee=100)  # unlabelled: belongs to A1's order
    stream.bar("X", 300)
    r = stream.evaluate()

    a = r.attacks
    assert (a.total, a.stopped, a.stopped_pct) == (1, 1, 100.0)
    assert a.by_capability.password.stopped == 1
    assert a.stopped_at.login == 1
    assert a.median_seconds_to_stop == 60.0  # 09:01 → 09:02
    # buy loss: 100 × 500 + 100 − 100 × 300 = 20,100, all after the stop
    assert r.loss.attack_loss_jpy == 20_100
    assert r.loss.prevented_jpy == 20_100
    assert r.loss.prevented_pct == 100.0
    assert r.checks.failed_logins_without_decision == 1
    assert r.checks.missing_decisions == 0
    d = a.detail[0]
    assert (d.attack_id, d.stop_place, d.stopped, d.accounts) == ("A1", "login", True, ["C1"])


def test_otp_relay_passes_an_otp_challenge_but_a_hold_on_its_order_stops_it(stream):
    stream.instrument("X")
    stream.login("C2", by=("A2", "otp_relay"), decision="challenge:otp")  # 09:01: relayed, not a stop
    stream.order("C2", "o2", "X", "buy", 1_000, by=("A2", "otp_relay"), decision="hold")  # 09:02: stop
    stream.fill("C2", "o2", "X", "buy", 1_000, 200, fee=300)
    stream.bar("X", 150)
    r = stream.evaluate()

    a = r.attacks
    assert (a.stopped, a.by_capability.otp_relay.total, a.by_capability.otp_relay.stopped) == (1, 1, 1)
    assert a.stopped_at.login == 0 and a.stopped_at.order == 1
    assert a.median_seconds_to_stop == 60.0
    # 1,000 × 200 + 300 − 1,000 × 150 = 50,300
    assert r.loss.attack_loss_jpy == r.loss.prevented_jpy == 50_300
    assert a.detail[0].stop_event_id == "e3"


def test_session_attack_with_damage_before_the_stop_is_not_stopped_but_prevents_the_rest(stream):
    stream.instrument("X")
    stream.order("C3", "o1", "X", "buy", 100, by=("A3", "session"))  # allowed
    stream.fill("C3", "o1", "X", "buy", 100, 1_000, fee=50)  # damage starts here
    stream.order("C3", "o2", "X", "buy", 200, by=("A3", "session"), decision="challenge:otp")  # not a stop
    stream.fill("C3", "o2", "X", "buy", 200, 1_100, fee=50)
    stream.order("C3", "o3", "X", "buy", 300, by=("A3", "session"), decision="lock")  # stop, after damage
    stream.fill("C3", "o3", "X", "buy", 300, 1_200, fee=50)
    stream.bar("X", 900)
    r = stream.evaluate()

    a = r.attacks
    assert (a.total, a.stopped, a.stopped_after_damage, a.not_stopped) == (1, 0, 1, 0)
    assert a.by_capability.session.stopped_pct == 0.0
    assert a.median_seconds_to_stop is None  # only attacks stopped before damage count
    # fill 1: 100,000 + 50 − 90,000 = 10,050; fill 2: 220,000 + 50 − 180,000 = 40,050;
    # fill 3: 360,000 + 50 − 270,000 = 90,050 (after the lock: prevented)
    assert r.loss.attack_loss_jpy == 140_150
    assert r.loss.prevented_jpy == 90_050
    assert r.loss.prevented_pct == pytest.approx(64.25, abs=0.01)  # 90,050 / 140,150
    assert r.loss.fees_jpy == 150
    assert a.detail[0].stopped is False and a.detail[0].stop_place == "order"


def test_a_passkey_challenge_stops_every_capability_and_an_allow_stops_none(stream):
    stream.login("C1", by=("A1", "otp_relay"), decision="challenge:passkey")
    stream.profile("C2", by=("A2", "session"), decision="challenge:passkey")
    stream.withdraw("C3", 50_000, by=("A3", "password"))  # allowed: damage, never stopped
    stream.withdraw("C1", 1_000, by=("A1", "otp_relay"))  # so that every attack counts (has damage)
    stream.withdraw("C2", 1_000, by=("A2", "session"))
    r = stream.evaluate()
    assert (r.attacks.total, r.attacks.stopped, r.attacks.not_stopped) == (3, 2, 1)
    assert (r.attacks.stopped_at.login, r.attacks.stopped_at.profile) == (1, 1)
    assert r.loss.withdrawn_jpy == r.loss.attack_loss_jpy == 52_000
    assert r.loss.prevented_jpy == 2_000


def test_a_held_withdrawal_stops_the_attack_before_its_own_money_moves(stream):
    stream.profile("C1", "bank_account", by=("A1", "otp_relay"), decision="challenge:otp")
    stream.withdraw("C1", 300_000, by=("A1", "otp_relay"), decision="hold")
    stream.withdraw("C1", 200_000, by=("A1", "otp_relay"))
    r = stream.evaluate()
    assert (r.attacks.stopped, r.attacks.stopped_at.withdrawal) == (1, 1)
    assert r.loss.attack_loss_jpy == r.loss.prevented_jpy == 500_000
    assert r.attacks.median_seconds_to_stop == 60.0


def test_fx_conversion_of_a_hkd_fill_uses_the_rate_then_and_the_last_rate_at_t(stream):
    stream.instrument("0700", "HKD", "HKEX")
    stream.fx("HKDJPY", 19.0)
    stream.order("C1", "o1", "0700", "buy", 1_000, by=("A1", "session"))
    stream.fill("C1", "o1", "0700", "buy", 1_000, 2.5, fee=500)
    stream.fx("HKDJPY", 20.0)
    stream.bar("0700", 2.0)
    r = stream.evaluate()
    # cost 1,000 × 2.5 HKD × 19.0 + 500 = 48,000; value at T 1,000 × 2.0 × 20.0 = 40,000
    assert r.loss.buy_loss_jpy == 8_000


def test_a_sell_loss_is_negative_when_the_shares_fell_after_the_sale(stream):
    stream.instrument("A")
    stream.order("C1", "o1", "A", "sell", 100, by=("A1", "session"))
    stream.fill("C1", "o1", "A", "sell", 100, 1_000, fee=100)
    stream.bar("A", 800)
    r = stream.evaluate()
    # buying back: 100 × 800 = 80,000; proceeds 100 × 1,000 − 100 = 99,900 → −19,900
    assert r.loss.sell_loss_jpy == -19_900
    assert r.loss.attack_loss_jpy == 0  # a gain to the account is no loss: counted as zero, not negative
    assert r.loss.prevented_pct is None  # nothing lost, nothing to prevent


def test_compensation_worked_example_through_evaluate(stream):
    """compensation.md: sell 1,000 A at ¥2,950 (fee 1,000), buy 20,000 X at ¥140 (fee 1,500)."""
    stream.instrument("A", market="TSE-PRIME")
    stream.instrument("X")
    stream.login("V", by=("A1", "otp_relay"), decision="challenge:otp")
    stream.order("V", "s1", "A", "sell", 1_000, by=("A1", "otp_relay"))
    stream.fill("V", "s1", "A", "sell", 1_000, 2_950, fee=1_000)
    stream.order("V", "b1", "X", "buy", 20_000, by=("A1", "otp_relay"))
    stream.fill("V", "b1", "X", "buy", 20_000, 140, fee=1_500)
    stream.bar("A", 3_100)
    stream.bar("X", 60)
    loss = stream.evaluate().loss
    assert loss.buy_loss_jpy == 1_601_500  # 2,801,500 − 1,200,000
    assert loss.sell_loss_jpy == 151_000  # 3,100,000 − 2,949,000
    assert loss.fees_jpy == 2_500
    assert loss.attack_loss_jpy == 1_752_500  # D
    assert loss.prevented_jpy == 0


def test_last_close_falls_back_to_the_quote_then_to_the_fill_price_with_a_note(stream):
    stream.instrument("Q")
    stream.instrument("N")
    stream.order("C1", "o1", "Q", "buy", 10, by=("A1", "session"))
    stream.fill("C1", "o1", "Q", "buy", 10, 100)
    stream.order("C1", "o2", "N", "buy", 10, by=("A1", "session"))
    stream.fill("C1", "o2", "N", "buy", 10, 100, fee=7)
    stream.quote("Q", 40)
    r = stream.evaluate()
    # Q: 1,000 − 400 = 600; N valued at its fill price: only the fee, 7
    assert r.loss.buy_loss_jpy == 607
    assert r.notes and "N" in r.notes[0] and "fill price" in r.notes[0]


def test_a_labelled_fill_counts_even_when_its_order_is_not_labelled(stream):
    stream.instrument("X")
    stream.order("C1", "o1", "X", "buy", 10)  # the customer's own order
    stream.fill("C1", "o1", "X", "buy", 10, 100, by=("A1", "session"))
    stream.bar("X", 50)
    r = stream.evaluate()
    assert r.attacks.total == 1 and r.loss.buy_loss_jpy == 500
    assert r.friction.orders.count == 1


def test_plain_structs_are_accepted_as_well_as_the_codecs_numbered_tuples(stream):
    from kozaguard.events.codec import read_decisions, read_events, read_labels

    stream.withdraw("C1", 1_000, by=("A1", "session"), decision="deny")
    r = evaluate(
        [e for _, _, e in read_events(stream.events)],
        [x for _, x in read_labels(stream.labels)],
        [x for _, x in read_decisions(stream.decisions)],
    )
    assert r.attacks.stopped == 1 and r.loss.prevented_jpy == 1_000


def test_an_attack_without_any_fill_or_withdrawal_is_an_attempt_reported_apart(stream):
    """spec "Which attacks count": stopped % is over attacks that did damage in the stream."""
    stream.instrument("X")
    stream.login("C1", ok=False, by=("A1", "password"))  # only failed passwords: an attempt
    stream.login("C1", ok=False, by=("A1", "password"))
    stream.login("C2", by=("A2", "otp_relay"), decision="challenge:otp")  # an attempt, not stopped
    stream.login("C3", by=("A3", "password"), decision="challenge:otp")  # an attempt, stopped
    stream.order("C4", "o1", "X", "buy", 100, by=("A4", "session"))  # damage: counts, not stopped
    stream.fill("C4", "o1", "X", "buy", 100, 500)
    r = stream.evaluate()
    a = r.attacks
    assert (a.total, a.stopped, a.stopped_pct, a.not_stopped) == (1, 0, 0.0, 1)
    assert (a.by_capability.password.total, a.by_capability.session.total) == (0, 1)
    assert (a.attempts.total, a.attempts.stopped) == (3, 1)
    assert a.attempts.by_capability == {"password": 2, "otp_relay": 1, "session": 0}
    assert len(a.detail) == 4  # every attack is still listed, attempts with damage_ts null
    assert [d.damage_ts is None for d in a.detail] == [True, True, True, False]
