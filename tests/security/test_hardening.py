"""Bad input and browser attacks against the real app: 4xx in the API's error shape, never a 500.

Each case was a 500 (or accepted) at 36173b8: non-UTF-8 bytes, JSON nested 1,000 deep, a non-ASCII
staff token, an empty passkey credential, bodies with no size limit, no Origin check on forms, no
security headers.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from doors import app_settings, key_header, staff_client
from kozaguard.apikeys import Scope
from kozaguard.entrypoints.api.app import create_app

PASSWORD = "kumo-hashiru-7-sakana"


def error_shape(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == code and body["message"] and body["fix"], body
    return body


@pytest.fixture
def app(tmp_path):
    return create_app(app_settings(tmp_path, cases_db=f"sqlite:{tmp_path / 'cases.sqlite'}"))


@pytest.fixture
def events(app):
    return TestClient(app, headers=key_header(app, Scope.EVENTS_WRITE))


def logged_in(app) -> TestClient:
    """A client holding a customer's session (password + e-mail code)."""
    client = TestClient(app, client=("126.10.20.30", 50000))
    r = client.post(
        "/identity/customers",
        json={"login_id": "taro", "password": PASSWORD, "email": "taro@example.jp", "phone": "090-1234-5678"},
        headers=key_header(app, Scope.CUSTOMERS_WRITE),
    )
    assert r.status_code == 201, r.text
    r = client.post("/identity/login", json={"login_id": "taro", "password": PASSWORD})
    ticket = r.json()["ticket"]
    code = re.search(r"(\d{6})", app.state.identity.notifier.sent[-1].body).group(1)
    r = client.post("/identity/login/verify", json={"ticket": ticket, "method": "email_otp", "code": code})
    assert r.status_code == 200 and r.json()["decision"] == "allow", r.text
    return client


# ----- bad bytes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/v1/events", "/identity/login", "/phishing/check"])
def test_non_utf8_bytes_are_a_400(app, path):
    client = TestClient(app, headers=key_header(app, Scope.EVENTS_WRITE, Scope.PHISHING_CHECK))
    r = client.post(path, content=b'{"type": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert error_shape(r, 400, "invalid_encoding")["field"] == "body"


@pytest.mark.parametrize("path", ["/v1/events", "/identity/login", "/identity/login/verify"])
def test_json_nested_1000_deep_is_a_400(app, path):
    client = TestClient(app, headers=key_header(app, Scope.EVENTS_WRITE))
    body = error_shape(client.post(path, content=b"[" * 1000 + b"]" * 1000), 400, "json_too_deep")
    assert body["details"] == {"depth": 1000, "limit": 32}


def test_brackets_inside_strings_do_not_count_as_depth(events):
    event = {"type": "fx.rate", "event_id": "[[[[" * 20, "ts": datetime.now(UTC).isoformat(), "pair": "X"}
    r = events.post("/v1/events", json={**event, "pair": "USDJPY", "rate": 150.0})
    assert r.status_code == 200, r.text


def test_a_non_ascii_csrf_token_is_a_403(app):
    client = staff_client(app, "admin")
    del client.headers["X-CSRF-Token"]
    r = client.post(
        "/staff/campaigns/ABC/restrict", data={"reason": "pump"}, headers={"X-CSRF-Token": "秘密".encode()}
    )
    assert r.status_code == 403 and 'data-code="csrf"' in r.text


def test_an_empty_passkey_credential_is_a_4xx(app):
    client = logged_in(app)
    options = client.post("/identity/passkeys/options")
    challenge = options.json().get("challenge_id", "nope") if options.status_code == 200 else "nope"
    for body in ({"challenge_id": challenge, "credential": {}}, {"challenge_id": challenge}, {}):
        r = client.post("/identity/passkeys", json=body)
        assert 400 <= r.status_code < 500 and r.json()["error"] and r.json()["fix"], r.text


# ----- sizes --------------------------------------------------------------------------------------
def test_a_declared_body_over_the_limit_is_refused_before_reading(app):
    client = TestClient(app)
    r = client.post(
        "/identity/login", content=b"x" * (1 << 20 | 1), headers={"content-type": "application/json"}
    )
    assert error_shape(r, 413, "body_too_large")["details"] == {"limit_bytes": 1 << 20}
    r = client.post("/identity/pages/login", content=b"login_id=" + b"a" * (2 << 20))
    assert error_shape(r, 413, "body_too_large")


def test_a_batch_is_bounded_in_events_and_one_event_in_bytes(tmp_path):
    app = create_app(app_settings(tmp_path, max_batch_events=10, max_event_bytes=2000))
    client = TestClient(app, headers=key_header(app, Scope.EVENTS_WRITE))
    ts = datetime.now(UTC).isoformat()
    rate = {"type": "fx.rate", "ts": ts, "pair": "USDJPY", "rate": 150.0}
    batch = [{**rate, "event_id": f"f{n}"} for n in range(11)]
    body = error_shape(client.post("/v1/events", json=batch), 413, "batch_too_large")
    assert body["details"] == {"events": 11, "limit": 10}
    big = {**rate, "event_id": "big", "pair": "X" * 3000}
    body = error_shape(client.post("/v1/events", json=[batch[0], big]), 413, "event_too_large")
    assert body["details"]["position"] == 2 and body["details"]["decided"] == [None]
    assert client.post("/v1/events", json=batch[:10]).status_code == 200


def test_the_body_limits_are_settings(tmp_path):
    app = create_app(app_settings(tmp_path, max_body_bytes=100))
    r = TestClient(app).post("/identity/login", json={"login_id": "a" * 64, "password": "b" * 64})
    assert error_shape(r, 413, "body_too_large")


# ----- browsers -----------------------------------------------------------------------------------
SECURITY_HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/identity/pages/login"), ("get", "/openapi.json"), ("get", "/nope"), ("post", "/v1/events")],
)
def test_every_response_carries_the_security_headers(app, method, path):
    r = getattr(TestClient(app), method)(path)
    assert all(h in r.headers for h in SECURITY_HEADERS), r.headers
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "strict-transport-security" not in r.headers


