"""Helpers the authentication-policy tests share: an app with a policy, customers, codes."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from fastapi.testclient import TestClient

from doors import app_settings, key_header
from kozaguard.account_security.auth_policy import parse
from kozaguard.adapters.notify import OutboxNotifier
from kozaguard.apikeys import Scope
from kozaguard.config import Settings
from kozaguard.entrypoints.api.app import create_app
from kozaguard.identity.notices import JST

PASSWORD = "kumo-hashiru-7-sakana"
PHONE = "090-1234-5678"
SECRET = "carrier-shared-secret-for-tests"
NUMBER = "0120-555-777"


def today() -> date:
    from datetime import datetime

    return datetime.now(JST).date()


def policy(login: str | None = "registered", *, days_ago: int = 30, grace: int = 10, **top) -> dict:
    """A policy table whose login rule started `days_ago` days ago with `grace` days (real clock)."""
    channels = {}
    if login:
        since = today() - timedelta(days=days_ago)
        channels = {"web": {"login": {"factor": login, "from": since.isoformat(), "grace_days": grace}}}
    table = {"name": "test", **top, "channels": channels}
    parse(table)  # a valid policy, or the test is wrong
    return table


def _toml(table: dict) -> str:
    """A policy table as TOML (dates unquoted, as a broker writes them)."""
    lines = [f"{k} = {json.dumps(v)}" for k, v in table.items() if k != "channels"]
    for channel, actions in table.get("channels", {}).items():
        for action, rule in actions.items():
            lines.append(f"[channels.{channel}.{action}]")
            lines += [f"{k} = {v if k == 'from' else json.dumps(v)}" for k, v in rule.items()]
    return "\n".join(lines) + "\n"


def make_settings(tmp_path, auth_policy: dict | None = None, **identity) -> Settings:
    """Settings as a settings file gives them; the policy written to `policy.toml` and named there."""
    keys: dict = {"telephony_secret": SECRET, "phone_auth_number": NUMBER, **identity}
    if auth_policy is not None:
        path = tmp_path / "policy.toml"
        path.write_text(_toml(auth_policy), encoding="utf-8")
        keys["auth_policy"] = str(path)
    return app_settings(tmp_path, identity=keys, store="sqlite", kind="dev-outbox")


def client_for(settings: Settings) -> TestClient:
    app = create_app(settings)
    return TestClient(app, headers=key_header(app, Scope.CUSTOMERS_WRITE))


def last_code(settings: Settings) -> str:
    for m in reversed(OutboxNotifier(settings.notifier.outbox_path).read()):
        found = re.search(r"認証コード: (\d{6})", m.body)
        if found:
            return found.group(1)
    raise AssertionError("no code sent")


def register(client, login_id: str = "taro", phone: str = PHONE) -> None:
    r = client.post(
        "/identity/customers",
        json={"login_id": login_id, "password": PASSWORD, "email": f"{login_id}@example.jp", "phone": phone},
    )
    assert r.status_code == 201, r.text


def login_with_email(client, settings, login_id: str = "taro") -> dict:
    """Password, then the e-mail code; returns the verify answer."""
    r = client.post("/identity/login", json={"login_id": login_id, "password": PASSWORD})
    assert r.status_code == 200, r.text
    d = r.json()
    r = client.post(
        "/identity/login/verify",
        json={"ticket": d["ticket"], "method": "email_otp", "code": last_code(settings)},
    )
    assert r.status_code == 200, r.text
    return {"login": d, **r.json()}
