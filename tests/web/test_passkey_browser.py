"""Real passkey registration and login in Debian's Chromium with a virtual WebAuthn authenticator.

The app runs under uvicorn on 127.0.0.1; the browser uses http://localhost:PORT (a secure context)
with RP ID "localhost". A second listener on another port plays a phishing site relaying to the same
backend: the browser signs its own origin there, and the server refuses it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from doors import app_settings
from kozaguard.adapters.notify import OutboxNotifier
from kozaguard.entrypoints.api.app import create_app

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "kumo-hashiru-7-sakana"

pytestmark = pytest.mark.browser


def _require_chromium() -> None:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium missing under CI: run .ci/install-browser")
        pytest.skip("no /usr/bin/chromium (install with .ci/install-browser)")


@pytest.fixture
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _virtual_authenticator(context, page) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def _last_code(outbox: Path) -> str:
    body = OutboxNotifier(outbox).read()[-1].body
    return re.search(r"認証コード: (\d{6})", body).group(1)


def test_passkey_registration_login_and_wrong_origin(browser, tmp_path, free_port, serving):
    port, phishing_port = free_port(), free_port()
    origin = f"http://localhost:{port}"
    settings = app_settings(
        tmp_path, identity={"rp_id": "localhost", "origins": [origin]}, store="sqlite", kind="dev-outbox"
    )
    app = create_app(settings)
    app.state.identity.register("hanako", PASSWORD, "hanako@example.jp", "090-1111-2222", "山田花子")

    with serving(app, port) as base, serving(app, phishing_port) as phishing:
        context = browser.new_context()
        page = context.new_page()
        _virtual_authenticator(context, page)

        # 1. Password + e-mail code (no factor enrolled yet).
        page.goto(f"{base}/identity/pages/login")
        page.fill("#login_id", "hanako")
        page.fill("#password", PASSWORD)
        page.click("#password-login")
        page.wait_for_selector("#code")
        page.fill("#code", _last_code(settings.notifier.outbox_path))
        page.click("#code-submit")
        page.wait_for_url(f"{base}/identity/pages/activity")
        assert "山田花子" in page.text_content("#whoami")

        # 2. Prove it with an e-mail code, then register a passkey on the virtual authenticator.
        page.goto(f"{base}/identity/pages/passkeys")
        page.click("#step-up-send")
        page.wait_for_selector("#step-up-status .ok")
        page.fill("#step-up-code", _last_code(settings.notifier.outbox_path))
        page.click("#step-up-submit")
        page.wait_for_selector("#step-up-status :text('確認しました')")
        page.fill("#passkey-name", "テスト端末")
        page.click("#passkey-register")
        page.wait_for_selector("#passkeys tr[data-id]")
        assert "テスト端末" in page.text_content("#passkeys")
        stored = app.state.identity.store.list_passkeys(
            app.state.identity.store.find_customer("hanako").customer_id
        )
        assert len(stored) == 1

        # 3. Log out and log in with the passkey alone (discoverable credential, user verified).
        context.clear_cookies()
        page.goto(f"{base}/identity/pages/login")
        page.click("#passkey-login")
        page.wait_for_url(f"{base}/identity/pages/activity")
        first_row = page.text_content("#logins tbody tr")
        assert "成功" in first_row and "パスキー" in first_row
        assert (
            app.state.identity.store.list_passkeys(stored[0].customer_id)[0].sign_count > stored[0].sign_count
        )

        # 4. The same backend reached through another origin (a relaying phishing site) is refused.
        context.clear_cookies()
        page.goto(f"{phishing}/identity/pages/login")
        page.click("#passkey-login")
        page.wait_for_selector("#passkey-status[data-state='passkey_rejected']")
        assert "パスキーによる認証に失敗しました" in page.text_content("#passkey-status")
        assert not [c for c in context.cookies() if c["name"] == "kz_session"]
        context.close()
