"""Fixtures for identity tests: a settable clock, a fast service over each store, a soft authenticator."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import UTC, datetime, timedelta

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from kozaguard.adapters.notify import MemoryNotifier
from kozaguard.identity.models import LoginContext
from kozaguard.identity.passwords import Argon2Parameters
from kozaguard.identity.service import IdentityService
from kozaguard.identity.settings import IdentitySettings
from kozaguard.identity.sqlite_store import SqliteIdentityStore
from kozaguard.identity.store import MemoryIdentityStore

ORIGIN = "http://localhost:8000"
FAST = Argon2Parameters(time_cost=1, memory_cost_kib=1024, parallelism=1)
PASSWORD = "kumo-hashiru-7-sakana"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = datetime(2025, 4, 14, 0, 30, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


class SoftAuthenticator:
    """A software FIDO2 authenticator (ES256, attestation 'none') answering WebAuthn options."""

    def __init__(self, *, user_verified: bool = True) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.sign_count = 0
        self.user_verified = user_verified
        self.user_handle: bytes | None = None

    def _cose_key(self) -> bytes:
        n = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: n.x.to_bytes(32, "big"), -3: n.y.to_bytes(32, "big")})

    def _auth_data(self, rp_id: str, attested: bool) -> bytes:
        flags = 0x01 | (0x04 if self.user_verified else 0) | (0x40 if attested else 0)
        data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + self.sign_count.to_bytes(4, "big")
        if attested:
            cid = self.credential_id
            data += bytes(16) + len(cid).to_bytes(2, "big") + cid + self._cose_key()
        return data

    def create(self, options: dict, origin: str = ORIGIN) -> dict:
        self.user_handle = unb64url(options["user"]["id"])
        client = json.dumps(
            {
                "type": "webauthn.create",
                "challenge": options["challenge"],
                "origin": origin,
                "crossOrigin": False,
            }
        ).encode()
        att = cbor2.dumps(
            {"fmt": "none", "attStmt": {}, "authData": self._auth_data(options["rp"]["id"], True)}
        )
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client),
                "attestationObject": b64url(att),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        }

    def get(self, options: dict, origin: str = ORIGIN, *, sign_count: int | None = None) -> dict:
        self.sign_count = self.sign_count + 1 if sign_count is None else sign_count
        client = json.dumps(
            {
                "type": "webauthn.get",
                "challenge": options["challenge"],
                "origin": origin,
                "crossOrigin": False,
            }
        ).encode()
        auth = self._auth_data(options["rpId"], False)
        sig = self.key.sign(auth + hashlib.sha256(client).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client),
                "authenticatorData": b64url(auth),
                "signature": b64url(sig),
                "userHandle": b64url(self.user_handle or b""),
            },
            "clientExtensionResults": {},
        }


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        yield MemoryIdentityStore()
        return
    s = SqliteIdentityStore(tmp_path / "identity.sqlite")
    yield s
    s.close()


@pytest.fixture
def notifier() -> MemoryNotifier:
    return MemoryNotifier()


@pytest.fixture
def settings() -> IdentitySettings:
    return IdentitySettings(origins=(ORIGIN,), argon2=FAST)


@pytest.fixture
def service(store, notifier, settings, clock) -> IdentityService:
    return IdentityService(store, notifier, settings, clock=clock)


@pytest.fixture
def ctx() -> LoginContext:
    return LoginContext(
        ip="198.51.100.7",
        user_agent="Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36",
        device_id="dev-1",
    )


@pytest.fixture
def authenticator() -> SoftAuthenticator:
    return SoftAuthenticator()


def _last_code(notifier: MemoryNotifier) -> str:
    import re

    for message in reversed(notifier.sent):
        m = re.search(r"認証コード: (\d{6})", message.body)
        if m:
            return m.group(1)
    raise AssertionError("no code was sent")


@pytest.fixture
def last_code(notifier):
    """The code in the latest code message."""
    return lambda: _last_code(notifier)


@pytest.fixture
def customer(service):
    return service.register("taro", PASSWORD, "taro@example.jp", "090-1234-5678", "山田太郎")


@pytest.fixture
def login(service, notifier, ctx, customer):
    """Log `taro` in with password + e-mail code; returns the session token."""

    def run(context: LoginContext = ctx) -> str:
        d = service.login("taro", PASSWORD, context)
        assert d.decision == "challenge", d
        if d.factor == "otp" and "email_otp" in d.methods:
            return service.verify_login(d.ticket, "email_otp", code=_last_code(notifier)).session
        raise AssertionError(f"unexpected challenge {d}")

    return run


@pytest.fixture
def enrol_passkey(service):
    """Register a soft authenticator for the session; returns the stored passkey."""

    def run(token: str, auth: SoftAuthenticator, name: str = "PC"):
        challenge_id, options = service.passkey_registration_options(token)
        return service.register_passkey(token, challenge_id, auth.create(options), name)

    return run


@pytest.fixture
def new_authenticator():
    """Factory of further soft authenticators (a second phone, a security key)."""
    return SoftAuthenticator
