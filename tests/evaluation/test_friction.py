"""Friction on the customers' own actions, and the warm-up period that `start` leaves out."""

from __future__ import annotations

START = "2025-03-17T09:10:00+09:00"


def build(stream):
    # Warm-up, before 09:10: only builds state.
    stream.login("C1", at=0, decision="challenge:otp")
    stream.order("C1", "o0", "X", "buy", 100, at=1, decision="hold")
    stream.withdraw("C2", 10_000, at=2, decision="lock")
    # Measured period, from 09:10.
    stream.login("C1", at=10)  # allow
    stream.login("C2", at=11, decision="challenge:otp")
    stream.login("C3", at=12, decision="challenge:passkey")
    stream.login("C4", at=13, decision="deny")
    stream.login("C5", ok=False, at=14)  # a failed login without a decision: not a login, not missing
    stream.login("C5", ok=False, at=15, decision="lock")  # locks C5: counts at login
    stream.order("C1", "o1", "X", "buy", 100, at=16)
    stream.order("C1", "o2", "X", "buy", 100, at=17, decision="challenge:passkey")
    stream.order("C2", "o3", "X", "sell", 100, at=18, decision="hold")
    stream.withdraw("C3", 5_000, at=19, decision="deny")
    stream.profile("C3", "email", at=20, decision="challenge:otp")
    stream.profile("C4", "phone", at=21, decision="hold")
    stream.profile("C4", "address", at=22)
    stream.factor("C1", at=23)
    stream.logout("C1", at=24)
    # An attacker's actions in the period are not friction.
    stream.login("C6", at=25, by=("A1", "password"), decision="lock")
    stream.order("C6", "oa", "X", "buy", 100, at=26, by=("A1", "password"), decision="hold")


def test_friction_counts_on_customer_actions_from_the_start(stream):
    build(stream)
    f = stream.evaluate(START).friction
    assert f.start.isoformat() == START
    assert f.customer_accounts == 5  # C1..C5; C6's only actions are the attacker's
    # 4 successful logins: 2 challenged (1 otp, 1 passkey), 1 denied; C5's failed login locked it
    lg = f.logins
    assert (lg.count, lg.challenged, lg.challenged_otp, lg.challenged_passkey) == (4, 2, 1, 1)
    assert (lg.denied, lg.locked, lg.held) == (1, 1, 0)
    assert lg.challenged_per_1000 == 500.0
    assert (lg.challenged_otp_per_1000, lg.challenged_passkey_per_1000) == (250.0, 250.0)
    assert lg.denied_per_1000 == lg.locked_per_1000 == 250.0
    # 3 orders: 1 challenged, 1 held; 1 withdrawal, denied
    assert (f.orders.count, f.orders.challenged, f.orders.held) == (3, 1, 1)
    assert f.orders.challenged_per_1000 == 333.33
    assert (f.withdrawals.count, f.withdrawals.denied, f.withdrawals.denied_per_1000) == (1, 1, 1000.0)
    both = f.orders_and_withdrawals
    assert (both.count, both.challenged, both.held, both.denied) == (4, 1, 1, 1)
    assert both.challenged_per_1000 == both.held_per_1000 == both.denied_per_1000 == 250.0
    p = f.profile_changes
    assert (p.count, p.challenged, p.held, p.challenged_per_1000, p.held_per_1000) == (
        3,
        1,
        1,
        333.33,
        333.33,
    )
    assert (f.factor_changes.count, f.factor_changes.challenged) == (1, 0)
    assert f.accounts_locked == 1  # C5 (C2's lock was in the warm-up, C6's is the attacker's)


def test_without_start_the_whole_stream_is_measured(stream):
    build(stream)
    f = stream.evaluate().friction
    assert f.start is None
    assert (f.logins.count, f.logins.challenged_otp) == (5, 2)
    assert (f.orders.count, f.orders.held) == (4, 2)
    assert (f.withdrawals.count, f.withdrawals.locked) == (2, 1)
    assert f.accounts_locked == 2  # C2 and C5


def test_an_empty_period_gives_no_rates(stream):
    build(stream)
    f = stream.evaluate("2025-03-18T00:00:00+09:00").friction
    assert f.logins.count == 0 and f.logins.challenged_per_1000 is None
    assert f.customer_accounts == 0


def test_friction_by_reason_names_the_rule_that_cost_the_customer(stream):
    stream.login("C1", at=10, decision="challenge:otp|new_device,no_login_history")
    stream.login("C2", at=11, decision="challenge:otp|new_device")
    stream.login("C3", at=12, decision="allow|new_device")  # allowed: no friction, whatever its reasons
    stream.order("C1", "o1", "X", "sell", 100, at=13, decision="hold|sale_on_risky_session")
    stream.order("C2", "o2", "X", "buy", 100, at=14, decision="deny|symbol_restricted")
    stream.withdraw("C3", 5_000, at=15, decision="challenge:passkey|withdrawal_step_up")
    stream.order("C1", "o3", "X", "sell", 100, at=16, decision="hold")  # no reason given
    stream.order("C6", "oa", "X", "buy", 100, at=17, by=("A1", "password"), decision="hold|pump")  # attacker
    rows = {
        (r.reason, r.action): (r.challenged, r.held, r.denied, r.locked)
        for r in stream.evaluate().friction.by_reason
    }
    assert rows == {
        ("new_device", "login"): (2, 0, 0, 0),
        ("no_login_history", "login"): (1, 0, 0, 0),
        ("sale_on_risky_session", "order"): (0, 1, 0, 0),
        ("symbol_restricted", "order"): (0, 0, 1, 0),
        ("(no reason)", "order"): (0, 1, 0, 0),
        ("withdrawal_step_up", "withdrawal"): (1, 0, 0, 0),
    }
