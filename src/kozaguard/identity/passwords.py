"""Passwords: argon2id hashing, rehash on parameter change, strength and common-password checks.

Why argon2id: memory-hard, so stolen hashes are expensive to crack on GPUs. The parameters are
measured in docs/identity.md; when they change, `needs_rehash` tells the service to re-hash the
password on the next successful login (the only moment the plain password is known).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from kozaguard.identity.catalogue import refusal

MIN_LENGTH = 10
MAX_LENGTH = 128
MIN_SCORE = 3
#: zxcvbn's cost grows with length; the first 100 characters decide the score.
_SCORED_PREFIX = 100


@dataclass(frozen=True)
class Argon2Parameters:
    """argon2id cost; the defaults are RFC 9106's second recommendation (64 MiB, t=3, p=4)."""

    time_cost: int = 3
    memory_cost_kib: int = 65536
    parallelism: int = 4
    hash_len: int = 32
    salt_len: int = 16


class Passwords:
    """Hash and verify passwords with one set of argon2id parameters.

    >>> p = Passwords(Argon2Parameters(time_cost=1, memory_cost_kib=1024, parallelism=1))
    >>> h = p.hash("correct horse battery staple")
    >>> p.verify(h, "correct horse battery staple"), p.verify(h, "wrong")
    (True, False)
    """

    def __init__(self, parameters: Argon2Parameters | None = None) -> None:
        self.parameters = parameters or Argon2Parameters()
        p = self.parameters
        self._hasher = PasswordHasher(
            time_cost=p.time_cost,
            memory_cost=p.memory_cost_kib,
            parallelism=p.parallelism,
            hash_len=p.hash_len,
            salt_len=p.salt_len,
            type=Type.ID,
        )

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """True when the password matches; a malformed stored hash counts as a mismatch."""
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than the current ones."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords (zxcvbn's list), shipped offline, lower-cased."""
    data = resources.files("kozaguard.identity").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(w.strip().lower() for w in gzip.decompress(data).decode().splitlines() if w.strip())


def is_common(password: str) -> bool:
    """True for a password in the common list, ignoring case and surrounding spaces.

    >>> is_common("Password"), is_common("勘定科目-雲雀-7319")
    (True, False)
    """
    return password.strip().lower() in common_passwords()


def check_strength(password: str, *, user_inputs: tuple[str, ...] = ()) -> int:
    """Raise `WeakPassword` unless the password is long, uncommon and scores >= 3; return the score.

    `user_inputs` (login ID, e-mail) make passwords built from the customer's own data score low.
    """
    if len(password) < MIN_LENGTH:
        raise refusal("password_too_short", field="password", min_length=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise refusal("password_too_long", field="password", max_length=MAX_LENGTH)
    if is_common(password):
        raise refusal("password_common", field="password")
    result = zxcvbn(password[:_SCORED_PREFIX], user_inputs=[u for u in user_inputs if u])
    score = int(result["score"])
    if score < MIN_SCORE:
        feedback = result.get("feedback") or {}
        hints = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
        hint = " ".join(h for h in hints if h)
        raise refusal(
            "password_weak",
            field="password",
            details={"score": score},
            score=score,
            min_score=MIN_SCORE,
            hint=f" {hint}" if hint else "",
        )
    return score
