"""One-time codes sent by SMS or e-mail: random, hashed at rest, short-lived, few attempts.

Such codes can be relayed by a real-time phishing site, so they never satisfy a step-up that asks
for a passkey; they are the fallback for customers without a stronger factor. The stored form is
an HMAC of the code under a per-code random salt: a leaked table shows no live code at a glance,
and the 5-minute life bounds what brute force on a leak could still do.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

DIGITS = 6
TTL = timedelta(minutes=5)
ATTEMPTS = 3


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


@dataclass(frozen=True)
class IssuedCode:
    """A code as stored: never the code itself."""

    channel: Channel
    purpose: str
    digest: str
    salt: str
    issued_at: datetime
    expires_at: datetime
    attempts_left: int


class CodeCheck(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"


def _digest(code: str, salt: str) -> str:
    return hmac.new(bytes.fromhex(salt), code.encode(), hashlib.sha256).hexdigest()


def issue(
    channel: Channel, purpose: str, now: datetime, *, ttl: timedelta = TTL, attempts: int = ATTEMPTS
) -> tuple[str, IssuedCode]:
    """A new random code and its stored form.

    >>> from datetime import UTC, datetime
    >>> code, stored = issue(Channel.SMS, "login", datetime(2025, 5, 1, tzinfo=UTC))
    >>> len(code), code.isdigit(), stored.attempts_left, code in repr(stored)
    (6, True, 3, False)
    """
    code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    salt = secrets.token_hex(16)
    return code, IssuedCode(channel, purpose, _digest(code, salt), salt, now, now + ttl, attempts)


def check(stored: IssuedCode, code: str, now: datetime) -> tuple[CodeCheck, IssuedCode]:
    """Compare a typed code; every wrong try uses one attempt. Returns the outcome and new state.

    A used, expired or exhausted code must be deleted by the caller; `OK` is returned only once
    because the caller deletes the code on success.
    """
    if now >= stored.expires_at:
        return CodeCheck.EXPIRED, stored
    if stored.attempts_left <= 0:
        return CodeCheck.EXHAUSTED, stored
    typed = "".join(code.split())
    if hmac.compare_digest(_digest(typed, stored.salt), stored.digest):
        return CodeCheck.OK, replace(stored, attempts_left=0)
    left = stored.attempts_left - 1
    return (CodeCheck.WRONG if left > 0 else CodeCheck.EXHAUSTED), replace(stored, attempts_left=left)
