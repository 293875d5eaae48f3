from kozaguard.engine.detectors.shared_client import SharedClient
from scenarios import ABROAD, history, judge
from streams import at, login


def test_device_seen_on_another_account_is_challenged():
    other = login(at(4, 23), account_id="B2", session_id="X1", **ABROAD)
    d = judge(SharedClient(), [*history(), other, login(at(5, 9), session_id="X2", **ABROAD)])
    assert d.decision == "challenge" and "device_shared_across_accounts" in d.reasons


def test_same_account_again_is_not_shared():
    first = login(at(4, 23), session_id="X1", **ABROAD)
    d = judge(SharedClient(), [*history(), first, login(at(5, 9), session_id="X2", **ABROAD)])
    assert d.decision == "allow"


def test_japanese_home_address_shared_by_a_family_is_not_counted():
    family = {"ip": "126.10.20.30", "user_agent": "ua-2"}
    other = login(at(4, 20), account_id="B2", session_id="X1", device_id="d-spouse", **family)
    d = judge(SharedClient(), [*history(), other, login(at(5, 9), device_id="d-home", **family)])
    assert d.decision == "allow"
