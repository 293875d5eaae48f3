"""Phone-number authentication (電話番号認証): the customer calls from his registered phone.

The login shows the number to call; the carrier's webhook reports who called (signed, timestamped,
with a one-time nonce); a call from the registered phone within the window answers the login, once.
Relayable like an SMS code (a phishing page can tell the victim to call), so passkey-only mode
refuses it; it proves the phone line, not the site the customer is on.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from kozaguard.account_security.step_up import Factor
from kozaguard.identity import telephony
from kozaguard.identity.catalogue import refusal
from kozaguard.identity.models import LoginTicket, PhoneCall
from kozaguard.identity.use_cases.base import Base, mask


class PhoneCalls(Base):
    """Phone-number authentication (電話番号認証): the customer calls from his registered phone."""

    def begin_phone_call(self, ticket: str) -> dict:
        """Open the window for a call: the number to call, from which phone, until when."""
        t = self._ticket(ticket)
        customer = self._customer(t.customer_id)
        self._refuse_codes(customer, Factor.PHONE_CALL)
        if Factor.PHONE_CALL not in t.accepted:
            raise refusal("phone_call_off", field="method")
        self._limit("code_sends", customer.customer_id, "phone-number authentications")
        now = self.clock()
        phone = telephony.national(customer.phone)
        expires = min(now + self.settings.phone_call_window, t.expires_at)
        self.store.save_phone_call(
            PhoneCall(t.ticket_hash, customer.customer_id, phone, now, expires), t.ticket_hash, phone
        )
        return {"call": self.settings.phone_auth_number, "from": mask(customer.phone), "until": expires}

    def telephony_call(self, body: bytes, timestamp: str, nonce: str, signature: str) -> dict:
        """The carrier reports a call. Refused: no secret set, a bad signature, a stale timestamp,
        a nonce seen before, a number no login waits for, a call outside the window."""
        secret = self.settings.telephony_secret
        if not secret:
            raise refusal("telephony_off", field="X-Kozaguard-Signature")
        if not telephony.signature_ok(secret, timestamp, nonce, body, signature):
            raise refusal("webhook_signature_invalid", field="X-Kozaguard-Signature")
        now = self.clock()
        at = datetime.fromtimestamp(int(timestamp), UTC)
        skew = self.settings.telephony_skew
        age = abs((now - at).total_seconds())
        if age > skew.total_seconds():
            raise refusal(
                "webhook_stale", field="X-Kozaguard-Timestamp", age=int(age), skew=int(skew.total_seconds())
            )
        if not self.store.use_nonce(nonce, now + 2 * skew, now):
            raise refusal("webhook_replayed", field="X-Kozaguard-Nonce")
        try:
            call = json.loads(body)
            caller, called = str(call["caller"]), str(call["called"])
        except (ValueError, KeyError, TypeError):
            raise refusal(
                "missing_field", field="caller", name="caller", fix='Send {"caller": "...", "called": "..."}.'
            ) from None
        if telephony.national(called) != telephony.national(self.settings.phone_auth_number):
            raise refusal("call_not_matched", field="called")
        with self.uow:  # one call answers one login, however many reports arrive at once
            waiting = self.store.phone_call_for_number(telephony.national(caller))
            if (
                waiting is None
                or waiting.answered_at is not None
                or not _opened(waiting) <= at < waiting.expires_at
            ):
                raise refusal("call_not_matched", field="caller")
            self.store.save_phone_call(replace(waiting, answered_at=at), waiting.ticket_hash, waiting.phone)
        return {"status": "matched"}

    def _pass_phone_call(self, t: LoginTicket, now: datetime) -> Factor:
        """Inside verify_login's unit of work: the answered call, used once."""
        call = self.store.phone_call_for_ticket(t.ticket_hash)
        customer = self._customer(t.customer_id)
        if call is None or call.answered_at is None or call.phone != telephony.national(customer.phone):
            raise refusal("phone_call_waiting", field="method")
        self.store.save_phone_call(None, t.ticket_hash, call.phone)
        return Factor.PHONE_CALL


def _opened(call: PhoneCall) -> datetime:
    """The window's start in whole seconds: the carrier's timestamp has no fraction."""
    return call.opened_at.replace(microsecond=0)