def test_https_gets_hsts_and_secure_cookies(app):
    r = TestClient(app, base_url="https://testserver").get("/identity/pages/login")
    assert r.headers["strict-transport-security"].startswith("max-age=")
    client = TestClient(app, base_url="https://testserver", client=("126.10.20.30", 1))
    r = client.post("/identity/login", json={"login_id": "nobody", "password": "x"})
    cookies = r.headers.get_list("set-cookie")
    assert cookies and all("Secure" in c for c in cookies)


def test_cookies_are_secure_when_the_configured_origin_is_https(tmp_path):
    app = create_app(app_settings(tmp_path, identity={"origins": ["https://kozaguard.example"]}))
    r = TestClient(app).post("/identity/login", json={"login_id": "nobody", "password": "x"})
    assert all("Secure" in c for c in r.headers.get_list("set-cookie"))


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}],
    ids=["foreign origin", "null origin", "cross-site fetch"],
)
def test_cross_site_forms_and_cookie_requests_are_refused(app, headers):
    page = TestClient(app)
    r = page.post("/identity/pages/login", data={"login_id": "taro", "password": PASSWORD}, headers=headers)
    assert error_shape(r, 403, "cross_origin")["field"] == "Origin"
    client = logged_in(app)
    r = client.post("/identity/logout", headers=headers)
    assert error_shape(r, 403, "cross_origin")
    assert client.get("/identity/me").status_code == 200  # the session survived the forged request


def test_same_origin_forms_and_key_callers_pass(app):
    page = TestClient(app)
    own = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    r = page.post("/identity/pages/login", data={"login_id": "taro", "password": "x"}, headers=own)
    assert r.status_code == 200
    configured = {"Origin": app.state.settings.identity.origins[0]}
    assert page.post(
        "/identity/pages/login", data={"login_id": "t", "password": "x"}, headers=configured
    ).is_success
    # a broker system with an API key and JSON (no cookie) is not a browser: no Origin needed
    r = TestClient(app).post(
        "/phishing/check",
        json={"urls": ["https://example.jp/"]},
        headers={**key_header(app, Scope.PHISHING_CHECK), "Origin": "https://oms.broker.example"},
    )
    assert r.status_code == 200


# ----- client address ----------------------------------------------------------------------------
def register(app) -> None:
    r = TestClient(app).post(
        "/identity/customers",
        json={"login_id": "taro", "password": PASSWORD, "email": "t@example.jp", "phone": "090-1234-5678"},
        headers=key_header(app, Scope.CUSTOMERS_WRITE),
    )
    assert r.status_code == 201


def _login_ip(app, peer: str, forwarded: str) -> str:
    """The address the identity service recorded for a login sent from `peer` with X-Forwarded-For."""
    client = TestClient(app, client=(peer, 1))
    client.post(
        "/identity/login",
        json={"login_id": "taro", "password": "wrong"},
        headers={"X-Forwarded-For": forwarded},
    )
    cid = app.state.identity.store.find_customer("taro").customer_id
    return app.state.identity.store.recent_logins(cid, 1)[0].ip


def test_x_forwarded_for_is_believed_only_from_trusted_proxies(tmp_path):
    untrusted = create_app(app_settings(tmp_path / "a"))
    register(untrusted)
    assert _login_ip(untrusted, "198.51.100.9", "203.0.113.50") == "198.51.100.9"
    proxied = create_app(app_settings(tmp_path / "b", trusted_proxies=("10.0.0.0/8",)))
    register(proxied)
    assert _login_ip(proxied, "10.1.2.3", "203.0.113.50, 10.9.9.9") == "203.0.113.50"
    # a client naming itself in front of the proxy does not get past it
    assert _login_ip(proxied, "10.1.2.3", "1.1.1.1, 198.51.100.20") == "198.51.100.20"
    assert _login_ip(proxied, "198.51.100.9", "203.0.113.50") == "198.51.100.9"


def test_a_form_post_saying_origin_null_passes_only_as_same_origin(tmp_path):
    """Under `Referrer-Policy: no-referrer` Chromium sends `Origin: null` with its own form posts."""
    from fastapi.testclient import TestClient

    from doors import app_settings
    from kozaguard.entrypoints.api.app import create_app

    c = TestClient(create_app(app_settings(tmp_path)), base_url="http://localhost:8000")
    form = {"login_id": "nobody", "password": "x"}
    same = c.post("/staff/login", data=form, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200
    for site in ("cross-site", "same-site", ""):
        r = c.post("/staff/login", data=form, headers={"Origin": "null", "Sec-Fetch-Site": site})
        assert r.status_code == 403 and r.json()["error"] == "cross_origin", site
