from kozaguard.engine.detectors.unusual_hour import UnusualHour
from scenarios import HOME, history, judge
from streams import at, login


def test_habit_hour_passes_and_a_new_hour_adds_risk():
    past = history(days=12)  # logs in at 08:00 every day
    assert judge(UnusualHour(), [*past, login(at(13, 8, 30), **HOME)]).reasons == []
    d = judge(UnusualHour(), [*past, login(at(13, 3), **HOME)])
    assert d.decision == "allow" and d.reasons == ["unusual_hour"] and d.score > 0


def test_not_before_the_habit_is_known():
    assert judge(UnusualHour(), [*history(days=3), login(at(4, 3), **HOME)]).reasons == []
