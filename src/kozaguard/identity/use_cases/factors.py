"""Adding and removing factors: TOTP, SMS, passkeys, recovery codes, each proven first."""

from __future__ import annotations

import uuid
from dataclasses import replace

import msgspec

from kozaguard.account_security.step_up import Action, Factor
from kozaguard.events.codec import InvalidLine
from kozaguard.identity import otp, passkeys, recovery
from kozaguard.identity.catalogue import refusal
from kozaguard.identity.errors import (
    FactorRejected,
)
from kozaguard.identity.models import (
    Session,
)
from kozaguard.identity.use_cases.base import (
    Base,
    TotpProvisioning,
)


class Factors(Base):
    """Adding and removing factors: TOTP, SMS, passkeys, recovery codes, each proven first."""

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
            raise refusal("factor_enrolment_refused", field="session")
        held = verdict is not None and verdict.decision == "hold"
        return held or session.risk >= self.settings.risky_session

    def begin_totp(self, token: str) -> TotpProvisioning:
        """A new secret with its otpauth URI and QR code; active after `confirm_totp` (step-up first)."""
        session, customer = self._session_customer(token, enrolling=True)
        self._require_step_up(session, Action.FACTOR_ENROLMENT)
        current = self.store.get_totp(customer.customer_id)
        if current and current.confirmed:
            raise refusal("totp_already_enrolled", field="totp")
        secret = otp.new_secret()
        self.store.save_totp(customer.customer_id, otp.TotpEnrolment(secret))
        uri = otp.provisioning_uri(secret, customer.login_id, self.settings.totp_issuer)
        return TotpProvisioning(secret, uri, otp.qr_svg(uri))

    def confirm_totp(self, token: str, code: str) -> None:
        session, customer = self._session_customer(token, enrolling=True)
        self._require_step_up(session, Action.FACTOR_ENROLMENT)
        self._enrolment_checked(session, Factor.TOTP)
        with self.uow:
            enrolment = self.store.get_totp(customer.customer_id)
            if enrolment is None:
                raise refusal("totp_enrolment_missing", field="code")
            step = otp.verify(enrolment, code, self.clock().timestamp())
            self.store.save_totp(customer.customer_id, replace(enrolment, confirmed=True, last_step=step))
            self._consume_grant(self.session(token, enrolling=True), Action.FACTOR_ENROLMENT)
            self._after_enrolment(token)
        self._notify_factor(customer, "totp", "added")

    def remove_totp(self, token: str) -> None:
        session, customer = self._session_customer(token)
        self._require_step_up(session, Action.FACTOR_REMOVAL)
        self.store.save_totp(customer.customer_id, None)
        self._notify_factor(customer, "totp", "removed")

    def begin_sms(self, token: str) -> str:
        """Send a code to the registered phone; `confirm_sms` turns SMS authentication on (step-up first)."""
        session, customer = self._session_customer(token, enrolling=True)
        self._require_step_up(session, Action.FACTOR_ENROLMENT)
        return self._send_code(customer, Factor.SMS, "enrol_sms", self.clock())

    def confirm_sms(self, token: str, code: str) -> None:
        session, customer = self._session_customer(token, enrolling=True)
        self._require_step_up(session, Action.FACTOR_ENROLMENT)
        self._enrolment_checked(session, Factor.SMS)
        with self.uow:
            try:
                self._check_code(customer, "enrol_sms", code, self.clock())
            except FactorRejected as exc:
                rejected = exc
            else:
                self.store.save_customer(replace(self._customer(customer.customer_id), sms_enabled=True))
                self._consume_grant(self.session(token, enrolling=True), Action.FACTOR_ENROLMENT)
                self._after_enrolment(token)
                rejected = None
        if rejected is not None:
            raise rejected
        self._notify_factor(customer, "sms", "added")

    def passkey_registration_options(self, token: str) -> tuple[str, dict]:
        session, customer = self._session_customer(token, enrolling=True)
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
        session, customer = self._session_customer(token, enrolling=True)
        self._require_step_up(session, Action.FACTOR_ENROLMENT)
        challenge = self._pop_challenge(challenge_id, "register", customer.customer_id)
        v = passkeys.verify_registration(self.rp, credential, challenge.challenge)
        risky = self._enrolment_checked(session, Factor.PASSKEY)
        now = self.clock()
        if self.store.get_passkey(v.credential_id) is not None:
            raise refusal("passkey_already_registered", field="credential")
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
        with self.uow:
            self.store.save_passkey(pk)
            self._consume_grant(self.session(token, enrolling=True), Action.FACTOR_ENROLMENT)
            self._after_enrolment(token)
        self._notify_factor(customer, "passkey", "added")
        return pk

    def list_passkeys(self, token: str) -> list[passkeys.Passkey]:
        return self.store.list_passkeys(self.session(token).customer_id)

    def remove_passkey(self, token: str, credential_id: bytes) -> None:
        """Removal needs a step-up: a stolen session must not strip the customer's passkeys."""
        session, customer = self._session_customer(token)
        pk = self.store.get_passkey(credential_id)
        if pk is None or pk.customer_id != customer.customer_id:
            raise refusal("passkey_not_found", field="credential_id")
        self._require_step_up(session, Action.FACTOR_REMOVAL)
        if customer.passkey_only and len(self.store.list_passkeys(customer.customer_id)) == 1:
            raise refusal("last_passkey_in_passkey_only", field="credential_id")
        self.store.delete_passkey(credential_id)
        self._notify_factor(customer, "passkey", "removed")

    def generate_recovery_codes(self, token: str) -> list[str]:
        """Ten new codes, shown once; needs a step-up with the strongest factor (they unlock and log in)."""
        session, customer = self._session_customer(token)
        self._require_step_up(session, Action.FACTOR_ENROLMENT)
        plain, stored = recovery.generate()
        with self.uow:
            self.store.save_recovery_codes(customer.customer_id, stored)
            self._consume_grant(self.session(token), Action.FACTOR_ENROLMENT)
        self._notify_factor(customer, "recovery_codes", "added")
        return plain

    def recovery_codes_left(self, token: str) -> int:
        return recovery.remaining(self.store.get_recovery_codes(self.session(token).customer_id))
