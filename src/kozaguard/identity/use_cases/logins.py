"""Logging in: the password step, the second factor, a passkey alone; sessions opened."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import replace
from datetime import datetime

from kozaguard.account_security import lock
from kozaguard.account_security.step_up import Action, Factor
from kozaguard.account_security.stuffing import Source
from kozaguard.events.codec import InvalidLine
from kozaguard.identity import notices, passkeys
from kozaguard.identity.catalogue import refusal
from kozaguard.identity.errors import (
    FactorRejected,
)
from kozaguard.identity.models import (
    Customer,
    Device,
    LoginContext,
    LoginTicket,
    Session,
)
from kozaguard.identity.use_cases.base import (
    RECOVERY,
    Base,
    LoginDecision,
    _hash_token,
    describe_device,
    epoch,
)


class Logins(Base):
    """Logging in: the password step, the second factor, a passkey alone; sessions opened."""

    def login(self, login_id: str, password: str, context: LoginContext) -> LoginDecision:
        """Check the password and decide: deny, lock, or challenge with the factor to pass."""
        now = self.clock()
        customer = self.store.find_customer(login_id)
        # the customer's own device has a budget of its own: strangers cannot use it up
        own = customer is not None and self._own_device(customer.customer_id, context)
        source = self.source_of(context.ip)
        limited = self.rate_limiter.login(source, f"{login_id}:{context.device_id if own else '*'}")
        if limited:
            raise refusal(
                "rate_limited",
                details={"retry_after": limited.retry_after},
                retry_after=limited.retry_after,
                what=f"login attempts (per {limited.which})",
            )
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
        outcome = self._outcome(customer, Action.LOGIN, context.channel)
        requirement = outcome.requirement
        calm = not reasons or (
            verdict is not None and verdict.decision == "allow" and not source_risk.reasons
        )
        # a login rule of the policy in force means a factor at every login: no known-device skip
        if not self.settings.mfa_at_login and calm and outcome.level is None:
            token = self._open_session(
                customer, context, None, now, new_device=False, risk=risk, engine_session=engine_session
            )
            return LoginDecision("allow", ("known_device",), session=token, risk=risk)

        reasons.append(requirement.reason)
        if outcome.must_enrol:
            reasons.append("enrolment_required")
        elif outcome.remind:
            self.send_due_reminders(customer, context.channel)
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
                outcome.must_enrol,
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
            methods=requirement.accepted
            if self.is_passkey_only(customer)
            else (*requirement.accepted, RECOVERY),
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

    def send_login_code(self, ticket: str, method: Factor) -> str:
        """(Re)send a login code by `sms` or `email_otp`; returns the masked contact."""
        t = self._ticket(ticket)
        self._refuse_codes(self._customer(t.customer_id), method)
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
        with self.uow:  # the ticket, the factor's state, the lock and the session: one step
            t = self._ticket(ticket)
            customer = self._customer(t.customer_id)
            state = self._lock_state(customer, now)
            if not lock.admits(state, t.context.device_id, self._own_device(customer.customer_id, t.context)):
                return LoginDecision("lock", ("account_locked",))
            self._refuse_codes(customer, method)
            if method != RECOVERY and method not in t.accepted:
                raise self._wrong_method(method, t.accepted)
            try:
                if method == Factor.PHONE_CALL:
                    factor = self._pass_phone_call(t, now)
                else:
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
                    must_enrol=t.must_enrol,
                )
                return LoginDecision("allow", (*t.reasons, f"passed_{method}"), session=token)
        if decision.decision == "lock":
            raise refusal("locked_by_failures", field="code") from rejected
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
        must_enrol = self._outcome(customer, Action.LOGIN, context.channel).must_enrol
        token = self._open_session(
            customer, context, Factor.PASSKEY, now, new_device=new_device, must_enrol=must_enrol
        )
        reasons = ("passed_passkey", "new_device") if new_device else ("passed_passkey",)
        return LoginDecision("allow", reasons, session=token)

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
        must_enrol: str | None = None,
    ) -> str:
        token = secrets.token_urlsafe(32)
        with self.uow:  # no session for an account a parallel failure has just locked
            state = self._lock_state(customer, now)
            if not lock.admits(state, ctx.device_id, self._own_device(customer.customer_id, ctx)):
                raise refusal("account_locked", field="login_id")
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
                    must_enrol=must_enrol,
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

    def _stuffing_failure(self, source: Source, account: str, now: datetime) -> None:
        with self._stuffing_lock:
            self.stuffing.record_failure(source, account, epoch(now))
