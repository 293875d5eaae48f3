from kozaguard.engine.detectors.cooling_off import CoolingOff
from scenarios import HOME, history, judge
from streams import at, ev


def test_withdrawal_after_email_change_is_held_during_cooling_off():
    change = ev("profile.change", at(3, 8, 1), session_id="H3", field="email", **HOME)
    withdraw = ev(
        "cash.withdrawal", at(4, 8), session_id="H3", amount_jpy=90_000, bank_account_id="B1", **HOME
    )
    d = judge(CoolingOff(hours=72), [*history(), change, withdraw])
    assert d.decision == "hold" and d.reasons == ["email_changed_recently"]
    later = ev("cash.withdrawal", at(7, 9), session_id="H3", amount_jpy=90_000, bank_account_id="B1", **HOME)
    assert judge(CoolingOff(hours=72), [*history(), change, later]).decision == "allow"
