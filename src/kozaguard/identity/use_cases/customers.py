"""Registration, password and contact changes, the factors a customer has."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import replace
from datetime import datetime

from kozaguard.account_security.step_up import Action, Factor
from kozaguard.identity import notices, passwords
from kozaguard.identity.catalogue import refusal
from kozaguard.identity.models import (
    Customer,
)
from kozaguard.identity.use_cases.base import (
    _EMAIL,
    _LOGIN_ID,
    _PHONE,
    Base,
)


class Customers(Base):
    """Registration, password and contact changes, the factors a customer has."""

    def register(
        self, login_id: str, password: str, email: str, phone: str, display_name: str = ""
    ) -> Customer:
        """Create a customer after checking the login ID, contacts and password strength."""
        if not _LOGIN_ID.match(login_id):
            raise refusal("invalid_login_id", field="login_id")
        if not _EMAIL.match(email):
            raise refusal("invalid_email", field="email")
        if not _PHONE.match(phone):
            raise refusal("invalid_phone", field="phone")
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
            raise refusal("login_id_taken", field="login_id")
        return customer

    def change_password(self, token: str, new_password: str) -> None:
        """Set a new password; needs a step-up for `password_change`."""
        session, customer = self._session_customer(token)
        self._require_step_up(session, Action.PASSWORD_CHANGE)
        passwords.check_strength(new_password, user_inputs=(customer.login_id, customer.email))
        hashed = self.passwords.hash(new_password)
        with self.uow:
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

    def change_contact(self, token: str, field: str, value: str) -> datetime:
        """Change the registered e-mail or phone: step-up, notice to the OLD contact, cooling-off.

        Returns the end of the cooling-off during which withdrawals are held.
        """
        action = {"email": Action.EMAIL_CHANGE, "phone": Action.PHONE_CHANGE}.get(field)
        if action is None:
            raise refusal("invalid_field", field="field", field_name=field)
        pattern = _EMAIL if field == "email" else _PHONE
        if not pattern.match(value):
            raise refusal(f"new_{field}_invalid", field="value")
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
