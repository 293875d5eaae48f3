from kozaguard.engine.detectors.impossible_travel import ImpossibleTravel
from scenarios import HOME, history, judge
from streams import at, login


def test_japan_then_abroad_within_the_hour_is_challenged():
    d = judge(ImpossibleTravel(), [*history(), login(at(3, 8, 40), ip="8.8.8.8", device_id="d-other")])
    assert d.decision == "challenge" and d.reasons == ["impossible_travel"]


def test_own_device_switching_on_a_vpn_only_adds_risk():
    d = judge(ImpossibleTravel(), [*history(), login(at(3, 8, 40), ip="8.8.8.8", device_id="d-home")])
    assert d.decision == "allow" and d.reasons == ["impossible_travel"]


def test_abroad_a_day_later_is_possible():
    assert judge(ImpossibleTravel(), [*history(), login(at(4, 9), ip="8.8.8.8")]).decision == "allow"


def test_same_country_is_never_travel():
    assert judge(ImpossibleTravel(), [*history(), login(at(3, 8, 10), **HOME)]).decision == "allow"
