import pytest

from kozaguard.engine.detectors.step_up import StepUp
from scenarios import HOME, history, judge
from streams import at, ev


def withdraw():
    return ev(
        "cash.withdrawal", at(3, 8, 5), session_id="H3", amount_jpy=50_000, bank_account_id="B1", **HOME
    )


@pytest.mark.parametrize(("factors", "factor"), [(("sms",), "otp"), (("sms", "passkey"), "passkey")])
def test_withdrawal_needs_the_strongest_factor(factors, factor):
    d = judge(StepUp(), [*history(factors=factors), withdraw()])
    assert (d.decision, d.factor, d.reasons) == ("challenge", factor, ["withdrawal_step_up"])


@pytest.mark.parametrize(("field", "stepped"), [("bank_account", True), ("email", True), ("address", False)])
def test_profile_changes(field, stepped):
    d = judge(StepUp(), [*history(), ev("profile.change", at(3, 8, 5), session_id="H3", field=field, **HOME)])
    assert (d.decision == "challenge") is stepped
    if field == "email":
        assert d.actions == ["notify_old_contact"]


def test_factor_removal_is_stepped_up_but_enrolment_is_not():
    def change(action):
        return ev("auth.factor", at(3, 8, 5), session_id="H3", factor="sms", action=action, **HOME)

    assert judge(StepUp(), [*history(), change("removed")]).decision == "challenge"
    assert judge(StepUp(), [*history(), change("enrolled")]).decision == "allow"
