from kozaguard.engine.detectors.session_binding import SessionBinding
from scenarios import ABROAD, HOME, history, judge
from streams import at, ev, sell


def test_same_client_passes():
    d = judge(SessionBinding(), [*history(), sell(at(3, 8, 5), "7203", 100, session_id="H3", **HOME)])
    assert d.decision == "allow"


def test_stolen_cookie_from_another_browser_is_denied():
    d = judge(SessionBinding(), [*history(), sell(at(3, 8, 5), "7203", 300, session_id="H3", **ABROAD)])
    assert d.decision == "deny" and d.reasons == ["session_client_changed"] and "open_case" in d.actions


def test_same_browser_moving_abroad_is_challenged():
    d = judge(
        SessionBinding(),
        [*history(), sell(at(3, 8, 5), "7203", 100, session_id="H3", device_id="d-home", ip="8.8.8.8")],
    )
    assert d.decision == "challenge" and d.reasons == ["session_country_changed"]


def test_session_opened_before_the_stream_is_checked_against_known_clients():
    unknown = ev(
        "cash.withdrawal", at(5, 9), session_id="OLD", amount_jpy=10_000, bank_account_id="B", **ABROAD
    )
    assert judge(SessionBinding(), [*history(), unknown]).decision == "deny"
    known = ev("cash.withdrawal", at(5, 9), session_id="OLD", amount_jpy=10_000, bank_account_id="B", **HOME)
    assert judge(SessionBinding(), [*history(), known]).decision == "allow"


def test_session_turning_up_on_another_network_a_day_later_is_denied():
    # same browser and cookie (copied by an infostealer), another provider, the next day
    late = sell(at(4, 10), "7203", 100, session_id="H3", device_id="d-home", ip="2400:4050::1")
    d = judge(SessionBinding(), [*history(), late])
    assert d.decision == "deny" and d.reasons == ["stale_session_moved"]
    soon = sell(at(3, 8, 5), "7203", 100, session_id="H3", device_id="d-home", ip="2400:4050::1")
    assert judge(SessionBinding(), [*history(), soon]).reasons == ["session_network_changed"]


def test_an_app_updating_itself_in_the_middle_of_a_session_is_the_same_client():
    from kozaguard.engine.detectors.session_binding import SessionBinding
    from scenarios import HOME, history, judge
    from streams import at, login, sell

    old, new = (
        "MiraiTrade/6.8.2 (Android 15; Pixel 8; ja-JP)",
        "MiraiTrade/6.9.0 (Android 15; Pixel 8; ja-JP)",
    )
    start = login(at(3, 9), session_id="L", user_agent=old, **HOME)
    updated = sell(at(3, 15), "7203", 100, session_id="L", user_agent=new, **HOME)
    assert judge(SessionBinding(), [*history(), start, updated]) is None or "session_client_changed" not in (
        judge(SessionBinding(), [*history(), start, updated]).reasons
    )
    other = sell(at(3, 15), "7203", 100, session_id="L", user_agent="python-requests/2.31", **HOME)
    assert judge(SessionBinding(), [*history(), start, other]).reasons == ["session_client_changed"]
