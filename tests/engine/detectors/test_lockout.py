from kozaguard.engine.detectors.lockout import Lockout
from scenarios import HOME, history, judge
from streams import at, login


def fails(n, start=10):
    return [login(at(5, start, i), result="password_bad", session_id=f"F{i}", **HOME) for i in range(n)]


def test_locks_on_the_nth_consecutive_failure():
    assert judge(Lockout(max_failures=3), history() + fails(2)) is None
    d = judge(Lockout(max_failures=3), history() + fails(3))
    assert d.decision == "lock" and d.reasons == ["too_many_failures"] and "notify_customer" in d.actions


def test_a_success_resets_the_count():
    events = history() + fails(2) + [login(at(5, 11), **HOME)] + fails(2, start=12)
    assert judge(Lockout(max_failures=3), events) is None


def test_lock_holds_then_expires():
    locked = history() + fails(3)
    assert judge(Lockout(max_failures=3), [*locked, login(at(5, 20), **HOME)]).decision == "lock"
    assert (
        judge(Lockout(max_failures=3, lock_hours=24), [*locked, login(at(7, 9), **HOME)]).decision == "allow"
    )
