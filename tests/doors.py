"""Helpers for tests of the HTTP doors: app settings for tests and API keys made for an app."""

from __future__ import annotations

from kozaguard.apikeys import Scope
from kozaguard.config import HttpSection, NotifierSection, Settings, load_settings

SECTION_OF = {
    **{k: "http" for k in HttpSection.__struct_fields__},
    **{k: "notifier" for k in NotifierSection.__struct_fields__},
}


def app_settings(tmp_path, *, identity=None, detectors=None, **keys) -> Settings:
    """Settings for a test app, checked as a settings file is: fast password hashing, no ASN data,
    stores and notifier in memory; `keys` are `[http]` or `[notifier]` keys by name (`kind` is the
    notifier's), `identity` and `detectors` tables as in a settings file."""
    sections: dict = {
        "http": {"store": "memory", "stuffing_by_asn": False, "db_path": str(tmp_path / "identity.sqlite")},
        "notifier": {"kind": "memory", "outbox_path": str(tmp_path / "outbox.jsonl")},
        "identity": {
            "argon2": {"time_cost": 1, "memory_cost_kib": 1024, "parallelism": 1},
            **(identity or {}),
        },
        "detectors": detectors or {},
    }
    for key, value in keys.items():
        sections[SECTION_OF[key]][key] = str(value) if key.endswith("_path") else value
    return load_settings(None, env={}, **sections)


def key_header(app, *scopes: Scope | str, name: str = "", staff_id: str | None = None) -> dict[str, str]:
    """An `X-API-Key` header carrying a new key of `app` that holds `scopes`."""
    _, text = app.state.apikeys.create(tuple(Scope(s) for s in scopes), name=name, staff_id=staff_id)
    return {"X-API-Key": text}


STAFF_PASSWORD = "tsuki-nobori-9-yama"


def staff_client(app, role: str, staff_id: str | None = None, **client_kw):
    """A test client logged in to the staff console as a new staff member of `role` (password + TOTP).

    The client sends the session's CSRF token on every request, as the console's pages make htmx do.
    """
    import re
    import time

    from fastapi.testclient import TestClient

    from kozaguard.identity import otp

    staff_id = staff_id or f"{role}-{len(app.state.staff.members()) + 1}"
    new = app.state.staff.create(
        staff_id, STAFF_PASSWORD, role, email=f"{staff_id}@broker.example.jp", phone="03-1234-5678", by="test"
    )
    client = TestClient(app, base_url="http://localhost:8000", **client_kw)
    r = client.post("/staff/login", data={"login_id": staff_id, "password": STAFF_PASSWORD})
    ticket = re.search(r'name="ticket" value="([^"]+)"', r.text).group(1)
    code = otp.code_at(new.totp_secret, time.time())
    r = client.post("/staff/login/verify", data={"ticket": ticket, "code": code}, follow_redirects=False)
    assert r.status_code == 303, r.text
    csrf = re.search(r'X-CSRF-Token": "([0-9a-f]+)"', client.get("/staff/").text).group(1)
    client.headers["X-CSRF-Token"] = csrf
    client.staff_id = staff_id
    client.totp_secret = new.totp_secret
    return client


def console_app(tmp_path, **overrides):
    """The app with memory identity stores and the cases database and console ledger in `tmp_path`."""
    from kozaguard.entrypoints.api.app import create_app

    return create_app(
        app_settings(
            tmp_path,
            **{
                "cases_db": f"sqlite:{tmp_path / 'cases.sqlite'}",
                "console_db": str(tmp_path / "console.sqlite"),
                **overrides,
            },
        )
    )
