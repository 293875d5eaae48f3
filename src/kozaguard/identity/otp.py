"""TOTP (RFC 6238): secrets, codes, provisioning URI and QR, verification with replay prevention.

A code is accepted within ±1 time step (clock drift, typing time). A code that would be valid at
±2..10 steps is reported as out of sync, apart from a wrong code, so the customer can be told to
fix the phone's clock. A code is accepted once: the last accepted time step is kept and a code for
that step or an earlier one is refused (a relayed or shoulder-surfed code cannot be reused).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import pyotp
import segno

from kozaguard.identity.catalogue import refusal

DIGITS = 6
INTERVAL = 30
VALID_WINDOW = 1
SYNC_WINDOW = 10
_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


@dataclass(frozen=True)
class TotpEnrolment:
    """A customer's TOTP secret; `confirmed` once a first code proved the app holds it."""

    secret: str
    confirmed: bool = False
    last_step: int | None = None


def new_secret() -> str:
    """A fresh base32 secret of 160 bits (RFC 4226 §4 recommends at least 128)."""
    return pyotp.random_base32(32)


def time_step(at: float, interval: int = INTERVAL) -> int:
    """The RFC 6238 counter T for a Unix time."""
    return int(at // interval)


def code_at_step(secret: str, step: int, *, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """The code for one counter value."""
    return pyotp.TOTP(secret, digits=digits, digest=_DIGESTS[algorithm]).generate_otp(step)


def code_at(
    secret: str, at: float, *, digits: int = DIGITS, algorithm: str = "sha1", interval: int = INTERVAL
) -> str:
    """The code for a Unix time.

    >>> import base64
    >>> code_at(base64.b32encode(b"12345678901234567890").decode(), 59, digits=8)
    '94287082'
    """
    return code_at_step(secret, time_step(at, interval), digits=digits, algorithm=algorithm)


def provisioning_uri(secret: str, account_name: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=account_name, issuer_name=issuer
    )


def qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG QR code (no external image service).

    The SVG carries a `viewBox` beside its size, so a page may scale it without clipping the code
    (and its quiet zone, which scanners need).
    """
    qr = segno.make(uri, error="m")
    side = qr.symbol_size(scale=5)[0]
    svg = qr.svg_inline(scale=5, dark="#111", light="#fff", omitsize=True)
    return svg.replace("<svg ", f'<svg width="{side}" height="{side}" role="img" aria-label="QR" ', 1)


def verify(enrolment: TotpEnrolment, code: str, at: float) -> int:
    """Return the matched time step, or raise `FactorRejected` with code
    `totp_invalid`, `totp_out_of_sync` or `totp_replayed`. Store the returned step as `last_step`.
    """
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == DIGITS):
        raise refusal("totp_digits", field="code", digits=DIGITS)
    now = time_step(at)
    matched = _match(enrolment.secret, code, now, range(-VALID_WINDOW, VALID_WINDOW + 1))
    if matched is None:
        far = [o for o in range(-SYNC_WINDOW, SYNC_WINDOW + 1) if abs(o) > VALID_WINDOW]
        if _match(enrolment.secret, code, now, far) is not None:
            raise refusal("totp_out_of_sync", field="code")
        raise refusal("totp_invalid", field="code")
    if enrolment.last_step is not None and matched <= enrolment.last_step:
        raise refusal("totp_replayed", field="code")
    return matched


def _match(secret: str, code: str, now: int, offsets) -> int | None:
    for offset in offsets:
        if hmac.compare_digest(code_at_step(secret, now + offset), code):
            return now + offset
    return None
