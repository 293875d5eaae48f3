"""The staff console and the customer's pages in Debian's Chromium (Playwright, no browser download).

Staff: log in with password + TOTP, release a held order (it reaches the engine as `review.decided`),
lift a restriction, propose a payout and fail to approve it alone, approve it as a second staff
member, switch the language. Customer: enrol TOTP by scanning the QR code on the page (the screenshot
decoded with zbar), register a passkey on a non-default port (CDP virtual authenticator; origins
derived from the served port), log out, log in with the passkey, report "this wasn't me".

Screenshots go to a temporary folder, or to KOZAGUARD_SCREENSHOTS (the README's pictures are made
with `KOZAGUARD_SCREENSHOTS=docs/screenshots`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import msgspec
import pytest
from typer.testing import CliRunner

from doors import STAFF_PASSWORD, app_settings
from kozaguard.adapters.notify import OutboxNotifier
from kozaguard.entrypoints import serving as served
from kozaguard.entrypoints.api.app import create_app
from kozaguard.entrypoints.cli import app as cli
from kozaguard.events.codec import decode_event
from kozaguard.events.schema import Decision
from kozaguard.identity import otp

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WORKED = Path(__file__).parents[1] / "cases" / "data" / "worked_example.jsonl"
PASSWORD = "kumo-hashiru-7-sakana"
ORDER = {
    "type": "order.new",
    "event_id": "o1",
    "ts": "2025-04-21T10:00:00+09:00",
    "account_id": "A1",
    "session_id": "S1",
    "ip": "203.0.113.7",
    "user_agent": "UA",
    "device_id": "d9",
    "channel": "web",
    "order_id": "O1",
    "symbol": "7777",
    "side": "buy",
    "qty": 1000,
    "order_type": "limit",
    "limit_price": 950.0,
    "account_type": "cash",
}

pytestmark = pytest.mark.browser


def _require(tool: str, why: str) -> None:
    if not (os.path.exists(tool) or shutil.which(tool)):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} missing under CI: run .ci/install-browser")
        pytest.skip(f"no {tool} ({why}; install with .ci/install-browser)")


@pytest.fixture
def browser():
    _require(CHROMIUM, "Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def shots(tmp_path):
    where = Path(os.environ.get("KOZAGUARD_SCREENSHOTS") or tmp_path / "shots")
    where.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=str(where / f"{name}.png"), full_page=True)


def _staff_login(page, base: str, staff_id: str, secret: str) -> None:
    page.goto(f"{base}/staff/login")
    page.fill('input[name="login_id"]', staff_id)
    page.fill('input[name="password"]', STAFF_PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_selector('input[name="code"]')
    page.fill('input[name="code"]', otp.code_at(secret, time.time()))
    page.click('button[type="submit"]')
    page.wait_for_url(f"{base}/staff/")


def test_staff_release_lift_four_eyes_and_language(browser, tmp_path, free_port, serving, shots):
    cases_db = f"sqlite:{tmp_path / 'cases.sqlite'}"
    built = CliRunner().invoke(cli, ["cases", "build", "--events", str(WORKED), "--db", cases_db])
    assert built.exit_code == 0, built.output
    port = free_port()
    app = create_app(
        app_settings(
            tmp_path,
            cases_db=cases_db,
            console_db=str(tmp_path / "console.sqlite"),
            identity={"origins": [f"http://localhost:{port}"]},
        )
    )
    event = decode_event(msgspec.json.encode(ORDER))
    app.state.ledger.record(
        event,
        Decision(
            event_id="o1",
            decision="hold",
            score=0.93,
            reasons=["pump_buy", "new_device"],
            actions=["restrict_symbol:7777", "open_case"],
        ),
    )
    sent: list[dict] = []
    real = app.state.engine.decide_raw
    app.state.engine.decide_raw = lambda raw: sent.append(msgspec.json.decode(raw)) or real(raw)
    hana = app.state.staff.create(
        "hana", STAFF_PASSWORD, "analyst", email="hana@broker.example.jp", phone="03-1111-2222", by="t"
    )
    ken = app.state.staff.create(
        "ken", STAFF_PASSWORD, "supervisor", email="ken@broker.example.jp", phone="03-1111-3333", by="t"
    )

    with serving(app, port) as base:
        analyst = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        _staff_login(analyst, base, "hana", hana.totp_secret)
        assert analyst.locator("html").get_attribute("lang") == "ja"
        shots(analyst, "console-dashboard")

        # release the held order: the row says so and the engine hears review.decided
        analyst.goto(f"{base}/staff/alerts")
        assert "7777" in analyst.text_content("#alert-o1")
        shots(analyst, "console-alerts")
        analyst.click("#alert-o1 button.release")
        analyst.wait_for_selector("#alert-o1 .ok")
        reviews = [e for e in sent if e["type"] == "review.decided"]
        assert [(e["reviewed_event_id"], e["outcome"], e["staff_id"]) for e in reviews] == [
            ("o1", "released", "hana")
        ]
        assert app.state.ledger.alert("o1").review["outcome"] == "released"

        # propose the payout, and fail to approve it alone (four eyes)
        analyst.goto(f"{base}/staff/cases/C000001")
        analyst.select_option('#propose select[name="policy_id"]', "sbi-rakuten-2025")
        analyst.click('#propose button[type="submit"]')
        analyst.wait_for_selector("#proposal")
        assert "sbi-rakuten-2025" in analyst.text_content("#proposal")
        shots(analyst, "console-case")
        assert analyst.locator("#approve").count() == 0  # an analyst is not offered the approval
        refused = analyst.request.post(
            f"{base}/staff/cases/C000001/approval",
            headers={"X-CSRF-Token": _csrf(analyst), "Origin": base},
        )
        assert refused.status == 403

        supervisor_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        supervisor = supervisor_ctx.new_page()
        _staff_login(supervisor, base, "ken", ken.totp_secret)

        # lift the engine's restriction of 7777, with a reason; it reaches the engine
        supervisor.goto(f"{base}/staff/campaigns/7777")
        shots(supervisor, "console-campaign")
        supervisor.fill('input[name="reason"]', "仕手の買いは止まった")
        supervisor.click("#restrict-toggle")
        supervisor.wait_for_selector("#restrict-result .ok, #restrict-result p")
        assert not app.state.ledger.restriction("7777").imposed
        lifted = [e for e in sent if e["type"] == "symbol.restriction"]
        assert [(e["symbol"], e["action"], e["staff_id"]) for e in lifted] == [("7777", "lifted", "ken")]

        # a second staff member approves hana's proposal
        supervisor.goto(f"{base}/staff/cases/C000001")
        supervisor.click("#approve")
        supervisor.wait_for_selector("#proposal:has-text('ken')")
        from kozaguard.cases import service as cases
        from kozaguard.entrypoints.api.cases import cases_store
        from kozaguard.entrypoints.api.ops import cases_store_of

        shown = cases.show(cases_store_of(app.state, cases_store), "C000001")
        assert shown["status"] == "approved" and shown["proposal"]["approved_by"] == "ken"

        # language switch: English and back
        supervisor.click("#lang-switch")
        supervisor.wait_for_selector("html[lang=en]")
        assert "Approved" in supervisor.text_content("main") or "approved" in supervisor.text_content("main")
        supervisor.goto(f"{base}/staff/")
        assert "Dashboard" in supervisor.text_content("h1")
        shots(supervisor, "console-dashboard-en")
        supervisor.click("#lang-switch")
        supervisor.wait_for_selector("html[lang=ja]")


def test_four_eyes_refuses_a_supervisor_approving_his_own_proposal(browser, tmp_path, free_port, serving):
    cases_db = f"sqlite:{tmp_path / 'cases.sqlite'}"
    assert (
        CliRunner().invoke(cli, ["cases", "build", "--events", str(WORKED), "--db", cases_db]).exit_code == 0
    )
    port = free_port()
    app = create_app(
        app_settings(
            tmp_path,
            cases_db=cases_db,
            console_db=str(tmp_path / "console.sqlite"),
            identity={"origins": [f"http://localhost:{port}"]},
        )
    )
    ken = app.state.staff.create(
        "ken", STAFF_PASSWORD, "supervisor", email="ken@broker.example.jp", phone="03-1111-3333", by="t"
    )
    with serving(app, port) as base:
        page = browser.new_page()
        _staff_login(page, base, "ken", ken.totp_secret)
        page.goto(f"{base}/staff/cases/C000001")
        page.select_option('#propose select[name="policy_id"]', "restore")
        page.click('#propose button[type="submit"]')
        page.wait_for_selector("#proposal")
        page.click("#approve")
        page.wait_for_selector("#case-result .error")
        assert "ken" in page.text_content("#case-result")
    from kozaguard.cases import service as cases
    from kozaguard.entrypoints.api.cases import cases_store
    from kozaguard.entrypoints.api.ops import cases_store_of

    assert cases.show(cases_store_of(app.state, cases_store), "C000001")["status"] == "compensation_proposed"


def _csrf(page) -> str:
    return page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token']")


# ----- the customer ---------------------------------------------------------------------------------
class Clock:
    """Real time plus an offset the test moves (a TOTP code is good once per 30-second step)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def _code(outbox: Path) -> str:
    body = OutboxNotifier(outbox).read()[-1].body
    return re.search(r"認証コード: (\d{6})", body).group(1)


