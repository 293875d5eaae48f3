from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors.contact_changed import ContactChanged
from kozaguard.engine.detectors.new_device import NewDevice
from kozaguard.engine.engine import Engine
from scenarios import ABROAD, HOME, history
from streams import at, ev, login


def run(events, factors=("email_otp",)):
    engine = Engine(memory_state(), [NewDevice(), ContactChanged()])
    return [engine.process(e) for e in [*history(factors=factors), *events]][-1]


def change(field="email"):
    return ev("profile.change", at(3, 8, 5), session_id="H3", field=field, **HOME)


def test_actions_after_a_change_carry_risk():
    d = run([change(), login(at(3, 9), session_id="H9", **HOME)])
    assert d.decision == "allow" and d.reasons == ["email_changed_recently"]


def test_no_trusted_code_channel_left_is_denied():
    d = run([change(), login(at(3, 9), session_id="R", **ABROAD)])
    assert d.decision == "deny" and "no_trusted_factor" in d.reasons


def test_a_passkey_remains_trusted():
    d = run([change(), login(at(3, 9), session_id="R", **ABROAD)], factors=("email_otp", "passkey"))
    assert (d.decision, d.factor) == ("challenge", "passkey")


def test_a_code_by_sms_is_still_trusted_after_an_email_change():
    d = run([change(), login(at(3, 9), session_id="R", **ABROAD)], factors=("email_otp", "sms"))
    assert (d.decision, d.factor) == ("challenge", "otp")
