"""Dependencies and the helpers every use case shares: the unit of work, sessions, customers, notices."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ua_parser import parse as parse_user_agent

from kozaguard.account_security import step_up
from kozaguard.account_security.stuffing import MemoryCounters, Source, StuffingWatch
from kozaguard.engine.door import EngineDoor
from kozaguard.identity import notices, passkeys, passwords
from kozaguard.identity.catalogue import refusal
from kozaguard.identity.models import (
    Customer,
    LoginContext,
    LoginRecord,
    LoginTicket,
    Session,
)
from kozaguard.identity.notices import Message, Notifier
from kozaguard.identity.ratelimit import LoginRateLimiter
from kozaguard.identity.settings import IdentitySettings
from kozaguard.identity.store import IdentityStore
from kozaguard.identity.unit_of_work import UnitOfWork

RECOVERY = "recovery_code"
_LOGIN_ID = re.compile(r"^[A-Za-z0-9._\-]{3,64}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9\-]{10,16}$")
_CODE_PURPOSE_JA = {"login": "ログイン", "enrol_sms": "SMS認証の登録"}


def utc_now() -> datetime:
    return datetime.now(UTC)


def epoch(at: datetime) -> float:
    """Seconds since 1970: the account-security rules' time."""
    return at.timestamp()


def plain_source(ip: str) -> Source:
    """The address alone (no block or provider known)."""
    return Source(ip)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class LoginDecision:
    """`allow` (with `session`), `challenge` (with `factor`, accepted `methods` and `ticket`),
    `deny` or `lock`, with stable reason codes, in the event contract's vocabulary."""

    decision: str
    reasons: tuple[str, ...]
    factor: str | None = None
    methods: tuple[str, ...] = ()
    ticket: str | None = None
    session: str | None = None
    attempts_left: int | None = None
    risk: float = 0.0
    code_sent_to: str | None = None


@dataclass(frozen=True)
class StepUpChallenge:
    """What the customer must now pass for `action`."""

    requirement: step_up.Requirement
    challenge_id: str | None = None
    passkey_options: dict | None = None
    code_sent_to: str | None = None


@dataclass(frozen=True)
class TotpProvisioning:
    secret: str
    uri: str
    qr_svg: str


def mask(contact: str) -> str:
    """'taro@example.jp' -> 't***@e***' ; '090-1234-5678' -> '***5678' (no host names in notices)."""
    if "@" in contact:
        user, _, host = contact.partition("@")
        return f"{user[:1]}***@{host[:1]}***"
    digits = re.sub(r"\D", "", contact)
    return f"***{digits[-4:]}"


def describe_device(user_agent: str) -> str:
    """'Chrome 120 / Windows' from a User-Agent; never any text that could read as a link."""
    if not user_agent:
        return "不明な端末"
    r = parse_user_agent(user_agent[:512])
    parts = []
    if r.user_agent:
        parts.append(" ".join(x for x in (r.user_agent.family, r.user_agent.major) if x))
    if r.os:
        parts.append(r.os.family)
    text = re.sub(r"[^\w .()\-/]", "", " / ".join(parts))[:60]
    try:
        notices.ensure_no_link(text)
    except notices.LinkInMessage:
        return "不明な端末"
    return text or "不明な端末"


class Base:
    """Dependencies and the helpers every use case shares: the unit of work, sessions, customers, notices."""

    def __init__(
        self,
        store: IdentityStore,
        notifier: Notifier,
        settings: IdentitySettings | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        rate_limiter: LoginRateLimiter | None = None,
        source_of: Callable[[str], Source] = plain_source,
        risk_engine: EngineDoor | None = None,
    ) -> None:
        self.settings = settings or IdentitySettings()
        s = self.settings
        self.store = store
        self.notifier = notifier
        self.clock = clock
        self.passwords = passwords.Passwords(s.argon2)
        self.lock_policy = s.lock
        self.rate_limiter = rate_limiter or LoginRateLimiter(s.rate_limits)
        self.stuffing = StuffingWatch(MemoryCounters(), s.stuffing)
        self.source_of = source_of
        self.rp = passkeys.RelyingParty(s.rp_id, s.rp_name, s.origins)
        self.risk_engine = risk_engine
        self._dummy_hash: str | None = None
        self._stuffing_lock = threading.Lock()
        self.uow = UnitOfWork(store, notifier)

    def _send(self, notice: notices.Notice, channel: str, to: str) -> None:
        self.uow.send(Message(channel, to, notice.subject, notice.body, str(notice.kind)))

    def _notify_factor(self, customer: Customer, factor: str, change: str) -> None:
        self._send(notices.factor_changed(factor, change, self.clock()), "email", customer.email)

    def _limit(self, kind: str, key: str, what: str) -> None:
        """Count one try against a rate limit; refuse with the wait when it is used up."""
        limited = self.rate_limiter.hit(kind, key)
        if limited:
            raise refusal(
                "rate_limited",
                details={"retry_after": limited.retry_after},
                retry_after=limited.retry_after,
                what=what,
            )

    def _customer(self, customer_id: str) -> Customer:
        c = self.store.get_customer(customer_id)
        if c is None:
            raise refusal("customer_not_found", field="customer_id")
        return c

    def _session_customer(self, token: str, *, enrolling: bool = False) -> tuple[Session, Customer]:
        s = self.session(token, enrolling=enrolling)
        return s, self._customer(s.customer_id)

    def _ticket(self, ticket: str) -> LoginTicket:
        t = self.store.get_ticket(_hash_token(ticket))
        if t is None or t.expires_at <= self.clock():
            raise refusal("ticket_invalid", field="ticket")
        return t

    def session(self, token: str | None, *, enrolling: bool = False) -> Session:
        """The live session of `token`. A session the policy holds for enrolment (`must_enrol`)
        answers only the enrolment use cases, which pass `enrolling=True`."""
        s = self.store.get_session(_hash_token(token)) if token else None
        if s is None or s.expires_at <= self.clock():
            raise refusal("not_authenticated", field="session")
        if s.must_enrol and not enrolling:
            raise refusal(
                "enrolment_required", field="session", details={"level": s.must_enrol}, level=s.must_enrol
            )
        return s

    def _record(
        self,
        customer: Customer,
        ctx: LoginContext,
        outcome: str,
        now: datetime,
        *,
        factor: str | None = None,
        new_device: bool = False,
    ) -> None:
        self.store.add_login(
            LoginRecord(
                customer.customer_id,
                now,
                ctx.ip,
                describe_device(ctx.user_agent),
                ctx.device_id,
                outcome,
                factor,
                new_device,
            )
        )

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.passwords.hash(secrets.token_hex(16))
        return self._dummy_hash
