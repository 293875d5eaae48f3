"""The account lock: failures counted, the lock lifted by a recovery code, staff or expiry."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from kozaguard.account_security import lock
from kozaguard.account_security.devices import familiarity, is_familiar
from kozaguard.identity import notices, recovery
from kozaguard.identity.catalogue import refusal
from kozaguard.identity.models import (
    Customer,
    LoginContext,
)
from kozaguard.identity.use_cases.base import (
    Base,
    LoginDecision,
    epoch,
)


class Locks(Base):
    """The account lock: failures counted, the lock lifted by a recovery code, staff or expiry."""

    def unlock_with_recovery_code(self, login_id: str, code: str, context: LoginContext) -> None:
        """A locked customer proves themselves with a recovery code (burned) and is unlocked."""
        now = self.clock()
        self._limit("per_ip", context.ip, "attempts from this address")
        self._limit("unlocks", login_id, "unlock attempts")
        customer = self.store.find_customer(login_id)
        with self.uow:  # the code is burned once: one unlock per code
            staff_locked = customer is not None and self.store.get_lockout(customer.customer_id).by_staff
            burned = (  # passkey-only: recovery needs staff, a recovery code is relayable
                None
                if customer is None or staff_locked or self.is_passkey_only(customer)
                else recovery.burn(self.store.get_recovery_codes(customer.customer_id), code, now)
            )
            if burned is not None:
                self.store.save_recovery_codes(customer.customer_id, burned)
                self._unlock(customer, lock.UnlockRoute.RECOVERY_CODE, now)
                return
        if True:
            raise refusal("unlock_invalid", field="code")

    def staff_unlock(self, customer_id: str, via: lock.UnlockRoute = lock.UnlockRoute.STAFF) -> None:
        """Unlock after staff verified the customer (phone call, ID documents)."""
        customer = self._customer(customer_id)
        if not self._lock_state(customer, self.clock()).locked:
            raise refusal("not_locked", field="customer_id")
        self._unlock(customer, via, self.clock())

    def staff_lock(self, customer_id: str) -> None:
        """Lock the account for every device (staff confirmed a takeover) and end its sessions."""
        customer = self._customer(customer_id)
        now = self.clock()
        with self.uow:
            state = self._lock_state(customer, now)
            self.store.save_lockout(customer_id, lock.staff_lock(state, epoch(now)))
            self.store.revoke_sessions(customer_id)

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

    def _failure(
        self, customer: Customer, now: datetime, reason: str, device_id: str | None = None
    ) -> LoginDecision:
        """Count one authentication failure against the account; lock, end its sessions and notify at
        the threshold (one transaction: parallel failures are each counted once)."""
        with self.uow:
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
