"""Fixtures for identity tests: a settable clock, a fast service over each store, a soft authenticator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from authenticator import ORIGIN, SoftAuthenticator
from kozaguard.account_security.step_up import Action, Factor
from kozaguard.adapters.notify import MemoryNotifier
from kozaguard.identity.models import LoginContext
from kozaguard.identity.passwords import Argon2Parameters
from kozaguard.identity.service import IdentityService
from kozaguard.identity.settings import IdentitySettings
from kozaguard.identity.sqlite_store import SqliteIdentityStore
from kozaguard.identity.store import MemoryIdentityStore

FAST = Argon2Parameters(time_cost=1, memory_cost_kib=1024, parallelism=1)
PASSWORD = "kumo-hashiru-7-sakana"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = datetime(2025, 4, 14, 0, 30, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


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
def prove(service, notifier):
    """Pass the step-up that adding a factor needs: with `auth` when a passkey is required, else a code."""

    def run(token: str, auth: SoftAuthenticator | None = None) -> None:
        step = service.begin_step_up(token, Action.FACTOR_ENROLMENT)
        if step.passkey_options is not None:
            assert auth is not None, "a passkey step-up needs the authenticator"
            credential = auth.get(step.passkey_options)
            service.verify_step_up(
                token,
                Action.FACTOR_ENROLMENT,
                "passkey",
                credential=credential,
                challenge_id=step.challenge_id,
            )
        else:
            service.verify_step_up(token, Action.FACTOR_ENROLMENT, "email_otp", code=_last_code(notifier))

    return run


@pytest.fixture
def login(service, notifier, ctx, customer, prove):
    """Log `taro` in with password + e-mail code; returns the session token, stepped up to add a factor."""

    def run(context: LoginContext = ctx, *, stepped_up: bool = True) -> str:
        d = service.login("taro", PASSWORD, context)
        assert d.decision == "challenge", d
        if d.factor == "otp" and "email_otp" in d.methods:
            token = service.verify_login(d.ticket, "email_otp", code=_last_code(notifier)).session
            if stepped_up and service.enrolled(service.customer_of(token)) == [Factor.EMAIL_OTP]:
                prove(token)
            return token
        raise AssertionError(f"unexpected challenge {d}")

    return run


@pytest.fixture
def enrol_passkey(service, prove):
    """Register a soft authenticator for the session (stepping up with `prover` if needed)."""

    def run(token: str, auth: SoftAuthenticator, name: str = "PC", prover: SoftAuthenticator | None = None):
        session = service.session(token)
        if str(Action.FACTOR_ENROLMENT) not in session.stepped_up:
            prove(token, prover)
        challenge_id, options = service.passkey_registration_options(token)
        return service.register_passkey(token, challenge_id, auth.create(options), name)

    return run


@pytest.fixture
def new_authenticator():
    """Factory of further soft authenticators (a second phone, a security key)."""
    return SoftAuthenticator
