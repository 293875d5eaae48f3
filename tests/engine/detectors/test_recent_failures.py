from kozaguard.engine.detectors.recent_failures import RecentFailures
from scenarios import HOME, history, judge
from streams import at, login


def tries(n):
    return [login(at(4, 9, i), result="password_bad", **HOME) for i in range(n)]


def test_success_after_a_run_of_failures_is_challenged():
    d = judge(RecentFailures(), [*history(), *tries(3), login(at(4, 9, 5), **HOME)])
    assert d.decision == "challenge" and d.reasons == ["failures_before_success"]


def test_one_typo_is_ordinary():
    assert judge(RecentFailures(), [*history(), *tries(1), login(at(4, 9, 5), **HOME)]).decision == "allow"
