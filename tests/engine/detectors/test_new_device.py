from kozaguard.engine.detectors.new_device import NewDevice
from scenarios import ABROAD, HOME, history, judge
from streams import at, login


def test_known_device_passes():
    assert judge(NewDevice(), [*history(), login(at(5, 9), **HOME)]).decision == "allow"


def test_unknown_device_is_challenged_with_a_code():
    d = judge(NewDevice(), [*history(), login(at(5, 9), **ABROAD)])
    assert (d.decision, d.factor, d.reasons) == ("challenge", "otp", ["new_device"])


def test_cleared_cookie_on_familiar_browser_and_network_is_not_challenged():
    d = judge(NewDevice(), [*history(), login(at(5, 9), ip=HOME["ip"], device_id=None)])
    assert d.decision == "allow" and d.reasons == ["device_cookie_missing"]
