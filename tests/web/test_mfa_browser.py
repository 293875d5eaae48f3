"""The authentication policy in Debian's Chromium: enrolment at login, phone-number login, passkey-only.

A minimal Playwright harness of its own (the Chromium at /usr/bin/chromium, never a download), the
app under uvicorn on 127.0.0.1, and the test carrier calling the telephony webhook over real HTTP.
"""

from __future__ import annotations

import os
import re
import shutil
import time

import httpx
import pyotp
import pytest

from authenticator import SoftAuthenticator
from carrier import TestCarrier
from kozaguard.account_security.step_up import Action
from kozaguard.adapters.notify import OutboxNotifier
from kozaguard.entrypoints.api.app import create_app
from mfakit import NUMBER, PASSWORD, PHONE, SECRET, make_settings, policy

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium missing under CI: run .ci/install-browser")
        pytest.skip("no /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _code(settings) -> str:
    for m in reversed(OutboxNotifier(settings.notifier.outbox_path).read()):
        found = re.search(r"認証コード: (\d{6})", m.body)
        if found:
            return found.group(1)
    raise AssertionError("no code sent")


def _app(tmp_path, port, auth_policy, **identity):
    settings = make_settings(tmp_path, auth_policy, origins=[f"http://localhost:{port}"], **identity)
    app = create_app(settings)
    app.state.identity.register("taro", PASSWORD, "taro@example.jp", PHONE, "山田太郎")
    return settings, app


def _password(page, base):
    page.goto(f"{base}/identity/pages/login")
    page.fill("#login_id", "taro")
    page.fill("#password", PASSWORD)
    page.click("#password-login")


def test_enrolment_at_login_after_the_deadline_cannot_be_skipped(browser, tmp_path, free_port, serving):
    port = free_port()
    settings, app = _app(tmp_path, port, policy("registered", days_ago=30, grace=10))
    with serving(app, port) as base:
        page = browser.new_context().new_page()
        _password(page, base)
        page.wait_for_selector("#code")
        page.fill("#code", _code(settings))
        page.click("#code-submit")
        page.wait_for_url(f"{base}/identity/pages/enrol")
        assert "追加認証の登録をお願いします" in page.text_content("#enrol-title")
        # every other page leads back here; the JSON API refuses the session
        for other in ("activity", "passkeys", "totp"):
            page.goto(f"{base}/identity/pages/{other}")
            assert page.url == f"{base}/identity/pages/enrol", other
        status = page.evaluate("fetch('/identity/me').then(r => r.status)")
        assert status == 403
        trade = page.evaluate(
            "fetch('/identity/step-up', {method: 'POST', headers: {'Content-Type': 'application/json'},"
            " body: JSON.stringify({action: 'trade'})}).then(r => r.json()).then(b => b.error)"
        )
        assert trade == "enrolment_required"
        # enrol an authenticator app: e-mail code step-up, QR secret, first code
        page.click("#step-up-send")
        page.wait_for_selector("#step-up-status .ok")
        page.fill("#step-up-code", _code(settings))
        page.click("#step-up-submit")
        page.wait_for_selector("#step-up-status :text('確認しました')")
        page.click("#totp-start")
        secret = page.text_content("#totp-secret").strip()
        page.fill("#totp-code", pyotp.TOTP(secret).now())
        page.click("#totp-confirm button")
        page.wait_for_selector("#message")
        page.click("#enrol-continue")
        page.wait_for_url(f"{base}/identity/pages/activity")
        assert page.evaluate("fetch('/identity/me').then(r => r.status)") == 200


def test_phone_number_login_passes_with_the_carriers_call_only(browser, tmp_path, free_port, serving):
    port = free_port()
    _, app = _app(tmp_path, port, policy("registered", phone_call=True))
    with serving(app, port) as base:
        carrier = TestCarrier(base, SECRET, NUMBER)
        page = browser.new_context().new_page()
        _password(page, base)
        page.click("#phone-call-start")
        page.wait_for_selector("#phone-call-number")
        assert page.text_content("#phone-call-number").strip() == NUMBER
        refused = [
            carrier.call("090-0000-1111"),  # a wrong number
            carrier.call(PHONE, secret="forged-secret"),  # a bad signature
            carrier.call(PHONE, timestamp=time.time() - 600),  # a stale call
        ]
        assert [r.status_code for r in refused] == [404, 401, 401]
        page.click("#phone-call-done")
        page.wait_for_selector("#code-error")
        assert "発信をまだ確認できていません" in page.text_content("#code-error")
        assert page.url.endswith("/identity/pages/login")
        assert carrier.call("+81-90-1234-5678").status_code == 200  # the registered phone calls
        page.click("#phone-call-done")
        page.wait_for_url(f"{base}/identity/pages/activity")
        assert "電話番号認証" in page.text_content("#logins tbody tr")


def test_passkey_only_refuses_every_code(browser, tmp_path, free_port, serving):
    port = free_port()
    settings, app = _app(tmp_path, port, policy(None, phone_call=True))
    svc = app.state.identity
    with serving(app, port) as base:
        # the customer registers a passkey and turns passkey-only on (through the HTTP API)
        auth = SoftAuthenticator()
        api = httpx.Client(base_url=base, headers={"X-Device-Id": "dev-1"})
        d = api.post("/identity/login", json={"login_id": "taro", "password": PASSWORD}).json()
        s = api.post(
            "/identity/login/verify",
            json={"ticket": d["ticket"], "method": "email_otp", "code": _code(settings)},
        ).json()["session"]
        bearer = {"Authorization": f"Bearer {s}"}
        api.post("/identity/step-up", json={"action": "factor_enrolment"}, headers=bearer)
        api.post(
            "/identity/step-up/verify",
            headers=bearer,
            json={"action": "factor_enrolment", "method": "email_otp", "code": _code(settings)},
        )
        o = api.post("/identity/passkeys/options", headers=bearer).json()
        r = api.post(
            "/identity/passkeys",
            headers=bearer,
            json={"challenge_id": o["challenge_id"], "credential": auth.create(o["options"], base)},
        )
        assert r.status_code == 201, r.text
        step = api.post(
            "/identity/step-up", json={"action": str(Action.FACTOR_REMOVAL)}, headers=bearer
        ).json()
        api.post(
            "/identity/step-up/verify",
            headers=bearer,
            json={
                "action": "factor_removal",
                "method": "passkey",
                "challenge_id": step["challenge_id"],
                "credential": auth.get(step["passkey_options"], base),
            },
        )
        assert api.put("/identity/passkey-only", json={"on": True}, headers=bearer).status_code == 200
        assert svc.is_passkey_only(svc.store.find_customer("taro"))

        page = browser.new_context().new_page()
        _password(page, base)
        page.wait_for_selector("#passkey-verify")
        assert page.locator("#code").count() == 0 and page.locator("#phone-call-start").count() == 0
        ticket = page.get_attribute("#passkey-verify", "data-passkey-verify")
        answers = page.evaluate(
            """async (ticket) => {
                const post = (url, body) => fetch(url, {method: 'POST',
                    headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
                    .then(async r => [r.status, (await r.json()).error]);
                return [
                    await post('/identity/login/code', {ticket, method: 'email_otp'}),
                    await post('/identity/login/code', {ticket, method: 'sms'}),
                    await post('/identity/login/verify', {ticket, method: 'email_otp', code: '123456'}),
                    await post('/identity/login/verify', {ticket, method: 'totp', code: '123456'}),
                    await post('/identity/login/verify', {ticket, method: 'recovery_code', code: 'AB-CD'}),
                    await post('/identity/login/phone', {ticket}),
                    await post('/identity/login/verify', {ticket, method: 'phone_call'}),
                ];
            }""",
            ticket,
        )
        assert answers == [[403, "passkey_only"]] * 7, answers
        # the customer's own step-ups refuse codes too
        r = api.post(
            "/identity/step-up/verify",
            headers=bearer,
            json={"action": "trade", "method": "email_otp", "code": "123456"},
        )
        assert (r.status_code, r.json()["error"]) == (403, "passkey_only")
