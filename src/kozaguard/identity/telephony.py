"""The telephony webhook's signature and the phone numbers it compares, pure.

The carrier signs `<timestamp>.<nonce>.<body>` with HMAC-SHA256 and the secret both sides share,
and sends the hex digest in `X-Kozaguard-Signature` with `X-Kozaguard-Timestamp` (Unix seconds) and
`X-Kozaguard-Nonce`. The server recomputes it in constant time, refuses a timestamp outside the skew
and a nonce it has seen: a captured request cannot be replayed, nor kept for later.
"""

from __future__ import annotations

import hashlib
import hmac
import re

SIGNATURE = "X-Kozaguard-Signature"
TIMESTAMP = "X-Kozaguard-Timestamp"
NONCE = "X-Kozaguard-Nonce"
_NONCE = re.compile(r"^[A-Za-z0-9_\-]{16,128}$")


def sign(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of `timestamp.nonce.body`.

    >>> sign("s", "1700000000", "n" * 16, b"{}")[:16]
    '0e42ed65207edda7'
    """
    message = timestamp.encode() + b"." + nonce.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_ok(secret: str, timestamp: str, nonce: str, body: bytes, signature: str) -> bool:
    """True when the signature is the one the secret gives; constant time."""
    if not secret or not _NONCE.match(nonce) or not timestamp.isdigit():
        return False
    return hmac.compare_digest(sign(secret, timestamp, nonce, body), signature.strip().lower())


def national(number: str) -> str:
    """A Japanese number in national digits: '+81 90-1234-5678' and '090-1234-5678' -> '09012345678'.

    >>> national("+81 90-1234-5678"), national("090 1234 5678"), national("81-90-1234-5678")
    ('09012345678', '09012345678', '09012345678')
    """
    digits = re.sub(r"\D", "", number)
    if digits.startswith("81") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits
