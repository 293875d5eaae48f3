"""Phone-number authentication end to end: uvicorn on loopback, a carrier calling the webhook.

The login shows the number; the carrier reports the caller over real HTTP; the login proceeds only
for a call from the registered phone, inside the window, signed with the shared secret, once.
"""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest

from carrier import TestCarrier
from doors import key_header
from kozaguard.apikeys import Scope
from kozaguard.entrypoints.api.app import create_app
from mfakit import NUMBER, PASSWORD, PHONE, SECRET, make_settings, policy


@pytest.fixture
def served(tmp_path, free_port, serving):
    """The app with phone-number authentication at login, served on 127.0.0.1; a customer."""

    def run(window: timedelta = timedelta(minutes=3)):
        settings = make_settings(
            tmp_path, policy("registered", phone_call=True), phone_call_window_seconds=window.total_seconds()
        )
        app = create_app(settings)
        headers = key_header(app, Scope.CUSTOMERS_WRITE)
        ctx = serving(app, free_port())
        base = ctx.__enter__()
        for login_id, phone in (("taro", PHONE), ("hanako", "080-9999-0000")):
            r = httpx.post(
                f"{base}/identity/customers",
                headers=headers,
                json={
                    "login_id": login_id,
                    "password": PASSWORD,
                    "email": f"{login_id}@example.jp",
                    "phone": phone,
                },
            )
            assert r.status_code == 201, r.text
        return base, ctx

    opened = []

    def start(**kw):
        base, ctx = run(**kw)
        opened.append(ctx)
        return base

    yield start
    for ctx in opened:
        ctx.__exit__(None, None, None)


def _wait_for_call(
    base: str, login_id: str = "taro", ip: str = "198.51.100.7"
) -> tuple[httpx.Client, str, dict]:
    client = httpx.Client(base_url=base, headers={"X-Device-Id": f"dev-{login_id}"})
    d = client.post("/identity/login", json={"login_id": login_id, "password": PASSWORD}).json()
    assert d["decision"] == "challenge" and d["methods"] == ["phone_call", "recovery_code"], d
    r = client.post("/identity/login/phone", json={"ticket": d["ticket"]})
    assert r.status_code == 200, r.text
    return client, d["ticket"], r.json()


def _verify(client: httpx.Client, ticket: str) -> httpx.Response:
    return client.post("/identity/login/verify", json={"ticket": ticket, "method": "phone_call"})


def test_call_from_the_registered_phone_logs_in(served):
    base = served()
    client, ticket, call = _wait_for_call(base)
    assert call["call"] == NUMBER and call["from"] == "***5678"
    early = _verify(client, ticket)
    assert early.status_code == 409 and early.json()["error"] == "phone_call_waiting"
    carrier = TestCarrier(base, SECRET, NUMBER)
    r = carrier.call("+81 90-1234-5678")  # the carrier's E.164 form of the registered 090-1234-5678
    assert r.status_code == 200 and r.json() == {"status": "matched"}, r.text
    r = _verify(client, ticket)
    assert (
        r.status_code == 200
        and r.json()["decision"] == "allow"
        and "passed_phone_call" in r.json()["reasons"]
    )
    assert (
        client.get("/identity/me", headers={"Authorization": f"Bearer {r.json()['session']}"}).status_code
        == 200
    )
    # the answered call is used once
    assert _verify(client, ticket).json()["error"] == "ticket_invalid"


def test_bad_signature_replay_stale_and_other_numbers_are_refused(served):
    base = served()
    client, ticket, _ = _wait_for_call(base)
    carrier = TestCarrier(base, SECRET, NUMBER)
    refused = {
        "wrong secret": carrier.call(PHONE, secret="not-the-shared-secret"),
        "stale timestamp": carrier.call(PHONE, timestamp=time.time() - 600),
        "signed in the future": carrier.call(PHONE, timestamp=time.time() + 600),
        "call before the login opened": carrier.call(PHONE, timestamp=time.time() - 45),
        "another number": carrier.call("090-0000-1111"),
        "another customer's phone": carrier.call("080-9999-0000"),
        "our number not called": carrier.call(PHONE, called="0120-111-222"),
    }
    expected = {
        "wrong secret": (401, "webhook_signature_invalid"),
        "stale timestamp": (401, "webhook_stale"),
        "signed in the future": (401, "webhook_stale"),
        "call before the login opened": (404, "call_not_matched"),
        "another number": (404, "call_not_matched"),
        "another customer's phone": (404, "call_not_matched"),
        "our number not called": (404, "call_not_matched"),
    }
    for name, r in refused.items():
        assert (r.status_code, r.json()["error"]) == expected[name], (name, r.text)
    tampered = httpx.post(
        carrier.url,
        content=b'{"caller": "' + PHONE.encode() + b'", "called": "' + NUMBER.encode() + b'"}',
        headers={
            "Content-Type": "application/json",
            "X-Kozaguard-Timestamp": str(int(time.time())),
            "X-Kozaguard-Nonce": "n" * 24,
            "X-Kozaguard-Signature": "0" * 64,
        },
    )
    assert tampered.status_code == 401
    assert _verify(client, ticket).json()["error"] == "phone_call_waiting"  # nothing above answered it
    ok = carrier.call(PHONE)
    assert ok.status_code == 200
    again = carrier.replay(ok)  # the same signed request captured and sent again
    assert again.status_code == 409 and again.json()["error"] == "webhook_replayed"
    assert _verify(client, ticket).json()["decision"] == "allow"


def test_a_call_after_the_window_is_refused(served):
    base = served(window=timedelta(seconds=1))
    client, ticket, _ = _wait_for_call(base)
    time.sleep(2.5)  # the carrier signs whole seconds: well past the one-second window
    r = TestCarrier(base, SECRET, NUMBER).call(PHONE)
    assert r.status_code == 404 and r.json()["error"] == "call_not_matched"
    assert _verify(client, ticket).json()["error"] == "phone_call_waiting"


def test_twenty_parallel_reports_answer_one_login_once(served):
    base = served()
    client, ticket, _ = _wait_for_call(base)
    answers = TestCarrier(base, SECRET, NUMBER).call_many(PHONE, 20)
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] + [404] * 19, codes
    assert _verify(client, ticket).json()["decision"] == "allow"
