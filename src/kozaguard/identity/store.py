"""Storage of credentials and factors: one interface, an in-memory twin and (in sqlite_store) SQLite.

Every record is a frozen dataclass encoded with msgspec, kept under (namespace, key). The typed
methods live in `KeyValueIdentityStore`, so the twins differ only in a few primitive operations
and cannot drift apart in behaviour.

`transaction()` makes what runs inside it one atomic step: a check and the change it allows (a TOTP
step, a code's attempts, a recovery code, a lock transition, a new session) cannot interleave with
another request's. SQLite takes the write lock at the start (`BEGIN IMMEDIATE`); a PostgreSQL twin
would lock the customer's rows (`SELECT ... FOR UPDATE`) in the same place. Transactions nest: only
the outermost one commits.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar

import msgspec

from kozaguard.account_security.lock import LockState
from kozaguard.identity.codes import IssuedCode
from kozaguard.identity.models import (
    Challenge,
    Customer,
    Device,
    LoginRecord,
    LoginTicket,
    PhoneCall,
    Session,
)
from kozaguard.identity.otp import TotpEnrolment
from kozaguard.identity.passkeys import Passkey
from kozaguard.identity.recovery import RecoveryCode
from kozaguard.identity.sealed import SecretBox

T = TypeVar("T")
RECENT_LOGINS = 50


class IdentityStore(ABC):
    """What the identity service needs to remember."""

    @abstractmethod
    def transaction(self) -> Any:
        """A context manager: everything inside commits together or not at all."""

    @abstractmethod
    def add_customer(self, customer: Customer) -> bool:
        """False when the login ID is taken."""

    @abstractmethod
    def save_customer(self, customer: Customer) -> None: ...
    @abstractmethod
    def get_customer(self, customer_id: str) -> Customer | None: ...
    @abstractmethod
    def find_customer(self, login_id: str) -> Customer | None: ...
    @abstractmethod
    def get_lockout(self, customer_id: str) -> LockState: ...
    @abstractmethod
    def save_lockout(self, customer_id: str, state: LockState) -> None: ...
    @abstractmethod
    def get_totp(self, customer_id: str) -> TotpEnrolment | None: ...
    @abstractmethod
    def save_totp(self, customer_id: str, enrolment: TotpEnrolment | None) -> None: ...
    @abstractmethod
    def get_code(self, customer_id: str, purpose: str) -> IssuedCode | None: ...
    @abstractmethod
    def save_code(self, customer_id: str, purpose: str, code: IssuedCode | None) -> None: ...
    @abstractmethod
    def list_passkeys(self, customer_id: str) -> list[Passkey]: ...
    @abstractmethod
    def get_passkey(self, credential_id: bytes) -> Passkey | None: ...
    @abstractmethod
    def save_passkey(self, passkey: Passkey) -> None: ...
    @abstractmethod
    def delete_passkey(self, credential_id: bytes) -> None: ...
    @abstractmethod
    def get_recovery_codes(self, customer_id: str) -> list[RecoveryCode]: ...
    @abstractmethod
    def save_recovery_codes(self, customer_id: str, codes: list[RecoveryCode]) -> None: ...
    @abstractmethod
    def save_challenge(self, key: str, challenge: Challenge) -> None: ...
    @abstractmethod
    def pop_challenge(self, key: str) -> Challenge | None: ...
    @abstractmethod
    def save_ticket(self, ticket: LoginTicket) -> None: ...
    @abstractmethod
    def get_ticket(self, ticket_hash: str) -> LoginTicket | None: ...
    @abstractmethod
    def delete_ticket(self, ticket_hash: str) -> None: ...
    @abstractmethod
    def save_session(self, session: Session) -> None: ...
    @abstractmethod
    def get_session(self, token_hash: str) -> Session | None: ...
    @abstractmethod
    def delete_session(self, token_hash: str) -> None: ...
    @abstractmethod
    def revoke_sessions(self, customer_id: str, keep: str | None = None) -> int:
        """End every session of the customer except `keep` (a token hash); returns how many ended."""

    @abstractmethod
    def purge_challenges(self, now: Any) -> int:
        """Delete the WebAuthn challenges that expired before `now`; returns how many."""

    @abstractmethod
    def add_login(self, record: LoginRecord) -> None: ...
    @abstractmethod
    def recent_logins(self, customer_id: str, limit: int = 20) -> list[LoginRecord]: ...
    @abstractmethod
    def save_device(self, customer_id: str, device: Device) -> None: ...
    @abstractmethod
    def devices(self, customer_id: str) -> list[Device]: ...
    @abstractmethod
    def all_customers(self) -> list[Customer]:
        """Every customer (staff reports, the daily reminder job)."""

    @abstractmethod
    def get_reminder(self, key: str) -> date | None: ...
    @abstractmethod
    def save_reminder(self, key: str, day: date) -> None: ...
    @abstractmethod
    def save_phone_call(self, call: PhoneCall | None, ticket_hash: str, phone: str) -> None:
        """Keep (or with None, drop) the call a login waits for, findable by ticket and by phone."""

    @abstractmethod
    def phone_call_for_ticket(self, ticket_hash: str) -> PhoneCall | None: ...
    @abstractmethod
    def phone_call_for_number(self, phone: str) -> PhoneCall | None: ...
    @abstractmethod
    def use_nonce(self, nonce: str, expires_at: datetime, now: datetime) -> bool:
        """Record a webhook nonce; False when it was seen and has not expired (a replay)."""


class KeyValueIdentityStore(IdentityStore):
    """The typed methods over a few primitives: get, put, delete, scan, and their namespaces.

    `box` seals TOTP secrets before they are written (None only in tests of the stores themselves).
    """

    box: SecretBox | None = None

    @abstractmethod
    def _get(self, ns: str, key: str) -> bytes | None: ...
    @abstractmethod
    def _put(self, ns: str, key: str, value: bytes) -> None: ...
    @abstractmethod
    def _delete(self, ns: str, key: str) -> None: ...
    @abstractmethod
    def _scan(self, ns: str) -> list[tuple[str, bytes]]: ...

    def _read(self, ns: str, key: str, type_: type[T]) -> T | None:
        raw = self._get(ns, key)
        return None if raw is None else msgspec.json.decode(raw, type=type_)

    def _write(self, ns: str, key: str, value: Any) -> None:
        if value is None:
            self._delete(ns, key)
        else:
            self._put(ns, key, msgspec.json.encode(value))

    # customers
    def add_customer(self, customer: Customer) -> bool:
        with self.transaction():
            if self._get("login_id", customer.login_id) is not None:
                return False
            self._put("login_id", customer.login_id, customer.customer_id.encode())
            self._write("customer", customer.customer_id, customer)
            return True

    def save_customer(self, customer: Customer) -> None:
        with self.transaction():
            self._write("customer", customer.customer_id, customer)

    def get_customer(self, customer_id: str) -> Customer | None:
        return self._read("customer", customer_id, Customer)

    def find_customers(self, text: str, limit: int = 20) -> list[Customer]:
        """Customers whose login ID starts with, or whose name contains, `text` (staff lookup)."""
        text = text.strip().lower()
        found = []
        for _, raw in self._scan("customer"):
            c = msgspec.json.decode(raw, type=Customer)
            if c.login_id.lower().startswith(text) or text in c.display_name.lower():
                found.append(c)
        return sorted(found, key=lambda c: c.login_id)[:limit]

    def find_customer(self, login_id: str) -> Customer | None:
        cid = self._get("login_id", login_id)
        return None if cid is None else self.get_customer(cid.decode())

    # lockout, TOTP, one-time codes, recovery codes
    def get_lockout(self, customer_id: str) -> LockState:
        return self._read("lockout", customer_id, LockState) or LockState()

    def save_lockout(self, customer_id: str, state: LockState) -> None:
        self._write("lockout", customer_id, state)

    def get_totp(self, customer_id: str) -> TotpEnrolment | None:
        found = self._read("totp", customer_id, TotpEnrolment)
        if found is None or self.box is None:
            return found
        return replace(found, secret=self.box.open(found.secret))

    def save_totp(self, customer_id: str, enrolment: TotpEnrolment | None) -> None:
        if enrolment is not None and self.box is not None:
            enrolment = replace(enrolment, secret=self.box.seal(enrolment.secret))
        self._write("totp", customer_id, enrolment)

    def get_code(self, customer_id: str, purpose: str) -> IssuedCode | None:
        return self._read("code", f"{customer_id}:{purpose}", IssuedCode)

    def save_code(self, customer_id: str, purpose: str, code: IssuedCode | None) -> None:
        self._write("code", f"{customer_id}:{purpose}", code)

    def get_recovery_codes(self, customer_id: str) -> list[RecoveryCode]:
        return self._read("recovery", customer_id, list[RecoveryCode]) or []

    def save_recovery_codes(self, customer_id: str, codes: list[RecoveryCode]) -> None:
        self._write("recovery", customer_id, codes)

    # passkeys: one list per customer plus an owner index by credential ID
    def list_passkeys(self, customer_id: str) -> list[Passkey]:
        return self._read("passkeys", customer_id, list[Passkey]) or []

    def get_passkey(self, credential_id: bytes) -> Passkey | None:
        owner = self._get("passkey_owner", credential_id.hex())
        if owner is None:
            return None
        return next((p for p in self.list_passkeys(owner.decode()) if p.credential_id == credential_id), None)

    def save_passkey(self, passkey: Passkey) -> None:
        with self.transaction():
            current = self.list_passkeys(passkey.customer_id)
            updated = [passkey if p.credential_id == passkey.credential_id else p for p in current]
            if not any(p.credential_id == passkey.credential_id for p in current):
                updated.append(passkey)
            self._put("passkey_owner", passkey.credential_id.hex(), passkey.customer_id.encode())
            self._write("passkeys", passkey.customer_id, updated)

    def delete_passkey(self, credential_id: bytes) -> None:
        with self.transaction():
            passkey = self.get_passkey(credential_id)
            if passkey is None:
                return
            rest = [p for p in self.list_passkeys(passkey.customer_id) if p.credential_id != credential_id]
            self._write("passkeys", passkey.customer_id, rest)
            self._delete("passkey_owner", credential_id.hex())

    # short-lived: WebAuthn challenges, login tickets, sessions
    def save_challenge(self, key: str, challenge: Challenge) -> None:
        self._write("challenge", key, challenge)

    def pop_challenge(self, key: str) -> Challenge | None:
        with self.transaction():
            found = self._read("challenge", key, Challenge)
            self._delete("challenge", key)
            return found

    def save_ticket(self, ticket: LoginTicket) -> None:
        self._write("ticket", ticket.ticket_hash, ticket)

    def get_ticket(self, ticket_hash: str) -> LoginTicket | None:
        return self._read("ticket", ticket_hash, LoginTicket)

    def delete_ticket(self, ticket_hash: str) -> None:
        self._delete("ticket", ticket_hash)

    def save_session(self, session: Session) -> None:
        with self.transaction():
            mine = self._read("sessions_of", session.customer_id, list[str]) or []
            if session.token_hash not in mine:
                self._write("sessions_of", session.customer_id, [*mine, session.token_hash])
            self._write("session", session.token_hash, session)

    def get_session(self, token_hash: str) -> Session | None:
        return self._read("session", token_hash, Session)

    def delete_session(self, token_hash: str) -> None:
        self._delete("session", token_hash)

    def revoke_sessions(self, customer_id: str, keep: str | None = None) -> int:
        with self.transaction():
            mine = self._read("sessions_of", customer_id, list[str]) or []
            ended = 0
            for token_hash in mine:
                if token_hash != keep and self._get("session", token_hash) is not None:
                    self._delete("session", token_hash)
                    ended += 1
            self._write("sessions_of", customer_id, [keep] if keep in mine else None)
            return ended

    def purge_challenges(self, now) -> int:
        with self.transaction():
            expired = [
                key
                for key, raw in self._scan("challenge")
                if msgspec.json.decode(raw, type=Challenge).expires_at <= now
            ]
            for key in expired:
                self._delete("challenge", key)
            return len(expired)

    # history
    def add_login(self, record: LoginRecord) -> None:
        with self.transaction():
            records = self._read("logins", record.customer_id, list[LoginRecord]) or []
            self._write("logins", record.customer_id, [record, *records][:RECENT_LOGINS])

    def recent_logins(self, customer_id: str, limit: int = 20) -> list[LoginRecord]:
        return (self._read("logins", customer_id, list[LoginRecord]) or [])[:limit]

    def save_device(self, customer_id: str, device: Device) -> None:
        with self.transaction():
            known = self._read("devices", customer_id, dict[str, Device]) or {}
            known[device.device_id] = device
            self._write("devices", customer_id, known)

    def devices(self, customer_id: str) -> list[Device]:
        known = self._read("devices", customer_id, dict[str, Device]) or {}
        return sorted(known.values(), key=lambda d: d.last_seen, reverse=True)

    # records other parts keep beside an account (e.g. the staff directory's roles)
    def get_record(self, ns: str, key: str, type_: type[T]) -> T | None:
        return self._read(f"x:{ns}", key, type_)

    def save_record(self, ns: str, key: str, value: Any) -> None:
        with self.transaction():
            self._write(f"x:{ns}", key, value)

    def records(self, ns: str, type_: type[T]) -> list[T]:
        return [msgspec.json.decode(raw, type=type_) for _, raw in self._scan(f"x:{ns}")]

    def all_customers(self) -> list[Customer]:
        return [msgspec.json.decode(v, type=Customer) for _, v in self._scan("customer")]

    def get_reminder(self, key: str) -> date | None:
        return self._read("reminder", key, date)

    def save_reminder(self, key: str, day: date) -> None:
        with self.transaction():
            self._write("reminder", key, day)

    def save_phone_call(self, call: PhoneCall | None, ticket_hash: str, phone: str) -> None:
        with self.transaction():
            self._write("phone_call", ticket_hash, call)
            if call is not None:
                self._put("phone_wait", phone, ticket_hash.encode())
            elif self._get("phone_wait", phone) == ticket_hash.encode():
                self._delete("phone_wait", phone)

    def phone_call_for_ticket(self, ticket_hash: str) -> PhoneCall | None:
        return self._read("phone_call", ticket_hash, PhoneCall)

    def phone_call_for_number(self, phone: str) -> PhoneCall | None:
        ticket = self._get("phone_wait", phone)
        return None if ticket is None else self.phone_call_for_ticket(ticket.decode())

    def use_nonce(self, nonce: str, expires_at: datetime, now: datetime) -> bool:
        with self.transaction():
            seen = self._read("nonce", nonce, datetime)
            if seen is not None and seen > now:
                return False
            self._write("nonce", nonce, expires_at)
            return True


class MemoryIdentityStore(KeyValueIdentityStore):
    """In-memory twin for tests and single-process demos; a transaction holds the one lock."""

    def __init__(self, box: SecretBox | None = None) -> None:
        self._lock = threading.RLock()
        self._data: dict[tuple[str, str], bytes] = {}
        self.box = box

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            saved = dict(self._data)
            try:
                yield
            except BaseException:
                self._data = saved
                raise

    def _get(self, ns: str, key: str) -> bytes | None:
        return self._data.get((ns, key))

    def _put(self, ns: str, key: str, value: bytes) -> None:
        self._data[(ns, key)] = value

    def _delete(self, ns: str, key: str) -> None:
        self._data.pop((ns, key), None)

    def _scan(self, ns: str) -> list[tuple[str, bytes]]:
        return [(k, v) for (n, k), v in list(self._data.items()) if n == ns]
