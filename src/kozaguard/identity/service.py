"""The identity service: registration, login decisions, factors, step-up and notices.

This is where policy lives. The pure modules say how a password, a TOTP code, a one-time code, a
passkey or a recovery code is checked; the service says which of them a customer must pass, counts
failures toward the lock, feeds the stuffing detector, keeps sessions and step-up grants, and sends
the notices. Its only I/O is through the injected store and notifier; time comes from `clock`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import msgspec
from ua_parser import parse as parse_user_agent

from kozaguard.account_security import lock, step_up
from kozaguard.account_security.devices import familiarity, is_familiar
from kozaguard.account_security.step_up import Action, Factor
from kozaguard.account_security.stuffing import MemoryCounters, Source, StuffingWatch
from kozaguard.engine.door import EngineDoor
from kozaguard.events.codec import InvalidLine
from kozaguard.identity import codes, notices, otp, passkeys, passwords, recovery
from kozaguard.identity.errors import (
    AccountLocked,
    Conflict,
    FactorRejected,
    IdentityError,
    NotAuthenticated,
    NotFound,
    RateLimited,
    StepUpRequired,
)
from kozaguard.identity.models import (
    Challenge,
    Customer,
    Device,
    LoginContext,
    LoginRecord,
    LoginTicket,
    Session,
)
from kozaguard.identity.notices import Message, Notifier
from kozaguard.identity.ratelimit import LoginRateLimiter
from kozaguard.identity.settings import IdentitySettings
from kozaguard.identity.store import IdentityStore

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


class IdentityService:
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

    # ----- customers and passwords -------------------------------------------------------------
    def register(
        self, login_id: str, password: str, email: str, phone: str, display_name: str = ""
    ) -> Customer:
        """Create a customer after checking the login ID, contacts and password strength."""
        if not _LOGIN_ID.match(login_id):
            raise IdentityError(
                "Login ID must be 3-64 letters, digits, '.', '_' or '-'.",
                message_ja="ログインIDは半角英数字と . _ - で3〜64文字にしてください。",
                field="login_id",
                fix="Use 3-64 characters from A-Z, a-z, 0-9, '.', '_', '-'.",
                code="invalid_login_id",
                status=422,
            )
        if not _EMAIL.match(email):
            raise IdentityError(
                "E-mail address is not valid.",
                message_ja="メールアドレスの形式が正しくありません。",
                field="email",
                fix="Give an address of the form name@domain.",
                code="invalid_email",
                status=422,
            )
        if not _PHONE.match(phone):
            raise IdentityError(
                "Phone number is not valid.",
                message_ja="電話番号の形式が正しくありません。",
                field="phone",
                fix="Give 10-16 digits, e.g. 090-1234-5678 or +819012345678.",
                code="invalid_phone",
                status=422,
            )
        passwords.check_strength(password, user_inputs=(login_id, email, display_name))
        customer = Customer(
            customer_id=uuid.uuid4().hex,
            login_id=login_id,
            password_hash=self.passwords.hash(password),
            email=email,
            phone=phone,
            display_name=display_name or login_id,
            user_handle=secrets.token_bytes(32),
            created_at=self.clock(),
        )
        if not self.store.add_customer(customer):
            raise Conflict(
                "Login ID is already registered.",
                message_ja="このログインIDは既に登録されています。",
                field="login_id",
                fix="Choose another login ID.",
                code="login_id_taken",
            )
        return customer

    def change_password(self, token: str, new_password: str) -> None:
        """Set a new password; needs a step-up for `password_change`."""
        session, customer = self._session_customer(token)
        self._require_step_up(session, Action.PASSWORD_CHANGE)
        passwords.check_strength(new_password, user_inputs=(customer.login_id, customer.email))
        hashed = self.passwords.hash(new_password)
        with self.store.transaction():
            self.store.save_customer(replace(self._customer(customer.customer_id), password_hash=hashed))
            self.store.revoke_sessions(customer.customer_id, keep=session.token_hash)

    def enrolled(self, customer: Customer) -> list[Factor]:
        """Factors the customer can use now, as named in the event contract."""
        out = []
        if self.store.list_passkeys(customer.customer_id):
            out.append(Factor.PASSKEY)
        totp = self.store.get_totp(customer.customer_id)
        if totp and totp.confirmed:
            out.append(Factor.TOTP)
        if customer.sms_enabled:
            out.append(Factor.SMS)
        if customer.email_otp_enabled:
            out.append(Factor.EMAIL_OTP)
        return out

    # ----- login ------------------------------------------------------------------------------
    def login(self, login_id: str, password: str, context: LoginContext) -> LoginDecision:
        """Check the password and decide: deny, lock, or challenge with the factor to pass."""
        now = self.clock()
        customer = self.store.find_customer(login_id)
        # the customer's own device has a budget of its own: strangers cannot use it up
        own = customer is not None and self._own_device(customer.customer_id, context)
        source = self.source_of(context.ip)
        limited = self.rate_limiter.login(source, f"{login_id}:{context.device_id if own else '*'}")
        if limited:
            raise RateLimited.wait(limited.retry_after, f"login attempts (per {limited.which})")
        if customer is None:
            self.passwords.verify(self._dummy(), password)  # same time as a real check
            self._stuffing_failure(source, f"unknown:{login_id}", now)
            return LoginDecision("deny", ("invalid_credentials",))
        cid = customer.customer_id
        state = self._lock_state(customer, now)
        if not lock.admits(state, context.device_id, own):
            self.passwords.verify(self._dummy(), password)
            self._record(customer, context, "locked", now)
            return LoginDecision("deny", ("invalid_credentials",))
        if not self.passwords.verify(customer.password_hash, password):
            self._engine_login(cid, context, False, now)
            counts = not self.stuffing.source_risk(source, epoch(now), cid).is_stuffing
            self._stuffing_failure(source, cid, now)
            self._record(customer, context, "password_bad", now)
            if counts and not state.locked:  # a known-bad address pays for its own failures
                self._failure(customer, now, "invalid_credentials", context.device_id)
            return LoginDecision("deny", ("invalid_credentials",))  # the same for every login ID
        if self.passwords.needs_rehash(customer.password_hash):
            customer = replace(customer, password_hash=self.passwords.hash(password))
            self.store.save_customer(customer)

        known = {d.device_id for d in self.store.devices(cid)}
        new_device = context.device_id is None or context.device_id not in known
        reasons: list[str] = ["new_device"] if new_device else []
        source_risk = self.stuffing.source_risk(source, epoch(now), cid)
        account_risk = self.stuffing.account_risk(cid, epoch(now))
        reasons += source_risk.reasons
        if account_risk >= 1.0 and not source_risk.is_stuffing:
            reasons.append("account_targeted_by_stuffing")
        risk = max(source_risk.score, account_risk)
        engine_session = uuid.uuid4().hex
        verdict = self._engine_login(cid, context, True, now, engine_session)
        if verdict is not None:
            reasons += [r for r in verdict.reasons if r not in reasons]
            risk = max(risk, verdict.score)
            if verdict.decision in ("deny", "lock"):
                self._record(customer, context, verdict.decision, now)
                return LoginDecision(verdict.decision, tuple(reasons), risk=risk)
            if verdict.decision != "allow":
                reasons.append("risk_based_challenge")
        requirement = step_up.required_factor(Action.LOGIN, self.enrolled(customer))
        calm = not reasons or (
            verdict is not None and verdict.decision == "allow" and not source_risk.reasons
        )
        if not self.settings.mfa_at_login and calm:
            token = self._open_session(
                customer, context, None, now, new_device=False, risk=risk, engine_session=engine_session
            )
            return LoginDecision("allow", ("known_device",), session=token, risk=risk)

        reasons.append(requirement.reason)
        ticket = secrets.token_urlsafe(32)
        self.store.save_ticket(
            LoginTicket(
                _hash_token(ticket),
                cid,
                now,
                now + self.settings.ticket_ttl,
                context,
                requirement.accepted,
                tuple(reasons),
                new_device,
                risk,
                engine_session,
            )
        )
        sent_to = None
        if not requirement.phishing_resistant and requirement.strongest in (Factor.SMS, Factor.EMAIL_OTP):
            sent_to = self._send_code(customer, requirement.strongest, "login", now)
            reasons.append("code_sent")
        return LoginDecision(
            "challenge",
            tuple(reasons),
            factor=requirement.challenge,
            methods=(*requirement.accepted, RECOVERY),
            ticket=ticket,
            risk=risk,
            code_sent_to=sent_to,
        )

    def _engine_login(
        self, cid: str, context: LoginContext, ok: bool, now: datetime, engine_session: str = ""
    ):
        """The detection engine's view of this password check (None when no engine is attached)."""
        if self.risk_engine is None:
            return None
        try:
            return self.risk_engine.login(
                cid,
                engine_session or f"pending-{uuid.uuid4().hex}",
                context.ip,
                context.user_agent,
                context.device_id,
                ok,
                now,
            )
        except InvalidLine:  # no usable client address (a test client): nothing to place on a network
            return None

    def _engine_factor(self, session: Session, factor: Factor, change: str):
        """The engine's decision on a factor change made on `session`, as an `auth.factor` event."""
        if self.risk_engine is None:
            return None
        ctx = session.context
        event = {
            "type": "auth.factor",
            "event_id": f"factor-{uuid.uuid4().hex}",
            "ts": self.clock().isoformat(),
            "account_id": session.customer_id,
            "session_id": session.engine_session or f"identity-{session.token_hash[:16]}",
            "ip": ctx.ip,
            "user_agent": ctx.user_agent,
            "device_id": ctx.device_id,
            "channel": "web",
            "factor": str(factor),
            "action": change,
        }
        try:
            return self.risk_engine.decide_raw(msgspec.json.encode(event))
        except InvalidLine:
            return None

    def _enrolment_checked(self, session: Session, factor: Factor) -> bool:
        """Let the engine judge a new factor (refused on deny/lock); True when it must wait a probation.

        A factor added on a risky session (the login's risk, or the engine holding the change) cannot
        pass a withdrawal step-up until the probation ends.
        """
        verdict = self._engine_factor(session, factor, "enrolled")
        if verdict is not None and verdict.decision in ("deny", "lock"):
            raise FactorRejected(
                "A new factor cannot be added from this session.",
                message_ja="このセッションからは認証手段を追加できません。お客様サポートにお問い合わせください。",
                field="session",
                fix="Log in again from a device you use, or call customer support.",
                code="factor_enrolment_refused",
                status=403,
            )
        held = verdict is not None and verdict.decision == "hold"
        return held or session.risk >= self.settings.risky_session

    def send_login_code(self, ticket: str, method: Factor) -> str:
        """(Re)send a login code by `sms` or `email_otp`; returns the masked contact."""
        t = self._ticket(ticket)
        if method not in t.accepted or method not in (Factor.SMS, Factor.EMAIL_OTP):
            raise self._wrong_method(method, t.accepted)
        return self._send_code(self._customer(t.customer_id), method, "login", self.clock())

    def login_passkey_options(self, ticket: str | None = None) -> tuple[str, dict]:
        """Passkey options for the second step of a ticket, or for a usernameless passkey login."""
        customer_id, allowed = None, None
        if ticket is not None:
            customer_id = self._ticket(ticket).customer_id
            allowed = self.store.list_passkeys(customer_id)
        return self._passkey_challenge("login", customer_id, allowed)

    def verify_login(
        self,
        ticket: str,
        method: str,
        *,
        code: str | None = None,
        credential: dict | None = None,
        challenge_id: str | None = None,
    ) -> LoginDecision:
        """Second step: pass one accepted factor (or a recovery code) to get a session."""
        now = self.clock()
        rejected: FactorRejected | None = None
        with self.store.transaction():  # the ticket, the factor's state, the lock and the session: one step
            t = self._ticket(ticket)
            customer = self._customer(t.customer_id)
            state = self._lock_state(customer, now)
            if not lock.admits(state, t.context.device_id, self._own_device(customer.customer_id, t.context)):
                return LoginDecision("lock", ("account_locked",))
            if method != RECOVERY and method not in t.accepted:
                raise self._wrong_method(method, t.accepted)
            try:
                factor = self._pass_factor(customer, method, "login", code, credential, challenge_id, now)
            except FactorRejected as exc:
                self._record(customer, t.context, "factor_bad", now, factor=method)
                rejected = exc
                decision = self._failure(customer, now, exc.code, t.context.device_id)
            else:
                self.store.delete_ticket(t.ticket_hash)
                token = self._open_session(
                    customer,
                    t.context,
                    factor,
                    now,
                    new_device=t.new_device,
                    risk=t.risk,
                    engine_session=t.engine_session,
                )
                return LoginDecision("allow", (*t.reasons, f"passed_{method}"), session=token)
        if decision.decision == "lock":
            raise AccountLocked(
                "Too many failed attempts: the account is locked.",
                message_ja="認証に続けて失敗したため、ログインをロックしました。",
                field="code",
                fix="Unlock with a recovery code or call customer support.",
            ) from rejected
        raise rejected

    def login_with_passkey(self, challenge_id: str, credential: dict, context: LoginContext) -> LoginDecision:
        """Usernameless login: a passkey with user verification is phishing-resistant MFA alone."""
        now = self.clock()
        self._limit("passkey_per_ip", context.ip, "passkey logins from this address")
        credential_id = passkeys.credential_id_of(credential)
        self._limit("passkey_per_credential", credential_id.hex(), "passkey logins with this passkey")
        challenge = self._pop_challenge(challenge_id, "login")
        pk = self.store.get_passkey(credential_id)
        if pk is None or (challenge.customer_id and pk.customer_id != challenge.customer_id):
            raise self._passkey_unknown()
        customer = self._customer(pk.customer_id)
        state = self._lock_state(customer, now)
        if not lock.admits(state, context.device_id, self._own_device(customer.customer_id, context)):
            return LoginDecision("lock", ("account_locked",))
        self._verify_passkey(pk, credential, challenge, now)
        known = {d.device_id for d in self.store.devices(customer.customer_id)}
        new_device = context.device_id is None or context.device_id not in known
        token = self._open_session(customer, context, Factor.PASSKEY, now, new_device=new_device)
        reasons = ("passed_passkey", "new_device") if new_device else ("passed_passkey",)
        return LoginDecision("allow", reasons, session=token)

    def unlock_with_recovery_code(self, login_id: str, code: str, context: LoginContext) -> None:
        """A locked customer proves themselves with a recovery code (burned) and is unlocked."""
        now = self.clock()
        self._limit("per_ip", context.ip, "attempts from this address")
        self._limit("unlocks", login_id, "unlock attempts")
        customer = self.store.find_customer(login_id)
        with self.store.transaction():  # the code is burned once: one unlock per code
            burned = (
                None
                if customer is None
                else recovery.burn(self.store.get_recovery_codes(customer.customer_id), code, now)
            )
            if burned is not None:
                self.store.save_recovery_codes(customer.customer_id, burned)
                self._unlock(customer, lock.UnlockRoute.RECOVERY_CODE, now)
                return
        if True:
            raise FactorRejected(
                "Login ID or recovery code is wrong.",
                message_ja="ログインIDまたはリカバリーコードが正しくありません。",
                field="code",
                fix="Type one unused recovery code exactly as printed; or call customer support.",
                code="recovery_code_invalid",
            )

    def staff_unlock(self, customer_id: str, via: lock.UnlockRoute = lock.UnlockRoute.STAFF) -> None:
        """Unlock after staff verified the customer (phone call, ID documents)."""
        customer = self._customer(customer_id)
        if not self._lock_state(customer, self.clock()).locked:
            raise Conflict(
                "The account is not locked.",
                message_ja="このアカウントはロックされていません。",
                field="customer_id",
                fix="Nothing to unlock; check the customer ID.",
                code="not_locked",
            )
        self._unlock(customer, via, self.clock())

    def _lock_state(self, customer: Customer, now: datetime) -> lock.LockState:
        """The account's lock now; a temporary lock whose wait is over ends (and the engine hears of it)."""
        stored = self.store.get_lockout(customer.customer_id)
        state = lock.current(stored, epoch(now))
        if state is not stored:
            self.store.save_lockout(customer.customer_id, state)
            self._engine_unlocked(customer.customer_id, lock.UnlockRoute.EXPIRY, now)
        return state

    def _unlock(self, customer: Customer, route: lock.UnlockRoute, now: datetime) -> None:
        state = self._lock_state(customer, now)
        if state.locked:
            self.store.save_lockout(customer.customer_id, lock.unlock(state, route, epoch(now)))
            self._engine_unlocked(customer.customer_id, route, now)

    def _own_device(self, customer_id: str, context: LoginContext) -> bool:
        """The login's device completed a login on this account before (familiar)."""
        known = {d.device_id for d in self.store.devices(customer_id)}
        return is_familiar(familiarity(context.device_id, known))

    def _engine_unlocked(self, customer_id: str, route: lock.UnlockRoute, now: datetime) -> None:
        """Tell the engine the lock ended, as the contract's `account.unlocked` event."""
        if self.risk_engine is None:
            return
        event = {
            "type": "account.unlocked",
            "event_id": f"unlocked-{uuid.uuid4().hex}",
            "ts": now.isoformat(),
            "account_id": customer_id,
            "by": route.event_by,
        }
        self.risk_engine.decide_raw(msgspec.json.encode(event))

    # ----- sessions ---------------------------------------------------------------------------
    def session(self, token: str | None) -> Session:
        s = self.store.get_session(_hash_token(token)) if token else None
        if s is None or s.expires_at <= self.clock():
            raise NotAuthenticated(
                "Not logged in, or the session expired.",
                message_ja="ログインしてください。",
                field="session",
                fix="Log in again (POST /identity/login) and send the session token.",
            )
        return s

    def logout(self, token: str) -> None:
        self.store.delete_session(_hash_token(token))

    def customer_of(self, token: str) -> Customer:
        return self._session_customer(token)[1]

    def recent_logins(self, token: str, limit: int = 20) -> list[LoginRecord]:
        return self.store.recent_logins(self.session(token).customer_id, limit)

    def devices(self, token: str) -> list[Device]:
        return self.store.devices(self.session(token).customer_id)

    # ----- TOTP -------------------------------------------------------------------------------
    def begin_totp(self, token: str) -> TotpProvisioning:
        """A new secret with its otpauth URI and QR code; active after `confirm_totp` (step-up first)."""
        session, customer = self._session_customer(token)
        self._require_step_up(session, Action.FACTOR_ENROLMENT)
        current = self.store.get_totp(customer.customer_id)
        if current and current.confirmed:
            raise Conflict(
                "An authenticator app is already registered.",
                message_ja="認証アプリは既に登録されています。",
                field="totp",
                fix="Remove it first (DELETE /identity/totp, needs step-up), then enrol again.",
                code="totp_already_enrolled",
            )
        secret = otp.new_secret()
        self.store.save_totp(customer.customer_id, otp.TotpEnrolment(secret))
        uri = otp.provisioning_uri(secret, customer.login_id, self.settings.totp_issuer)
        return TotpProvisioning(secret, uri, otp.qr_svg(uri))

    def confirm_totp(self, token: str, code: str) -> None:
        session, customer = self._session_customer(token)
        self._require_step_up(session, Action.FACTOR_ENROLMENT)
        self._enrolment_checked(session, Factor.TOTP)
        with self.store.transaction():
            enrolment = self.store.get_totp(customer.customer_id)
            if enrolment is None:
                raise NotFound(
                    "No authenticator app enrolment in progress.",
                    message_ja="認証アプリの登録を開始してください。",
                    field="code",
                    fix="Call POST /identity/totp/enrol first and scan the QR code.",
                )
            step = otp.verify(enrolment, code, self.clock().timestamp())
            self.store.save_totp(customer.customer_id, replace(enrolment, confirmed=True, last_step=step))
            self._consume_grant(self.session(token), Action.FACTOR_ENROLMENT)
        self._notify_factor(customer, "totp", "added")

    def remove_totp(self, token: str) -> None:
        session, customer = self._session_customer(token)
        self._require_step_up(session, Action.FACTOR_REMOVAL)
        self.store.save_totp(customer.customer_id, None)
        self._notify_factor(customer, "totp", "removed")

    # ----- SMS / e-mail codes -----------------------------------------------------------------
    def begin_sms(self, token: str) -> str:
        """Send a code to the registered phone; `confirm_sms` turns SMS authentication on (step-up first)."""
        session, customer = self._session_customer(token)
        self._require_step_up(session, Action.FACTOR_ENROLMENT)
        return self._send_code(customer, Factor.SMS, "enrol_sms", self.clock())

    def confirm_sms(self, token: str, code: str) -> None:
        session, customer = self._session_customer(token)
        self._require_step_up(session, Action.FACTOR_ENROLMENT)
        self._enrolment_checked(session, Factor.SMS)
        with self.store.transaction():
            try:
                self._check_code(customer, "enrol_sms", code, self.clock())
            except FactorRejected as exc:
                rejected = exc
            else:
                self.store.save_customer(replace(self._customer(customer.customer_id), sms_enabled=True))
                self._consume_grant(self.session(token), Action.FACTOR_ENROLMENT)
                rejected = None
        if rejected is not None:
            raise rejected
        self._notify_factor(customer, "sms", "added")

    # ----- passkeys ---------------------------------------------------------------------------
    def passkey_registration_options(self, token: str) -> tuple[str, dict]:
        session, customer = self._session_customer(token)
        self._require_step_up(session, Action.FACTOR_ENROLMENT)
        options, challenge = passkeys.registration_options(
            self.rp,
            user_handle=customer.user_handle,
            login_id=customer.login_id,
            display_name=customer.display_name,
            existing=self.store.list_passkeys(customer.customer_id),
        )
        return self._save_challenge("register", customer.customer_id, challenge), options

    def register_passkey(
        self, token: str, challenge_id: str, credential: dict, name: str = ""
    ) -> passkeys.Passkey:
        session, customer = self._session_customer(token)
        self._require_step_up(session, Action.FACTOR_ENROLMENT)
        challenge = self._pop_challenge(challenge_id, "register", customer.customer_id)
        v = passkeys.verify_registration(self.rp, credential, challenge.challenge)
        risky = self._enrolment_checked(session, Factor.PASSKEY)
        now = self.clock()
        if self.store.get_passkey(v.credential_id) is not None:
            raise Conflict(
                "This passkey is already registered.",
                message_ja="このパスキーは既に登録されています。",
                field="credential",
                fix="Use another authenticator.",
                code="passkey_already_registered",
            )
        transports = tuple((credential.get("response") or {}).get("transports") or ())
        pk = passkeys.Passkey(
            v.credential_id,
            customer.customer_id,
            v.public_key,
            v.sign_count,
            (name or "パスキー")[:40],
            now,
            backed_up=v.backed_up,
            transports=transports,
            probation_until=now + self.settings.factor_probation if risky else None,
        )
        with self.store.transaction():
            self.store.save_passkey(pk)
            self._consume_grant(self.session(token), Action.FACTOR_ENROLMENT)
        self._notify_factor(customer, "passkey", "added")
        return pk

    def list_passkeys(self, token: str) -> list[passkeys.Passkey]:
        return self.store.list_passkeys(self.session(token).customer_id)

    def remove_passkey(self, token: str, credential_id: bytes) -> None:
        """Removal needs a step-up: a stolen session must not strip the customer's passkeys."""
        session, customer = self._session_customer(token)
        pk = self.store.get_passkey(credential_id)
        if pk is None or pk.customer_id != customer.customer_id:
            raise NotFound(
                "No such passkey.",
                message_ja="パスキーが見つかりません。",
                field="credential_id",
                fix="List passkeys with GET /identity/passkeys.",
            )
        self._require_step_up(session, Action.FACTOR_REMOVAL)
        self.store.delete_passkey(credential_id)
        self._notify_factor(customer, "passkey", "removed")

    # ----- recovery codes ---------------------------------------------------------------------
    def generate_recovery_codes(self, token: str) -> list[str]:
        """Ten new codes, shown once; needs a step-up with the strongest factor (they unlock and log in)."""
        session, customer = self._session_customer(token)
        self._require_step_up(session, Action.FACTOR_ENROLMENT)
        plain, stored = recovery.generate()
        with self.store.transaction():
            self.store.save_recovery_codes(customer.customer_id, stored)
            self._consume_grant(self.session(token), Action.FACTOR_ENROLMENT)
        self._notify_factor(customer, "recovery_codes", "added")
        return plain

    def recovery_codes_left(self, token: str) -> int:
        return recovery.remaining(self.store.get_recovery_codes(self.session(token).customer_id))

    # ----- step-up and actions ----------------------------------------------------------------
    def begin_step_up(self, token: str, action: Action) -> StepUpChallenge:
        """Tell what `action` needs and start it: passkey options, or a code sent."""
        _, customer = self._session_customer(token)
        self._limit("step_ups", customer.customer_id, "step-ups")
        requirement = step_up.required_factor(action, self.enrolled(customer))
        now = self.clock()
        if requirement.strongest is Factor.PASSKEY:
            cid, options = self._passkey_challenge(
                f"stepup:{action}", customer.customer_id, self.store.list_passkeys(customer.customer_id)
            )
            return StepUpChallenge(requirement, challenge_id=cid, passkey_options=options)
        if requirement.strongest in (Factor.SMS, Factor.EMAIL_OTP):
            sent = self._send_code(customer, requirement.strongest, f"stepup:{action}", now)
            return StepUpChallenge(requirement, code_sent_to=sent)
        return StepUpChallenge(requirement)

    def begin_step_up_method(self, token: str, action: Action) -> str:
        """The code method a step-up for `action` takes (the strongest accepted one-time code)."""
        _, customer = self._session_customer(token)
        accepted = step_up.required_factor(action, self.enrolled(customer)).accepted
        return str(next((f for f in accepted if f is not Factor.PASSKEY), accepted[0]))

    def verify_step_up(
        self,
        token: str,
        action: Action,
        method: str,
        *,
        code: str | None = None,
        credential: dict | None = None,
        challenge_id: str | None = None,
    ) -> datetime:
        """Pass the factor; the session holds a grant for `action` until the returned time."""
        session, customer = self._session_customer(token)
        now = self.clock()
        requirement = step_up.required_factor(action, self.enrolled(customer))
        if method not in requirement.accepted:
            raise self._wrong_method(method, requirement.accepted)
        with self.store.transaction():
            try:
                factor = self._pass_factor(
                    customer, method, f"stepup:{action}", code, credential, challenge_id, now
                )
            except FactorRejected as exc:
                rejected = exc
                self._failure(customer, now, "step_up_failed", session.context.device_id)
            else:
                until = now + self.settings.step_up_ttl
                session = self.session(token)  # re-read inside: another grant may have landed meanwhile
                grants = {**session.stepped_up, str(action): (factor, until)}
                self.store.save_session(replace(session, stepped_up=grants))
                return until
        raise rejected

    def authorize(self, token: str, action: Action) -> step_up.ActionDecision:
        """allow / challenge / hold for an action, from step-up grants and the cooling-off."""
        session, customer = self._session_customer(token)
        now = self.clock()
        return step_up.authorize(
            action,
            self.enrolled(customer),
            stepped_up_with=self._grant(session, action, now),
            contact_changed_at=None
            if customer.contact_changed_at is None
            else epoch(customer.contact_changed_at),
            now=epoch(now),
            cooling_off_seconds=self.settings.cooling_off.total_seconds(),
        )

    def change_contact(self, token: str, field: str, value: str) -> datetime:
        """Change the registered e-mail or phone: step-up, notice to the OLD contact, cooling-off.

        Returns the end of the cooling-off during which withdrawals are held.
        """
        action = {"email": Action.EMAIL_CHANGE, "phone": Action.PHONE_CHANGE}.get(field)
        if action is None:
            raise IdentityError(
                f"Unknown contact field {field!r}.",
                message_ja="変更できる連絡先はメールアドレスと電話番号です。",
                field="field",
                fix="Use 'email' or 'phone'.",
                code="invalid_field",
                status=422,
            )
        pattern = _EMAIL if field == "email" else _PHONE
        if not pattern.match(value):
            raise IdentityError(
                f"New {field} is not valid.",
                message_ja="新しい連絡先の形式が正しくありません。",
                field="value",
                fix="Give name@domain for e-mail, 10-16 digits for phone.",
                code=f"invalid_{field}",
                status=422,
            )
        session, customer = self._session_customer(token)
        self._require_step_up(session, action)
        now = self.clock()
        old = customer
        customer = replace(customer, **{field: value}, contact_changed_at=now, contact_changed_field=field)
        self.store.save_customer(customer)
        self._consume_grant(session, action)
        hours = int(self.settings.cooling_off.total_seconds() // 3600)
        notice = notices.contact_changed(field, now, hours)
        channel, to = ("email", old.email) if field == "email" else ("sms", old.phone)
        self._send(notice, channel, to)
        if field == "phone":
            self._send(notice, "email", old.email)
        return now + self.settings.cooling_off

    # ----- internals --------------------------------------------------------------------------
    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.passwords.hash(secrets.token_hex(16))
        return self._dummy_hash

    def _stuffing_failure(self, source: Source, account: str, now: datetime) -> None:
        with self._stuffing_lock:
            self.stuffing.record_failure(source, account, epoch(now))

    def _failure(
        self, customer: Customer, now: datetime, reason: str, device_id: str | None = None
    ) -> LoginDecision:
        """Count one authentication failure against the account; lock, end its sessions and notify at
        the threshold (one transaction: parallel failures are each counted once)."""
        with self.store.transaction():
            state = self._lock_state(customer, now)
            if state.locked:
                return LoginDecision("lock", (reason, "account_locked"), attempts_left=0)
            new = lock.record_failure(state, self.lock_policy, epoch(now), device_id)
            self.store.save_lockout(customer.customer_id, new)
            if new.locked:
                self.store.revoke_sessions(customer.customer_id)
        if new.locked:
            self._send(notices.account_locked(now, new.failures), "email", customer.email)
            return LoginDecision("lock", (reason, "too_many_failures"), attempts_left=0)
        return LoginDecision("deny", (reason,), attempts_left=new.remaining(self.lock_policy))

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

    def _open_session(
        self,
        customer: Customer,
        ctx: LoginContext,
        factor: Factor | None,
        now: datetime,
        *,
        new_device: bool,
        risk: float = 0.0,
        engine_session: str = "",
    ) -> str:
        token = secrets.token_urlsafe(32)
        with self.store.transaction():  # no session for an account a parallel failure has just locked
            state = self._lock_state(customer, now)
            if not lock.admits(state, ctx.device_id, self._own_device(customer.customer_id, ctx)):
                raise AccountLocked(
                    "The account is locked.",
                    message_ja="ログインはロックされています。",
                    field="login_id",
                    fix="Unlock with a recovery code or call customer support.",
                )
            self.store.save_session(
                Session(
                    _hash_token(token),
                    customer.customer_id,
                    now,
                    now + self.settings.session_ttl,
                    ctx,
                    factor,
                    risk=risk,
                    engine_session=engine_session,
                )
            )
            self.store.save_lockout(customer.customer_id, lock.record_success(state))
        description = describe_device(ctx.user_agent)
        self._record(customer, ctx, "success", now, factor=factor, new_device=new_device)
        if ctx.device_id:
            seen = next(
                (d for d in self.store.devices(customer.customer_id) if d.device_id == ctx.device_id), None
            )
            first = seen.first_seen if seen else now
            self.store.save_device(
                customer.customer_id, Device(ctx.device_id, description, first, now, ctx.ip)
            )
        if new_device:
            self._send(notices.new_device_login(now, description, ctx.ip), "email", customer.email)
        return token

    def _pass_factor(
        self,
        customer: Customer,
        method: str,
        purpose: str,
        code: str | None,
        credential: dict | None,
        challenge_id: str | None,
        now: datetime,
    ) -> Factor:
        """Check one factor for `purpose`; return the factor that passed (raise FactorRejected)."""
        if method == Factor.PASSKEY:
            if credential is None or challenge_id is None:
                raise self._missing(
                    "credential", "Send the navigator.credentials.get() result and challenge_id."
                )
            challenge = self._pop_challenge(challenge_id, purpose, customer.customer_id)
            pk = self.store.get_passkey(passkeys.credential_id_of(credential))
            if pk is None or pk.customer_id != customer.customer_id:
                raise self._passkey_unknown()
            self._verify_passkey(pk, credential, challenge, now)
            bars = {f"stepup:{a}" for a in step_up.PROBATION_BARS}
            if purpose in bars and pk.probation_until is not None and now < pk.probation_until:
                raise FactorRejected(
                    "This passkey was added on a risky session and cannot approve withdrawals yet.",
                    message_ja="このパスキーは登録直後のため、出金の承認にはまだ使えません。",
                    field="credential",
                    fix=f"Use it for withdrawals after {pk.probation_until.isoformat()}, or another passkey.",
                    code="passkey_on_probation",
                    details={"until": pk.probation_until.isoformat()},
                )
            return Factor.PASSKEY
        if code is None:
            raise self._missing("code", "Send the code in the 'code' field.")
        if method == Factor.TOTP:
            enrolment = self.store.get_totp(customer.customer_id)
            if enrolment is None or not enrolment.confirmed:
                raise self._wrong_method(method, ())
            step = otp.verify(enrolment, code, now.timestamp())
            self.store.save_totp(customer.customer_id, replace(enrolment, last_step=step))
            return Factor.TOTP
        if method in (Factor.SMS, Factor.EMAIL_OTP):
            self._check_code(customer, purpose, code, now)
            return Factor(method)
        if method == RECOVERY:
            burned = recovery.burn(self.store.get_recovery_codes(customer.customer_id), code, now)
            if burned is None:
                raise FactorRejected(
                    "Recovery code is wrong or already used.",
                    message_ja="リカバリーコードが正しくないか、使用済みです。",
                    field="code",
                    fix="Type one unused recovery code exactly as printed.",
                    code="recovery_code_invalid",
                )
            self.store.save_recovery_codes(customer.customer_id, burned)
            return Factor.EMAIL_OTP  # a recovery code counts as no stronger than a sent code
        raise self._wrong_method(method, ())

    def _limit(self, kind: str, key: str, what: str) -> None:
        """Count one try against a rate limit; refuse with the wait when it is used up."""
        limited = self.rate_limiter.hit(kind, key)
        if limited:
            raise RateLimited.wait(limited.retry_after, what)

    def _send_code(self, customer: Customer, factor: Factor, purpose: str, now: datetime) -> str:
        self._limit("code_sends", customer.customer_id, "codes sent")
        if purpose == "enrol_sms":
            self._limit("sms_enrolments", customer.customer_id, "SMS enrolments")
        channel = codes.Channel.SMS if factor is Factor.SMS else codes.Channel.EMAIL
        plain, stored = codes.issue(channel, purpose, now)
        self.store.save_code(customer.customer_id, purpose, stored)
        purpose_ja = _CODE_PURPOSE_JA.get(purpose.split(":")[0], "お取引の確認")
        minutes = int(codes.TTL.total_seconds() // 60)
        notice = notices.code_sent(plain, purpose_ja, minutes, str(channel))
        to = customer.phone if channel is codes.Channel.SMS else customer.email
        self._send(notice, str(channel), to)
        return mask(to)

    def _check_code(self, customer: Customer, purpose: str, code: str, now: datetime) -> None:
        stored = self.store.get_code(customer.customer_id, purpose)
        if stored is None:
            raise FactorRejected(
                "No code was sent for this step, or it was already used.",
                message_ja="認証コードが見つかりません。もう一度送信してください。",
                field="code",
                fix="Request a new code and enter it within 5 minutes.",
                code="code_missing",
            )
        outcome, updated = codes.check(stored, code, now)
        if outcome is codes.CodeCheck.OK:
            self.store.save_code(customer.customer_id, purpose, None)
            return
        if outcome is codes.CodeCheck.WRONG:
            self.store.save_code(customer.customer_id, purpose, updated)
            raise FactorRejected(
                "Wrong code.",
                message_ja=f"認証コードが正しくありません(残り{updated.attempts_left}回)。",
                field="code",
                fix="Enter the 6 digits from the latest message.",
                code="code_invalid",
                details={"code_attempts_left": updated.attempts_left},
            )
        self.store.save_code(customer.customer_id, purpose, None)
        expired = outcome is codes.CodeCheck.EXPIRED
        raise FactorRejected(
            "The code expired." if expired else "Too many wrong codes: this code is void.",
            message_ja="認証コードの有効期限が切れました。" if expired else "入力回数の上限に達しました。",
            field="code",
            fix="Request a new code.",
            code="code_expired" if expired else "code_exhausted",
        )

    def _passkey_challenge(
        self, purpose: str, customer_id: str | None, allowed: list | None
    ) -> tuple[str, dict]:
        options, challenge = passkeys.authentication_options(self.rp, allowed)
        return self._save_challenge(purpose, customer_id, challenge), options

    def _save_challenge(self, purpose: str, customer_id: str | None, challenge: bytes) -> str:
        cid = secrets.token_urlsafe(24)
        self.store.purge_challenges(self.clock())  # expired challenges never pile up
        expires = self.clock() + self.settings.ticket_ttl
        self.store.save_challenge(cid, Challenge(challenge, purpose, customer_id, expires))
        return cid

    def _pop_challenge(self, challenge_id: str, purpose: str, customer_id: str | None = None) -> Challenge:
        c = self.store.pop_challenge(challenge_id)
        if (
            c is None
            or c.purpose != purpose
            or c.expires_at <= self.clock()
            or (customer_id is not None and c.customer_id not in (None, customer_id))
        ):
            raise FactorRejected(
                "Unknown, used or expired passkey challenge.",
                message_ja="認証の有効期限が切れました。もう一度お試しください。",
                field="challenge_id",
                fix="Ask for new options and answer them once, within 10 minutes.",
                code="challenge_invalid",
            )
        return c

    def _verify_passkey(
        self, pk: passkeys.Passkey, credential: dict, challenge: Challenge, now: datetime
    ) -> None:
        v = passkeys.verify_authentication(self.rp, credential, challenge.challenge, pk)
        self.store.save_passkey(replace(pk, sign_count=v.sign_count, last_used_at=now, backed_up=v.backed_up))

    def _grant(self, session: Session, action: Action, now: datetime) -> Factor | None:
        grant = session.stepped_up.get(str(action))
        if grant is None or grant[1] <= now:
            return None
        return Factor(grant[0])

    def _require_step_up(self, session: Session, action: Action) -> None:
        customer = self._customer(session.customer_id)
        decision = step_up.authorize(
            action,
            self.enrolled(customer),
            stepped_up_with=self._grant(session, action, self.clock()),
            contact_changed_at=None,
            now=epoch(self.clock()),
        )
        if decision.decision != "allow":
            raise StepUpRequired(
                f"'{action}' needs a fresh step-up with {decision.requirement.strongest}.",
                message_ja="この操作には追加認証が必要です。",
                field="action",
                fix=f"POST /identity/step-up with action '{action}', then POST /identity/step-up/verify.",
                details={"action": str(action), "accepted": [str(f) for f in decision.requirement.accepted]},
            )

    def _consume_grant(self, session: Session, action: Action) -> None:
        grants = {k: v for k, v in session.stepped_up.items() if k != str(action)}
        self.store.save_session(replace(session, stepped_up=grants))

    def _session_customer(self, token: str) -> tuple[Session, Customer]:
        s = self.session(token)
        return s, self._customer(s.customer_id)

    def _customer(self, customer_id: str) -> Customer:
        c = self.store.get_customer(customer_id)
        if c is None:
            raise NotFound("No such customer.", field="customer_id", fix="Check the customer ID.")
        return c

    def _ticket(self, ticket: str) -> LoginTicket:
        t = self.store.get_ticket(_hash_token(ticket))
        if t is None or t.expires_at <= self.clock():
            raise NotAuthenticated(
                "Login ticket is unknown or expired.",
                message_ja="ログインの有効期限が切れました。もう一度ログインしてください。",
                field="ticket",
                fix="Start again with POST /identity/login.",
                code="ticket_invalid",
            )
        return t

    def _notify_factor(self, customer: Customer, factor: str, change: str) -> None:
        self._send(notices.factor_changed(factor, change, self.clock()), "email", customer.email)

    def _send(self, notice: notices.Notice, channel: str, to: str) -> None:
        self.notifier.send(Message(channel, to, notice.subject, notice.body, str(notice.kind)))

    @staticmethod
    def _wrong_method(method: str, accepted) -> FactorRejected:
        names = [str(a) for a in accepted]
        return FactorRejected(
            f"Method {method!r} is not accepted here.",
            message_ja="この認証方法はご利用いただけません。",
            field="method",
            fix=f"Use one of: {', '.join(names) or 'an enrolled factor'}.",
            code="method_not_accepted",
            details={"accepted": names},
        )

    @staticmethod
    def _missing(field: str, fix: str) -> FactorRejected:
        return FactorRejected(
            f"'{field}' is required.",
            message_ja="入力が不足しています。",
            field=field,
            fix=fix,
            code="missing_field",
        )

    @staticmethod
    def _passkey_unknown() -> FactorRejected:
        return FactorRejected(
            "This passkey is not registered for this account.",
            message_ja="このパスキーは登録されていません。",
            field="credential",
            fix="Use a passkey registered on this site, or log in with your password.",
            code="passkey_unknown",
        )
