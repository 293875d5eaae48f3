"""Helpers for tests of the HTTP doors: app settings for tests and API keys made for an app."""

from __future__ import annotations

from kozaguard.apikeys import Scope
from kozaguard.entrypoints.api.settings import Settings
from kozaguard.identity.passwords import Argon2Parameters
from kozaguard.identity.settings import IdentitySettings


def app_settings(tmp_path, **overrides) -> Settings:
    """Fast password hashing, no ASN data, stores and notifier in memory."""
    base = {
        "identity": IdentitySettings(argon2=Argon2Parameters(1, 1024, 1)),
        "store": "memory",
        "notifier": "memory",
        "stuffing_by_asn": False,
        "outbox_path": tmp_path / "outbox.jsonl",
    }
    return Settings(**{**base, **overrides})


def key_header(app, *scopes: Scope | str, name: str = "", staff_id: str | None = None) -> dict[str, str]:
    """An `X-API-Key` header carrying a new key of `app` that holds `scopes`."""
    _, text = app.state.apikeys.create(tuple(Scope(s) for s in scopes), name=name, staff_id=staff_id)
    return {"X-API-Key": text}
