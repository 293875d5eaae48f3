"""The customer's account pages over HTTP: logout, password, SMS, recovery codes, checkup and reports."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from doors import app_settings, key_header
from kozaguard.adapters.notify import OutboxNotifier
from kozaguard.apikeys import Scope
from kozaguard.entrypoints.api.app import create_app

PASSWORD = "kumo-hashiru-7-sakana"
NEW_PASSWORD = "hoshi-nagare-3-kawa-umi"


@pytest.fixture
def settings(tmp_path):
    return app_settings(
        tmp_path,
        store="sqlite",
        kind="dev-outbox",
        cases_db=f"sqlite:{tmp_path / 'cases.sqlite'}",
        console_db=str(tmp_path / "console.sqlite"),
    )


@pytest.fixture
def app(settings):
    app = create_app(settings)
    app.state.identity.register("taro", PASSWORD, "taro@example.jp", "090-1234-5678", "山田太郎")
    return app


def last_code(settings) -> str:
    body = OutboxNotifier(settings.notifier.outbox_path).read()[-1].body
    return re.search(r"認証コード: (\d{6})", body).group(1)


def logged_in(app, settings, password: str = PASSWORD) -> TestClient:
    """A browser-like client logged in through the pages (password + e-mail code)."""
    c = TestClient(app, base_url="http://localhost:8000")
    r = c.post("/identity/pages/login", data={"login_id": "taro", "password": password})
    ticket = re.search(r'name="ticket" value="([^"]+)"', r.text).group(1)
    r = c.post(
        "/identity/pages/login/verify",
        data={"ticket": ticket, "method": "email_otp", "code": last_code(settings)},
    )
    assert r.headers.get("HX-Redirect") == "/identity/pages/activity", r.text
    return c


def step_up(c, settings, action: str = "factor_enrolment") -> None:
    r = c.post("/identity/pages/step-up", data={"action": action})
    assert "送信しました" in r.text, r.text
    r = c.post("/identity/pages/step-up/verify", data={"action": action, "code": last_code(settings)})
    assert "確認しました" in r.text, r.text


def test_logout_ends_the_session_on_the_server(app, settings):
    c = logged_in(app, settings)
    token = c.cookies.get("kz_session")
    assert c.get("/identity/pages/checkup").status_code == 200
    r = c.post("/identity/pages/logout", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/identity/pages/login?logged_out=1"
    assert 'kz_session=""' in r.headers["set-cookie"] or "Max-Age=0" in r.headers["set-cookie"]
    assert "ログアウトしました" in c.get(r.headers["location"]).text
    replayed = TestClient(app, base_url="http://localhost:8000", cookies={"kz_session": token})
    assert replayed.get("/identity/pages/checkup", follow_redirects=False).status_code == 303
    assert replayed.get("/identity/me").status_code == 401


def test_password_change_needs_the_step_up_and_ends_other_sessions(app, settings):
    other = logged_in(app, settings)
    c = logged_in(app, settings)
    r = c.post("/identity/pages/password", data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert 'class="error"' in r.text and "追加認証" in r.text  # the step-up comes first, said in Japanese
    step_up(c, settings, "password_change")
    r = c.post("/identity/pages/password", data={"new_password": NEW_PASSWORD, "confirm": "other"})
    assert "一致しません" in r.text
    r = c.post("/identity/pages/password", data={"new_password": "password", "confirm": "password"})
    assert 'class="error"' in r.text and "パスワード" in r.text
    r = c.post("/identity/pages/password", data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert "パスワードを変更しました" in r.text
    assert other.get("/identity/me").status_code == 401 and c.get("/identity/me").status_code == 200
    anon = TestClient(app, base_url="http://localhost:8000")
    r = anon.post("/identity/pages/login", data={"login_id": "taro", "password": PASSWORD})
    assert "正しくありません" in r.text
    logged_in(app, settings, NEW_PASSWORD)


def test_sms_enrolment_page(app, settings):
    c = logged_in(app, settings)
    assert "SMS認証を登録" in c.get("/identity/pages/sms").text
    assert 'class="error"' in c.post("/identity/pages/sms/enrol").text  # no step-up yet
    step_up(c, settings)
    r = c.post("/identity/pages/sms/enrol")
    assert "5678" in r.text and 'id="sms-code"' in r.text
    r = c.post("/identity/pages/sms/confirm", data={"code": "000000"})
    assert 'class="error"' in r.text and 'id="sms-code"' in r.text  # the form stays to try again
    r = c.post("/identity/pages/sms/confirm", data={"code": last_code(settings)})
    assert "SMS認証を登録しました" in r.text
    assert "sms" in c.get("/identity/me").json()["factors"]
    assert "設定済み" in c.get("/identity/pages/sms").text


def test_recovery_codes_made_on_the_page_unlock_a_locked_login(app, settings):
    c = logged_in(app, settings)
    assert "残り 0 個" in c.get("/identity/pages/recovery").text
    step_up(c, settings)
    r = c.post("/identity/pages/recovery/codes")
    codes = re.findall(r"<li><code>([^<]+)</code></li>", r.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "残り 10 個" in c.get("/identity/pages/recovery").text
    anon = TestClient(app, base_url="http://localhost:8000")
    for _ in range(6):
        anon.post("/identity/pages/login", data={"login_id": "taro", "password": "wrong-password-1"})
    r = anon.post("/identity/pages/login", data={"login_id": "taro", "password": PASSWORD})
    assert "ticket" not in r.text  # locked: even the right password does not pass
    assert "リカバリーコード" in anon.get("/identity/pages/unlock").text
    r = anon.post("/identity/pages/unlock", data={"login_id": "taro", "recovery_code": "AAAA-BBBB"})
    assert 'class="error"' in r.text
    r = anon.post("/identity/pages/unlock", data={"login_id": "taro", "recovery_code": codes[0]})
    assert "ロックを解除しました" in r.text, r.text
    r = anon.post("/identity/pages/login", data={"login_id": "taro", "password": PASSWORD})
    assert 'name="ticket"' in r.text
    r = anon.post("/identity/pages/unlock", data={"login_id": "taro", "recovery_code": codes[0]})
    assert 'class="error"' in r.text  # a code unlocks once


def test_checkup_shows_factors_nudges_to_passkeys_and_gives_the_advice(app, settings):
    c = logged_in(app, settings)
    page = c.get("/identity/pages/checkup").text
    assert "山田太郎" in page and 'id="no-mfa"' in page and 'id="passkey-nudge"' in page
    for advice in ("ブックマーク", "メールやSMSのリンクからログインしないでください", "身に覚えのないお取引"):
        assert advice in page
    assert page.count('data-report="login"') == 1  # one login so far, one button


ORDER = {
    "type": "order.new",
    "event_id": "o-77",
    "ts": "2025-04-21T10:00:00+09:00",
    "session_id": "S1",
    "ip": "203.0.113.7",
    "user_agent": "UA",
    "device_id": "d9",
    "channel": "web",
    "order_id": "ORD-77",
    "symbol": "7777",
    "side": "buy",
    "qty": 1000,
    "order_type": "limit",
    "limit_price": 950.0,
    "account_type": "cash",
}


def test_this_was_not_me_reports_the_trade_to_the_engine_and_ends_other_sessions(app, settings):
    cid = app.state.identity.store.find_customer("taro").customer_id
    broker = TestClient(app, headers=key_header(app, Scope.EVENTS_BACKFILL))
    r = broker.post("/v1/events", json={**ORDER, "account_id": cid})
    assert r.status_code == 200, r.text
    app.state.ledger.record(*_order(cid))  # the console's ledger holds the broker's order
    sent = []
    real = app.state.engine.decide
    app.state.engine.decide = lambda event, source=None: sent.append(event) or real(event, source)
    other = logged_in(app, settings)
    c = logged_in(app, settings)
    page = c.get("/identity/pages/checkup").text
    assert "7777" in page and 'value="ORD-77"' in page
    r = c.post("/identity/pages/report", data={"kind": "unrecognized_trade", "order_id": "ORD-77"})
    assert "ご報告を受け付けました" in r.text and "1件" in r.text
    reports = [e for e in sent if type(e).__struct_config__.tag == "customer.report"]
    assert len(reports) == 1
    assert (reports[0].account_id, reports[0].kind, reports[0].order_ids) == (
        cid,
        "unrecognized_trade",
        ["ORD-77"],
    )
    assert other.get("/identity/me").status_code == 401
    kinds = [a.type for a in app.state.ledger.timeline(cid)]
    assert "customer.report" in kinds  # staff see it in the account's timeline
    r = broker.post("/v1/events", json={**ORDER, "event_id": "o-78", "order_id": "ORD-78", "account_id": cid})
    assert r.json()[0]["decision"] == "lock"  # the engine stops the account's next action
    r = c.post("/identity/pages/report", data={"kind": "stolen_dog"})
    assert r.status_code == 422


def test_report_of_a_login_needs_a_session(app, settings):
    anon = TestClient(app, base_url="http://localhost:8000")
    assert anon.post("/identity/pages/report", data={"kind": "unrecognized_login"}).status_code == 401
    c = logged_in(app, settings)
    r = c.post("/identity/pages/report", data={"kind": "unrecognized_login", "about": "login 10:00"})
    assert "身に覚えのないログイン" in r.text


def _order(cid):
    import msgspec

    from kozaguard.events.codec import decode_event

    return decode_event(msgspec.json.encode({**ORDER, "account_id": cid})), None


def test_totp_qr_code_keeps_its_view_box(app, settings):
    c = logged_in(app, settings)
    step_up(c, settings)
    svg = re.search(r"<svg[^>]*>", c.post("/identity/pages/totp/enrol").text).group(0)
    w, h = re.search(r'width="(\d+)"', svg).group(1), re.search(r'height="(\d+)"', svg).group(1)
    assert f'viewBox="0 0 {w} {h}"' in svg
