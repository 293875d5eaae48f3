from kozaguard.engine.detectors.lockout import Lockout
from scenarios import ABROAD, HOME, history, judge
from streams import at, ev, login

STRANGER = {"device_id": "d-bot", "ip": "203.0.113.9", "session_id": "X"}


def fails(n, start=10, day=5, **who):
    who = who or HOME
    return [
        login(at(day, start, i), result="password_bad", **{"session_id": f"F{i}", **who}) for i in range(n)
    ]


def test_locks_on_the_nth_consecutive_failure():
    assert judge(Lockout(max_failures=3), history() + fails(2)) is None
    d = judge(Lockout(max_failures=3), history() + fails(3))
    assert d.decision == "lock" and d.reasons == ["too_many_failures"] and "notify_customer" in d.actions


def test_a_success_resets_the_count():
    events = history() + fails(2) + [login(at(5, 11), **HOME)] + fails(2, start=12)
    assert judge(Lockout(max_failures=3), events) is None


def test_lock_holds_then_expires_and_the_next_lock_waits_longer():
    locked = history() + fails(3)
    lockout = Lockout(max_failures=3, lock_hours=2)
    assert judge(lockout, [*locked, login(at(5, 11, 30), **HOME)]).decision == "lock"
    assert judge(lockout, [*locked, login(at(5, 12, 3), **HOME)]).decision == "allow"
    again = [*locked, *fails(3, start=13)]  # locked again at 13:02: for 4 hours now
    assert judge(lockout, [*again, login(at(5, 16, 30), **HOME)]).decision == "lock"
    assert judge(lockout, [*again, login(at(5, 17, 3), **HOME)]).decision == "allow"


def test_permanent_after_repeated_locks_until_unlocked():
    lockout = Lockout(max_failures=2, lock_hours=1, permanent_after=2)
    events = [*history(), *fails(2, start=10), *fails(2, start=12)]
    assert judge(lockout, [*events, login(at(9, 10), **HOME)]).decision == "lock"
    unlocked = ev("account.unlocked", at(9, 11), account_id="A1", by="recovery_code")
    assert judge(lockout, [*events, unlocked, login(at(9, 12), **HOME)]).decision == "allow"


def test_strangers_failures_do_not_lock_out_the_customers_own_device():
    events = [*history(), *fails(5, **STRANGER)]
    assert judge(Lockout(), [*events, login(at(5, 10, 30), **STRANGER)]).decision == "lock"
    assert judge(Lockout(), [*events, login(at(5, 10, 30), **ABROAD)]).decision == "lock"
    assert judge(Lockout(), [*events, login(at(5, 10, 30), **HOME)]).decision == "allow"


def test_failures_from_a_known_stuffing_address_count_against_the_address():
    spray = [
        login(
            at(5, 9, i), result="password_bad", **{**STRANGER, "account_id": f"B{i}", "session_id": f"B{i}"}
        )
        for i in range(5)
    ]
    events = [*history(), *spray, *fails(5, start=10, **STRANGER)]
    assert judge(Lockout(), [*events, login(at(5, 10, 30), **ABROAD)]).decision == "allow"


def test_actions_on_the_sessions_of_a_locked_account_are_locked():
    events = [*history(), *fails(5, **STRANGER)]
    withdraw = ev(
        "cash.withdrawal", at(5, 10, 40), amount_jpy=100_000, bank_account_id="B1", session_id="OLD"
    )
    assert judge(Lockout(), [*events, withdraw]).decision == "lock"
    own = [*events, login(at(5, 10, 30), **{**HOME, "session_id": "NEW"})]
    new = ev("cash.withdrawal", at(5, 10, 40), amount_jpy=100_000, bank_account_id="B1", session_id="NEW")
    assert judge(Lockout(), [*own, new]).decision == "allow"
