"""The authentication policy at work: what an action needs, enrolment, passkey-only, reminders.

`account_security.auth_policy` decides; this mixin feeds it the customer's usable factors and the
day in Japan, refuses actions the policy blocks until enrolment, switches passkey-only mode, and
sends the reminders (notices without links) on the policy's schedule.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from kozaguard.account_security import auth_policy
from kozaguard.account_security.auth_policy import Outcome
from kozaguard.account_security.step_up import Action, Factor, Requirement
from kozaguard.identity import notices
from kozaguard.identity.catalogue import refusal
from kozaguard.identity.models import Customer
from kozaguard.identity.notices import JST
from kozaguard.identity.use_cases.base import Base


class Policies(Base):
    """The authentication policy at work: what an action needs, enrolment, passkey-only, reminders."""

    def today(self) -> date:
        """The day in Japan: policy dates are the broker's calendar days."""
        return self.clock().astimezone(JST).date()

    def is_passkey_only(self, customer: Customer) -> bool:
        """The customer's own switch, or the policy's segment (customers holding a passkey)."""
        if customer.passkey_only:
            return True
        p = self.settings.policy
        return (
            p is not None
            and p.passkey_only == "with_passkey"
            and bool(self.store.list_passkeys(customer.customer_id))
        )

    def _usable(self, customer: Customer, action: Action) -> list[Factor]:
        p = self.settings.policy
        phone = p is not None and p.phone_call and action is Action.LOGIN
        return auth_policy.usable(self.enrolled(customer), self.is_passkey_only(customer), phone)

    def _outcome(self, customer: Customer, action: Action, channel: str) -> Outcome:
        return auth_policy.decide(
            self.settings.policy, channel, action, self._usable(customer, action), self.today()
        )

    def _requirement(self, customer: Customer, action: Action, channel: str) -> Requirement:
        """What a step-up for `action` accepts; refused while the policy waits for an enrolment."""
        o = self._outcome(customer, action, channel)
        if o.must_enrol and action is not Action.FACTOR_ENROLMENT:
            raise refusal(
                "enrolment_required", field="action", details={"level": o.must_enrol}, level=o.must_enrol
            )
        return o.requirement

    def _refuse_codes(self, customer: Customer, method: str) -> None:
        """Passkey-only mode: every relayable method (codes, phone call, recovery codes) refused."""
        if method != Factor.PASSKEY and self.is_passkey_only(customer):
            raise refusal("passkey_only", field="method")

    # enrolment at login --------------------------------------------------------------------
    def enrolment_status(self, token: str) -> dict:
        """For the enrolment page: the level the policy needs, what the customer has, the deadline."""
        session, customer = self._session_customer(token, enrolling=True)
        o = self._outcome(customer, Action.LOGIN, session.context.channel)
        return {
            "must_enrol": session.must_enrol,
            "level": o.level,
            "deadline": o.deadline,
            "factors": [str(f) for f in self.enrolled(customer)],
            "accepted": sorted(auth_policy.MEETS.get(session.must_enrol or "", ())),
        }

    def _after_enrolment(self, token: str) -> None:
        """A new factor may end the must-enrol state of this session."""
        session, customer = self._session_customer(token, enrolling=True)
        if (
            session.must_enrol
            and not self._outcome(customer, Action.LOGIN, session.context.channel).must_enrol
        ):
            self.store.save_session(replace(self.session(token, enrolling=True), must_enrol=None))

    # passkey-only mode ---------------------------------------------------------------------
    def set_passkey_only(self, token: str, on: bool) -> None:
        """Turn passkey-only mode on (needs a passkey) or off (needs a passkey step-up, since a
        stolen session must not bring the relayable factors back)."""
        session, customer = self._session_customer(token)
        if on and not self.store.list_passkeys(customer.customer_id):
            raise refusal("passkey_only_needs_passkey", field="passkey_only")
        self._require_step_up(session, Action.FACTOR_REMOVAL if on else Action.FACTOR_ENROLMENT)
        with self.uow:
            self.store.save_customer(replace(self._customer(customer.customer_id), passkey_only=on))
            self._consume_grant(self.session(token), Action.FACTOR_REMOVAL if on else Action.FACTOR_ENROLMENT)
        self._notify_factor(customer, "passkey_only", "added" if on else "removed")

    # reminders and migration notices -------------------------------------------------------
    def send_due_reminders(self, customer: Customer, channel: str = "web") -> int:
        """Send each reminder that has fallen due for the customer; returns how many went out.

        One per action and level at each scheduled day (`remind_days` before the deadline, and
        before `from` when the action moves to passkeys): the JSDA asks firms still on one-time
        codes to tell customers when they move. Notices carry no link (FSA guideline).
        """
        policy, today = self.settings.policy, self.today()
        if policy is None:
            return 0
        sent = 0
        for name, actions in auth_policy.ACTIONS.items():
            rule = policy.rule(channel, actions[0])
            if rule is None:
                continue
            o = self._outcome(customer, actions[0], channel)
            if not o.remind:
                continue
            key = f"{customer.customer_id}:{name}:{rule.factor}"
            last = self.store.get_reminder(key)
            if not auth_policy.reminder_due(rule, today, last):
                continue
            with self.uow:
                if self.store.get_reminder(key) != last:  # a parallel login sent it already
                    continue
                self.store.save_reminder(key, today)
                notice = notices.policy_reminder(name, rule.factor, rule.since, rule.deadline)
                self._send(notice, "email", customer.email)
            sent += 1
        return sent

    def send_all_reminders(self) -> int:
        """The daily job: every customer's due reminders (`kozaguard identity remind`)."""
        return sum(self.send_due_reminders(c) for c in self.store.all_customers())

    def adoption_rows(self) -> list:
        """Every customer with his factors and the reminders he received (staff figures)."""
        from kozaguard.identity.adoption import CustomerFactors

        levels = auth_policy.LEVELS
        rows = []
        for c in self.store.all_customers():
            reminded = frozenset(
                action
                for action in auth_policy.ACTIONS
                if any(self.store.get_reminder(f"{c.customer_id}:{action}:{lv}") for lv in levels)
            )
            rows.append(CustomerFactors(c.customer_id, c.login_id, tuple(self.enrolled(c)), reminded))
        return rows