def _scan(png: Path) -> str:
    out = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, f"zbarimg read no QR code in {png}: {out.stderr}"
    return out.stdout.strip()


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


def _step_up(page, code) -> None:
    """Pass the page's step-up: send, then type `code()` (read after the send)."""
    page.click("#step-up-send")
    page.wait_for_selector("#step-up-status p")
    page.fill("#step-up-code", code())
    page.click("#step-up-submit")
    page.wait_for_selector("#step-up-status :text('確認しました')")


def test_customer_scans_the_qr_code_registers_a_passkey_logs_out_and_reports(
    browser, tmp_path, free_port, serving, shots
):
    _require("zbarimg", "zbar-tools decodes the QR code")
    port = free_port()
    assert port != 8000
    settings = served.served_settings(
        app_settings(
            tmp_path,
            store="sqlite",
            kind="dev-outbox",
            cases_db=f"sqlite:{tmp_path / 'cases.sqlite'}",
            console_db=str(tmp_path / "console.sqlite"),
        ),
        "127.0.0.1",
        port,
        None,
        env={},
    )
    assert f"http://localhost:{port}" in settings.identity.origins
    app = create_app(settings)
    clock = Clock()
    app.state.identity.clock = clock
    app.state.identity.register("hanako", PASSWORD, "hanako@example.jp", "090-1111-2222", "山田花子")
    cid = app.state.identity.store.find_customer("hanako").customer_id
    app.state.ledger.record(
        decode_event(
            msgspec.json.encode({**ORDER, "account_id": cid, "order_id": "ORD-9", "symbol": "4591"})
        ),
        None,
    )
    outbox = settings.notifier.outbox_path

    with serving(app, port) as base:
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        _virtual_authenticator(context, page)

        page.goto(f"{base}/identity/pages/login")
        page.fill("#login_id", "hanako")
        page.fill("#password", PASSWORD)
        page.click("#password-login")
        page.wait_for_selector("#code")
        page.fill("#code", _code(outbox))
        page.click("#code-submit")
        page.wait_for_url(f"{base}/identity/pages/activity")

        # TOTP: the code is read off the screen as a phone would, then its first code confirms it
        page.goto(f"{base}/identity/pages/totp")
        _step_up(page, lambda: _code(outbox))
        page.click("#totp-start")
        page.wait_for_selector("#totp-qr svg")
        shots(page, "customer-totp")
        png = tmp_path / "qr.png"
        page.locator("#totp-qr").screenshot(path=str(png))
        uri = _scan(png)
        assert uri.startswith("otpauth://totp/")
        secret = parse_qs(urlparse(uri).query)["secret"][0]
        assert secret == page.text_content("#totp-secret").strip()
        page.fill("#totp-code", otp.code_at(secret, clock().timestamp()))
        page.click("#totp-confirm button[type='submit']")
        page.wait_for_selector("#message:text('認証アプリを登録しました')")

        # a passkey on this port: the step-up now takes the app's next code
        clock.offset += timedelta(seconds=31)
        page.goto(f"{base}/identity/pages/passkeys")
        page.click("#step-up-send")
        page.wait_for_selector("#step-up-status p")
        page.fill("#step-up-code", otp.code_at(secret, clock().timestamp()))
        page.click("#step-up-submit")
        page.wait_for_selector("#step-up-status :text('確認しました')")
        page.fill("#passkey-name", "テスト端末")
        page.click("#passkey-register")
        page.wait_for_selector("#passkeys tr[data-id]")
        assert len(app.state.identity.store.list_passkeys(cid)) == 1
        shots(page, "customer-passkeys")

        # log out: the session ends; the passkey alone logs in again
        page.click("#logout")
        page.wait_for_selector("#logged-out")
        assert page.request.get(f"{base}/identity/me").status == 401
        page.click("#passkey-login")
        page.wait_for_url(f"{base}/identity/pages/activity")

        # the checkup: factors on, no passkey nudge now, and "this wasn't me" on the order
        page.goto(f"{base}/identity/pages/checkup")
        assert page.locator("#passkey-nudge").count() == 0
        assert "4591" in page.text_content("#trades")
        shots(page, "customer-checkup")
        page.click('#trades button[data-report="trade"]')
        page.wait_for_selector("#report-status #message")
        assert "ご報告を受け付けました" in page.text_content("#report-status")
        reports = [a for a in app.state.ledger.timeline(cid) if a.type == "customer.report"]
        assert [(r.detail["kind"], r.detail["order_ids"]) for r in reports] == [
            ("unrecognized_trade", ["ORD-9"])
        ]


def test_passkey_at_a_bare_ip_address_is_explained_in_japanese(browser, tmp_path, free_port, serving):
    port = free_port()
    settings = served.served_settings(
        app_settings(tmp_path, kind="dev-outbox"), "127.0.0.1", port, None, env={}
    )
    app = create_app(settings)
    with serving(app, port):
        context = browser.new_context()
        page = context.new_page()
        _virtual_authenticator(context, page)
        page.goto(f"http://127.0.0.1:{port}/identity/pages/login")
        page.click("#passkey-login")
        page.wait_for_selector('#passkey-status[data-state]:not([data-state="pending"]):not([data-state=""])')
        text = page.text_content("#passkey-status")
        assert f"http://localhost:{port}" in text and re.search(r"[ぁ-んァ-ン]", text), text
        assert not re.search(r"[A-Za-z]{6,}", text.replace(f"http://localhost:{port}", "")), text
