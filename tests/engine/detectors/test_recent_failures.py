from kozaguard.engine.detectors.recent_failures import RecentFailures
from scenarios import ABROAD, HOME, history, judge
from streams import at, login


def tries(n):
    return [login(at(4, 9, i), result="password_bad", **HOME) for i in range(n)]


def test_success_after_a_run_of_failures_is_challenged():
    d = judge(RecentFailures(), [*history(), *tries(3), login(at(4, 9, 5), **ABROAD)])
    assert d.decision == "challenge" and d.reasons == ["failures_before_success"]


def test_run_of_failures_on_the_customers_own_device_is_weighed_not_challenged():
    d = judge(RecentFailures(), [*history(), *tries(3), login(at(4, 9, 5), **HOME)])
    assert d.decision == "allow" and d.reasons == ["failures_before_success"] and d.score > 0


def test_one_typo_is_ordinary():
    assert judge(RecentFailures(), [*history(), *tries(1), login(at(4, 9, 5), **HOME)]).decision == "allow"
