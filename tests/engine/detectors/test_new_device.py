from kozaguard.engine.detectors.new_device import NewDevice
from kozaguard.events.schema import Login
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


def test_new_device_on_the_home_network_is_noticed_not_challenged():
    d = judge(
        NewDevice(),
        [*history(), login(at(5, 9), ip=HOME["ip"], device_id="d-new-phone", user_agent="Android")],
    )
    assert (d.decision, d.reasons, d.actions) == ("allow", ["new_device"], ["notify_customer"])
    assert d.score >= 0.4  # enough to scrutinise what the session does


def test_new_device_on_the_home_provider_but_elsewhere_is_challenged():
    # same provider (ASN) as home, another address block: a residential proxy looks like this
    d = judge(NewDevice(), [*history(), login(at(5, 9), ip="126.200.1.2", device_id=None)])
    assert (d.decision, d.factor, d.reasons) == ("challenge", "otp", ["new_device"])


def test_new_device_next_to_the_home_address_is_the_same_place():
    d = judge(NewDevice(), [*history(), login(at(5, 9), ip="126.10.20.99", device_id=None)])
    assert d.decision == "allow" and d.reasons == ["device_cookie_missing"]


def test_first_login_of_an_account_without_history_is_challenged():
    first = [e for e in history() if not isinstance(e, Login)]
    d = judge(NewDevice(), [*first, login(at(5, 9), **HOME)])
    assert (d.decision, d.factor, d.reasons) == ("challenge", "otp", ["no_login_history"])


def test_device_first_seen_on_a_risky_login_stays_on_probation():
    from kozaguard.adapters.memory import memory_state
    from kozaguard.engine.detectors.unfamiliar_network import UnfamiliarNetwork
    from kozaguard.engine.engine import Engine

    engine = Engine(memory_state(), [NewDevice(probation_days=3), UnfamiliarNetwork()])
    for e in history():
        engine.process(e)
    assert (
        engine.process(login(at(5, 9), session_id="R1", **ABROAD)).decision == "challenge"
    )  # passed by code
    again = engine.process(login(at(5, 12), session_id="R2", **ABROAD))
    assert again.decision == "allow" and again.reasons == ["device_on_probation"] and again.score >= 0.45
    later = engine.process(login(at(9, 12), session_id="R3", **ABROAD))
    assert later.reasons == []
