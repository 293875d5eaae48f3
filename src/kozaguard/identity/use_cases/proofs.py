"""Checking one factor: a TOTP code, a sent code, a passkey answer, a recovery code."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime

from kozaguard.account_security import step_up
from kozaguard.account_security.step_up import Factor
from kozaguard.identity import codes, notices, otp, passkeys, recovery
from kozaguard.identity.catalogue import refusal
from kozaguard.identity.errors import (
    FactorRejected,
)
from kozaguard.identity.models import (
    Challenge,
    Customer,
)
from kozaguard.identity.use_cases.base import (
    _CODE_PURPOSE_JA,
    RECOVERY,
    Base,
    mask,
)


class Proofs(Base):
    """Checking one factor: a TOTP code, a sent code, a passkey answer, a recovery code."""

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
                raise refusal(
                    "passkey_on_probation",
                    field="credential",
                    details={"until": pk.probation_until.isoformat()},
                    until=pk.probation_until.isoformat(),
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
                raise refusal("recovery_code_invalid", field="code")
            self.store.save_recovery_codes(customer.customer_id, burned)
            return Factor.EMAIL_OTP  # a recovery code counts as no stronger than a sent code
        raise self._wrong_method(method, ())

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
            raise refusal("code_missing", field="code")
        outcome, updated = codes.check(stored, code, now)
        if outcome is codes.CodeCheck.OK:
            self.store.save_code(customer.customer_id, purpose, None)
            return
        if outcome is codes.CodeCheck.WRONG:
            self.store.save_code(customer.customer_id, purpose, updated)
            raise refusal(
                "code_invalid",
                field="code",
                details={"code_attempts_left": updated.attempts_left},
                left=updated.attempts_left,
            )
        self.store.save_code(customer.customer_id, purpose, None)
        expired = outcome is codes.CodeCheck.EXPIRED
        raise refusal("code_expired" if expired else "code_exhausted", field="code")

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
            raise refusal("challenge_invalid", field="challenge_id")
        return c

    def _verify_passkey(
        self, pk: passkeys.Passkey, credential: dict, challenge: Challenge, now: datetime
    ) -> None:
        v = passkeys.verify_authentication(self.rp, credential, challenge.challenge, pk)
        self.store.save_passkey(replace(pk, sign_count=v.sign_count, last_used_at=now, backed_up=v.backed_up))

    @staticmethod
    def _wrong_method(method: str, accepted) -> FactorRejected:
        names = [str(a) for a in accepted]
        return refusal(
            "method_not_accepted",
            field="method",
            details={"accepted": names},
            method=method,
            accepted=", ".join(names) or "an enrolled factor",
        )

    @staticmethod
    def _missing(field: str, fix: str) -> FactorRejected:
        return refusal("missing_field", field=field, name=field, fix=fix)

    @staticmethod
    def _passkey_unknown() -> FactorRejected:
        return refusal("passkey_unknown", field="credential")
