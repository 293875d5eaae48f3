"""Refusals a caller can act on: each carries a stable code, the field at fault and the fix.

The HTTP layer turns these into JSON errors; the messages come in English and Japanese because
customers read them on Japanese pages and developers read them in logs.
"""

from __future__ import annotations


class IdentityError(Exception):
    """Base refusal: `code` is a stable snake_case string documented in docs/identity.md."""

    code = "identity_error"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        message_ja: str = "",
        field: str | None = None,
        fix: str = "",
        code: str | None = None,
        status: int | None = None,
        details: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.message_ja = message_ja
        self.field = field
        self.fix = fix
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details = details or {}


class WeakPassword(IdentityError):
    code = "weak_password"
    status = 422


class InvalidCredentials(IdentityError):
    code = "invalid_credentials"
    status = 401


class AccountLocked(IdentityError):
    code = "account_locked"
    status = 423


class RateLimited(IdentityError):
    """Too many tries; `details["retry_after"]` (seconds) becomes the `Retry-After` header."""

    code = "rate_limited"
    status = 429


class FactorRejected(IdentityError):
    """A second factor (TOTP, one-time code, passkey, recovery code) did not pass."""

    code = "factor_rejected"
    status = 401


class StepUpRequired(IdentityError):
    code = "step_up_required"
    status = 403


class NotFound(IdentityError):
    code = "not_found"
    status = 404


class Conflict(IdentityError):
    code = "conflict"
    status = 409


class NotAuthenticated(IdentityError):
    code = "not_authenticated"
    status = 401
