"""Identity policy knobs, with the defaults documented in docs/identity.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from kozaguard.account_security.auth_policy import Policy
from kozaguard.account_security.lock import LockPolicy
from kozaguard.account_security.stuffing import StuffingPolicy
from kozaguard.identity.passwords import Argon2Parameters
from kozaguard.identity.ratelimit import RateLimitPolicy


@dataclass(frozen=True)
class IdentitySettings:
    rp_id: str = "localhost"
    rp_name: str = "kozaguard 証券"
    origins: tuple[str, ...] = ("http://localhost:8000",)
    totp_issuer: str = "kozaguard"
    #: The account lock (the same rules and defaults as the engine's `lockout` detector).
    lock: LockPolicy = field(default_factory=LockPolicy)
    cooling_off: timedelta = timedelta(hours=72)
    #: A factor added on a session at least this risky waits `factor_probation` for withdrawals.
    risky_session: float = 0.4
    factor_probation: timedelta = timedelta(hours=72)
    #: JSDA: MFA at every login. False only lets a known device skip the factor.
    mfa_at_login: bool = True
    step_up_ttl: timedelta = timedelta(minutes=5)
    session_ttl: timedelta = timedelta(hours=8)
    ticket_ttl: timedelta = timedelta(minutes=10)
    argon2: Argon2Parameters = field(default_factory=Argon2Parameters)
    rate_limits: RateLimitPolicy = field(default_factory=RateLimitPolicy)
    #: AES-256 key sealing TOTP secrets at rest; created 0600 on first run (identity/sealed.py).
    #: None: `identity.key` next to the identity database.
    secret_key_path: Path | None = None
    stuffing: StuffingPolicy = field(default_factory=StuffingPolicy)
    #: The broker's authentication policy (docs/authentication-policy.md); None: risk rules only.
    policy: Policy | None = None
    #: Phone-number authentication: the number customers call, the time a login waits for the
    #: call, the secret the carrier signs its webhook with, and how old a signed request may be.
    phone_auth_number: str = "0120-000-000"
    phone_call_window: timedelta = timedelta(minutes=3)
    telephony_secret: str = ""
    telephony_skew: timedelta = timedelta(seconds=60)
