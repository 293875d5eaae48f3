"""API keys: stored hashed, scoped, revocable; every broker-system door refuses calls without one."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from doors import key_header
from kozaguard.apikeys import ApiKeys, KeyRefused, Scope
from kozaguard.apikeys.store import SqliteApiKeyStore
from kozaguard.entrypoints.cli import app as cli


def live_login(event_id: str = "e1") -> dict:
    """A successful login happening now (the live door refuses events far from its clock)."""
    return {**LOGIN, "event_id": event_id, "ts": datetime.now(UTC).isoformat()}


LOGIN = {
    "type": "auth.login",
    "event_id": "e1",
    "ts": "2025-03-17T09:05:12+09:00",
    "account_id": "A1",
    "session_id": "S1",
    "ip": "126.10.20.30",
    "user_agent": "Mozilla/5.0",
    "device_id": "d1",
    "channel": "web",
    "result": "password_ok",
}
CUSTOMER = {
    "login_id": "taro",
    "password": "kumo-hashiru-7-sakana",
    "email": "t@example.jp",
    "phone": "090-1234-5678",
}
DOORS = [
    ("post", "/v1/events", lambda: {"json": live_login()}, Scope.EVENTS_WRITE),
    ("post", "/phishing/check", lambda: {"json": {"urls": ["https://example.jp/"]}}, Scope.PHISHING_CHECK),
    ("get", "/phishing/check", lambda: {"params": {"url": "https://example.jp/"}}, Scope.PHISHING_CHECK),
    ("post", "/identity/customers", lambda: {"json": CUSTOMER}, Scope.CUSTOMERS_WRITE),
]


def _is_error_shape(body: dict, code: str) -> bool:
    return body["error"] == code and body["message"] and body["message_ja"] and body["fix"]


@pytest.mark.parametrize(("method", "path", "make", "scope"), DOORS, ids=[f"{d[0]} {d[1]}" for d in DOORS])
def test_each_door_wants_a_key_with_its_scope(app, client, method, path, make, scope):
    kwargs = make()
    anonymous = getattr(client, method)(path, **kwargs)
    assert anonymous.status_code == 401
    assert _is_error_shape(anonymous.json(), "api_key_missing") and anonymous.json()["field"] == "X-API-Key"
    assert anonymous.headers["www-authenticate"].startswith("ApiKey ")

    forged = getattr(client, method)(path, headers={"X-API-Key": "kzk_0123456789ab_" + "A" * 43}, **kwargs)
    assert forged.status_code == 401 and forged.json()["error"] == "api_key_invalid"

    other = next(s for s in Scope if s not in (scope, Scope.EVENTS_BACKFILL))
    wrong = getattr(client, method)(path, headers=key_header(app, other), **kwargs)
    assert wrong.status_code == 403 and _is_error_shape(wrong.json(), "insufficient_scope")
    assert f'scope="{scope.value}' in wrong.headers["www-authenticate"]

    right = getattr(client, method)(path, headers=key_header(app, scope), **kwargs)
    assert right.status_code in (200, 201), right.text


def test_a_revoked_key_is_refused_from_the_next_request(app, client):
    headers = key_header(app, Scope.PHISHING_CHECK)
    url = {"url": "https://example.jp/"}
    assert client.get("/phishing/check", params=url, headers=headers).status_code == 200
    key_id = headers["X-API-Key"].split("_")[1]
    app.state.apikeys.revoke(key_id)
    r = client.get("/phishing/check", params=url, headers=headers)
    assert r.status_code == 401 and r.json()["error"] == "api_key_revoked"


@pytest.mark.parametrize("value", ["キー", "kzk_0123456789ab_" + "é" * 43, " ", "kzk_" * 50])
def test_a_malformed_key_is_a_401_not_a_500(client, value):
    raw = value.encode("utf-8")  # sent as bytes: a non-ASCII header must not break the check
    r = client.get("/phishing/check", params={"url": "https://example.jp/"}, headers={"X-API-Key": raw})
    assert r.status_code == 401 and r.json()["error"] in ("api_key_invalid", "api_key_missing")


def test_keys_are_stored_hashed_with_times_and_staff(tmp_path):
    path = tmp_path / "keys.sqlite"
    keys = ApiKeys(SqliteApiKeyStore(path))
    record, text = keys.create((Scope.CASES_APPROVE,), name="審査担当", staff_id="staff-7")
    secret = text.split("_", 2)[2]
    raw = b"".join(
        bytes(r[0]) if isinstance(r[0], bytes) else str(r[0]).encode()
        for r in sqlite3.connect(path).execute("SELECT record FROM api_keys")
    )
    assert secret.encode() not in raw and text.encode() not in raw and record.digest.encode() in raw
    assert (path.stat().st_mode & 0o077) == 0
    assert record.last_used_at is None
    caller = keys.authenticate(text, Scope.CASES_APPROVE)
    assert (caller.key_id, caller.staff_id) == (record.key_id, "staff-7")
    assert keys.list()[0].last_used_at is not None
    with pytest.raises(KeyRefused) as refused:
        keys.authenticate(text, Scope.CASES_WRITE)
    assert refused.value.status == 403


def test_the_cli_creates_lists_and_revokes_keys_a_running_app_sees(tmp_path):
    from fastapi.testclient import TestClient

    from doors import app_settings
    from kozaguard.entrypoints.api.app import create_app

    store = f"sqlite:{tmp_path / 'keys.sqlite'}"
    runner = CliRunner()
    made = runner.invoke(
        cli, ["apikey", "create", "--scope", "events:write,phishing:check", "--name", "OMS", "--store", store]
    )
    assert made.exit_code == 0, made.output
    text = made.stdout.strip()
    assert text.startswith("kzk_")
    client = TestClient(create_app(app_settings(tmp_path, api_keys=store)))
    assert client.post("/v1/events", json=live_login(), headers={"X-API-Key": text}).status_code == 200

    listed = runner.invoke(cli, ["apikey", "list", "--json", "--store", store])
    row = json.loads(listed.stdout.splitlines()[0])
    assert row["name"] == "OMS" and row["scopes"] == ["events:write", "phishing:check"]
    assert row["last_used_at"] is not None and row["revoked_at"] is None and text not in listed.stdout

    assert runner.invoke(cli, ["apikey", "revoke", row["key_id"], "--store", store]).exit_code == 0
    assert client.post("/v1/events", json=live_login(), headers={"X-API-Key": text}).status_code == 401


def test_the_cli_names_a_bad_scope_and_the_choices(tmp_path):
    r = CliRunner().invoke(cli, ["apikey", "create", "--scope", "events:read", "--store", "memory"])
    assert r.exit_code == 2 and "events:read" in r.stderr and "events:write" in r.stderr
    r = CliRunner().invoke(cli, ["apikey", "revoke", "nope", "--store", f"sqlite:{tmp_path / 'k.sqlite'}"])
    assert r.exit_code == 2 and "no such key" in r.stderr


def test_the_openapi_declares_the_key_scheme_on_each_door(client):
    spec = client.get("/openapi.json").json()
    scheme = spec["components"]["securitySchemes"]["ApiKey"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-API-Key")
    for method, path, _, _ in DOORS:
        assert {"ApiKey": []} in spec["paths"][path][method]["security"], path
