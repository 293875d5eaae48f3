"""The key itself: its format, scopes and digest. Pure: no clock, no storage.

A key reads `kzk_<id>_<secret>`: the id (12 hex digits) finds the record, the secret (256 random
bits) proves possession. The secret is random and long, so one SHA-256 is enough to make a stolen
table useless, and checking it costs microseconds on every request (a password hash would not).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime
from enum import StrEnum

import msgspec

PREFIX = "kzk"
_FORMAT = re.compile(r"kzk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")


class Scope(StrEnum):
    """What a key may do. Broker systems get the first four; staff tools the `cases:*` ones."""

    EVENTS_WRITE = "events:write"
    EVENTS_BACKFILL = "events:backfill"
    PHISHING_CHECK = "phishing:check"
    CUSTOMERS_WRITE = "customers:write"
    CASES_READ = "cases:read"
    CASES_WRITE = "cases:write"
    CASES_APPROVE = "cases:approve"


class ApiKey(msgspec.Struct, frozen=True, kw_only=True):
    """One stored key: everything but the secret, of which only the digest is kept."""

    key_id: str
    name: str
    scopes: tuple[Scope, ...]
    staff_id: str | None
    digest: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def proves(self, secret: str) -> bool:
        """True when `secret` is this key's secret (compared in constant time)."""
        return hmac.compare_digest(self.digest, digest(self.key_id, secret))

    def allows(self, *wanted: Scope) -> bool:
        """True when the key holds at least one of the wanted scopes."""
        return any(s in self.scopes for s in wanted)


class Principal(msgspec.Struct, frozen=True):
    """Who is calling: the key (its id is the caller's source of events), its scopes and staff member."""

    key_id: str
    name: str
    scopes: tuple[Scope, ...]
    staff_id: str | None = None

    @property
    def source(self) -> str:
        return f"key:{self.key_id}"


def digest(key_id: str, secret: str) -> str:
    """SHA-256 of the secret, bound to its id so one digest cannot stand for another key."""
    return hashlib.sha256(f"{key_id}:{secret}".encode()).hexdigest()


def new_secret() -> tuple[str, str, str]:
    """A fresh key: (key_id, secret, the full key text to hand out once)."""
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    return key_id, secret, f"{PREFIX}_{key_id}_{secret}"


def split(token: str) -> tuple[str, str] | None:
    """(key_id, secret) of a key in the right format, else None (anything else is not a key)."""
    m = _FORMAT.fullmatch(token.strip())
    return None if m is None else (m.group(1), m.group(2))


def parse_scopes(values: list[str] | tuple[str, ...]) -> tuple[Scope, ...]:
    """Scopes from text (repeated or comma-separated); ValueError names an unknown one and the choices."""
    out: list[Scope] = []
    for value in values:
        for name in (v.strip() for v in value.split(",")):
            if not name:
                continue
            try:
                scope = Scope(name)
            except ValueError:
                choices = ", ".join(s.value for s in Scope)
                raise ValueError(f"unknown scope {name!r}; use one of {choices}") from None
            if scope not in out:
                out.append(scope)
    if not out:
        raise ValueError("a key needs at least one scope")
    return tuple(out)
