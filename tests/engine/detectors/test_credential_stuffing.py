from kozaguard.engine.detectors.credential_stuffing import CredentialStuffing
from scenarios import HOME, history, judge
from streams import at, login

BOT = {"ip": "45.1.2.3", "device_id": None, "user_agent": "python-requests/2.31"}


def spray(n):
    return [
        login(at(4, 2, i), account_id=f"X{i}", session_id=f"b{i}", result="password_bad", **BOT)
        for i in range(n)
    ]


def test_login_from_an_address_failing_across_accounts_is_challenged():
    d = judge(CredentialStuffing(accounts=5), [*history(), *spray(5), login(at(4, 3), **BOT)])
    assert d.decision == "challenge" and d.reasons == ["credential_stuffing_source"]


def test_few_failures_are_not_stuffing():
    assert (
        judge(CredentialStuffing(accounts=5), [*history(), *spray(2), login(at(4, 3), **BOT)]).decision
        == "allow"
    )


def test_other_addresses_are_untouched():
    assert (
        judge(CredentialStuffing(accounts=5), [*history(), *spray(8), login(at(4, 3), **HOME)]).decision
        == "allow"
    )
