from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors.new_device import NewDevice
from kozaguard.engine.detectors.new_payee import NewPayee
from kozaguard.engine.engine import Engine
from scenarios import ABROAD, HOME, history
from streams import at, ev, login


def run(events):
    engine = Engine(memory_state(), [NewDevice(), NewPayee()])
    return [engine.process(e) for e in [*history(), *events]][-1]


def withdraw(session, bank, **ctx):
    return ev(
        "cash.withdrawal", at(3, 9, 30), session_id=session, amount_jpy=500_000, bank_account_id=bank, **ctx
    )


def test_bank_change_on_a_risky_session_is_held():
    risky = [login(at(3, 9), session_id="R", **ABROAD)]
    d = run([*risky, ev("profile.change", at(3, 9, 5), session_id="R", field="bank_account", **ABROAD)])
    assert d.decision == "hold" and d.reasons == ["bank_change_on_risky_session"]


def test_new_destination_after_a_bank_change_on_a_risky_session_is_held_a_known_one_is_not():
    risky = [login(at(3, 9), session_id="R", **ABROAD)]
    change = ev("profile.change", at(3, 9, 5), session_id="H3", field="bank_account", **HOME)
    assert run([*risky, change, withdraw("R", "B-NEW", **ABROAD)]).decision == "hold"
    assert run([*risky, withdraw("R", "B-REGISTERED", **ABROAD)]).decision == "allow"  # no change: own bank
    known = [withdraw("H3", "B-OLD", **HOME), *risky]
    assert (
        run(
            [
                *known,
                ev(
                    "cash.withdrawal",
                    at(3, 9, 40),
                    session_id="R",
                    amount_jpy=1000,
                    bank_account_id="B-OLD",
                    **ABROAD,
                ),
            ]
        ).decision
        == "allow"
    )


def test_customer_at_home_with_a_new_bank_is_not_held():
    assert run([withdraw("H3", "B-NEW", **HOME)]).decision == "allow"


def test_new_destination_after_a_bank_change_waits_unless_a_passkey_confirmed_it():
    change = ev("profile.change", at(3, 9, 5), session_id="H3", field="bank_account", **HOME)
    d = run([change, withdraw("H3", "B-NEW", **HOME)])  # the change passed a one-time code at best
    assert d.decision == "hold" and d.reasons == ["new_payee_without_passkey"]
    passkey = ev("auth.factor", at(2, 9, 5), session_id="H2", factor="passkey", action="enrolled", **HOME)
    assert run([passkey, change, withdraw("H3", "B-NEW", **HOME)]).decision == "allow"
