"""Records the identity service keeps: customers, sessions, pending logins, login history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kozaguard.account_security.step_up import Factor


@dataclass(frozen=True)
class Customer:
    customer_id: str
    login_id: str
    password_hash: str
    email: str
    phone: str
    display_name: str
    #: Random WebAuthn user handle: never the login ID or e-mail (privacy).
    user_handle: bytes
    created_at: datetime
    email_otp_enabled: bool = True
    sms_enabled: bool = False
    contact_changed_at: datetime | None = None
    contact_changed_field: str | None = None
    #: Passkey-only mode: every relayable factor (codes, phone call, recovery codes) is off.
    passkey_only: bool = False


@dataclass(frozen=True)
class LoginContext:
    """Where a request comes from; device_id is an opaque cookie or app-install id."""

    ip: str
    user_agent: str = ""
    device_id: str | None = None
    #: web, app or api: picks the policy's channel rules (which can only add to the web rules).
    channel: str = "web"


@dataclass(frozen=True)
class LoginTicket:
    """A login whose password passed and which waits for its second factor."""

    ticket_hash: str
    customer_id: str
    created_at: datetime
    expires_at: datetime
    context: LoginContext
    accepted: tuple[Factor, ...]
    reasons: tuple[str, ...]
    new_device: bool
    risk: float = 0.0
    engine_session: str = ""
    #: The policy level this customer lacks past its deadline: the session will only enrol.
    must_enrol: str | None = None


@dataclass(frozen=True)
class Session:
    """A logged-in session; `stepped_up` maps an action to (factor, expiry) of a passed step-up."""

    token_hash: str
    customer_id: str
    created_at: datetime
    expires_at: datetime
    context: LoginContext
    login_factor: Factor | None
    stepped_up: dict[str, tuple[Factor, datetime]] = field(default_factory=dict)
    #: The login's risk (stuffing, the engine's score) and the engine's id for this session.
    risk: float = 0.0
    engine_session: str = ""
    #: Set when the policy's deadline passed without the factor: only enrolment routes answer.
    must_enrol: str | None = None


@dataclass(frozen=True)
class Challenge:
    """A WebAuthn challenge waiting for its answer. `customer_id` is None for usernameless login."""

    challenge: bytes
    purpose: str
    customer_id: str | None
    expires_at: datetime


@dataclass(frozen=True)
class LoginRecord:
    """One login attempt as the customer sees it on the activity page."""

    customer_id: str
    at: datetime
    ip: str
    device: str
    device_id: str | None
    outcome: str
    factor: str | None = None
    new_device: bool = False


@dataclass(frozen=True)
class Device:
    device_id: str
    description: str
    first_seen: datetime
    last_seen: datetime
    last_ip: str


@dataclass(frozen=True)
class PhoneCall:
    """A login waiting for (or answered by) a call from the registered phone."""

    ticket_hash: str
    customer_id: str
    phone: str  # digits only, national form (0 + ten digits)
    opened_at: datetime
    expires_at: datetime
    answered_at: datetime | None = None
