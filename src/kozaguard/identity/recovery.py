"""Recovery codes: ten codes shown once, stored as salted SHA-256, each burned on use.

They let a customer who lost their phone or passkey log in or unlock the account without staff.
Each code carries 60 random bits, so a fast salted hash is enough (no password-grade hashing).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

COUNT = 10
#: Crockford-like alphabet without 0/O, 1/I/L: easy to read back from paper.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_GROUPS, _GROUP_LEN = 3, 4


@dataclass(frozen=True)
class RecoveryCode:
    salt: str
    digest: str
    used_at: datetime | None = None


def normalize(code: str) -> str:
    """Upper-case, drop spaces and hyphens: 'abcd-efgh' and 'ABCDEFGH' are the same code."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _digest(code: str, salt: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + normalize(code).encode()).hexdigest()


def generate(count: int = COUNT) -> tuple[list[str], list[RecoveryCode]]:
    """Plain codes to show once, and their stored forms.

    >>> plain, stored = generate()
    >>> len(plain), len(plain[0]), plain[0][4]
    (10, 14, '-')
    """
    plain, stored = [], []
    for _ in range(count):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(_GROUPS * _GROUP_LEN))
        code = "-".join(raw[i : i + _GROUP_LEN] for i in range(0, len(raw), _GROUP_LEN))
        salt = secrets.token_hex(16)
        plain.append(code)
        stored.append(RecoveryCode(salt, _digest(code, salt)))
    return plain, stored


def burn(codes: list[RecoveryCode], code: str, now: datetime) -> list[RecoveryCode] | None:
    """The code list with the matching unused code marked used, or None when nothing matched."""
    for i, stored in enumerate(codes):
        if stored.used_at is None and hmac.compare_digest(_digest(code, stored.salt), stored.digest):
            return [*codes[:i], replace(stored, used_at=now), *codes[i + 1 :]]
    return None


def remaining(codes: list[RecoveryCode]) -> int:
    return sum(1 for c in codes if c.used_at is None)
