from kozaguard.engine.detectors.unfamiliar_network import UnfamiliarNetwork
from kozaguard.events.schema import Login
from scenarios import HOME, history, judge
from streams import at, login


def test_home_network_passes():
    d = judge(UnfamiliarNetwork(), [*history(), login(at(5, 9), **HOME)])
    assert d.decision == "allow" and d.reasons == []


def test_foreign_hosting_network_is_challenged():
    d = judge(UnfamiliarNetwork(), [*history(), login(at(5, 9), ip="8.8.8.8", device_id="d-other")])
    assert d.decision == "challenge" and {"foreign_ip", "hosting_network"} <= set(d.reasons)


def test_traveller_on_own_device_only_adds_risk():
    d = judge(UnfamiliarNetwork(), [*history(), login(at(5, 9), ip="8.8.8.8", device_id="d-home")])
    stranger = judge(UnfamiliarNetwork(), [*history(), login(at(5, 9), ip="8.8.8.8", device_id="d-other")])
    assert d.decision == "allow" and "foreign_ip" in d.reasons
    assert 0.2 <= d.score < stranger.score  # weighed, but the session is not a stranger's


def test_first_login_judged_on_the_network_alone():
    first = [e for e in history() if not isinstance(e, Login)]
    assert judge(UnfamiliarNetwork(), [*first, login(at(5, 9), **HOME)]).reasons == []
    d = judge(UnfamiliarNetwork(), [*first, login(at(5, 9), ip="8.8.8.8")])
    assert d.decision == "challenge" and "new_network" not in d.reasons


def test_another_japanese_home_network_only_adds_a_little():
    # 60.70.x is SoftBank like the home line; 153.x NTT: another residential carrier in Japan
    d = judge(UnfamiliarNetwork(), [*history(), login(at(5, 9), ip="2400:4050::1", device_id="d-home")])
    assert d.decision == "allow" and d.reasons == ["new_network"]
