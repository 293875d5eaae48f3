"""Step-up: what an action needs, passing it, the grant it leaves, allow / challenge / hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kozaguard.account_security import step_up
from kozaguard.account_security.step_up import Action, Factor
from kozaguard.identity.catalogue import refusal
from kozaguard.identity.errors import (
    FactorRejected,
    IdentityError,
)
from kozaguard.identity.models import (
    Session,
)
from kozaguard.identity.use_cases.base import (
    Base,
    StepUpChallenge,
    epoch,
)


class StepUps(Base):
    """Step-up: what an action needs, passing it, the grant it leaves, allow / challenge / hold."""

    def begin_step_up(self, token: str, action: Action) -> StepUpChallenge:
        """Tell what `action` needs and start it: passkey options, or a code sent."""
        session, customer = self._session_customer(token, enrolling=action is Action.FACTOR_ENROLMENT)
        self._limit("step_ups", customer.customer_id, "step-ups")
        requirement = self._requirement(customer, action, session.context.channel)
        now = self.clock()
        if requirement.strongest is Factor.PASSKEY:
            cid, options = self._passkey_challenge(
                f"stepup:{action}", customer.customer_id, self.store.list_passkeys(customer.customer_id)
            )
            return StepUpChallenge(requirement, challenge_id=cid, passkey_options=options)
        if requirement.strongest in (Factor.SMS, Factor.EMAIL_OTP) and not self.is_passkey_only(customer):
            sent = self._send_code(customer, requirement.strongest, f"stepup:{action}", now)
            return StepUpChallenge(requirement, code_sent_to=sent)
        return StepUpChallenge(requirement)

    def begin_step_up_method(self, token: str, action: Action) -> str:
        """The code method a step-up for `action` takes (the strongest accepted one-time code)."""
        session, customer = self._session_customer(token, enrolling=action is Action.FACTOR_ENROLMENT)
        accepted = self._requirement(customer, action, session.context.channel).accepted
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
        enrolling = action is Action.FACTOR_ENROLMENT
        session, customer = self._session_customer(token, enrolling=enrolling)
        now = self.clock()
        self._refuse_codes(customer, method)
        requirement = self._requirement(customer, action, session.context.channel)
        if method not in requirement.accepted:
            raise self._wrong_method(method, requirement.accepted)
        with self.uow:
            try:
                factor = self._pass_factor(
                    customer, method, f"stepup:{action}", code, credential, challenge_id, now
                )
            except FactorRejected as exc:
                rejected = exc
                self._failure(customer, now, "step_up_failed", session.context.device_id)
            else:
                until = now + self.settings.step_up_ttl
                session = self.session(
                    token, enrolling=enrolling
                )  # re-read inside: another grant may have landed meanwhile
                grants = {**session.stepped_up, str(action): (factor, until)}
                self.store.save_session(replace(session, stepped_up=grants))
                return until
        raise rejected

    def authorize(self, token: str, action: Action) -> step_up.ActionDecision:
        """allow / challenge / hold for an action, from step-up grants and the cooling-off."""
        session, customer = self._session_customer(token)
        now = self.clock()
        try:
            requirement = self._requirement(customer, action, session.context.channel)
        except IdentityError as exc:  # the policy waits for an enrolment: no grant can allow it
            requirement = step_up.required_factor(action, self.enrolled(customer))
            return step_up.ActionDecision("challenge", requirement, ("step_up_required", exc.code))
        return step_up.authorize(
            action,
            self.enrolled(customer),
            requirement=requirement,
            stepped_up_with=self._grant(session, action, now),
            contact_changed_at=None
            if customer.contact_changed_at is None
            else epoch(customer.contact_changed_at),
            now=epoch(now),
            cooling_off_seconds=self.settings.cooling_off.total_seconds(),
        )

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
            requirement=self._requirement(customer, action, session.context.channel),
            stepped_up_with=self._grant(session, action, self.clock()),
            contact_changed_at=None,
            now=epoch(self.clock()),
        )
        if decision.decision != "allow":
            raise refusal(
                "step_up_required",
                field="action",
                details={"action": str(action), "accepted": [str(f) for f in decision.requirement.accepted]},
                action=action,
                factor=decision.requirement.strongest,
            )

    def _consume_grant(self, session: Session, action: Action) -> None:
        grants = {k: v for k, v in session.stepped_up.items() if k != str(action)}
        self.store.save_session(replace(session, stepped_up=grants))
