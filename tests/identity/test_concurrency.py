"""Twenty parallel tries against the real SQLite store: at most one success, counters exact.

Measured on the old code: one TOTP code sent in parallel opened 3 sessions, a code with 3 tries took
7 guesses, and a burst of wrong passwords produced both an allow and a lock.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from kozaguard.account_security.lock import LockPolicy
from kozaguard.account_security.step_up import Action
from kozaguard.identity import otp
from kozaguard.identity.errors import IdentityError
from kozaguard.identity.models import LoginContext
from kozaguard.identity.ratelimit import RateLimitPolicy
from kozaguard.identity.service import IdentityService
from kozaguard.identity.sqlite_store import SqliteIdentityStore

PASSWORD = "kumo-hashiru-7-sakana"
N = 20
HOME = LoginContext(ip="198.51.100.7", user_agent="Mozilla/5.0 Chrome/120", device_id="dev-1")


def parallel(fn, args) -> list:
    """Run fn over args in N threads released together; each result or the refusal's code."""
    barrier = threading.Barrier(len(args))

    def run(a):
        barrier.wait()
        try:
            return fn(a)
        except IdentityError as exc:
            return exc.code

    with ThreadPoolExecutor(len(args)) as pool:
        return list(pool.map(run, args))


@pytest.fixture
def sqlite_service(tmp_path, notifier, settings, clock):
    store = SqliteIdentityStore(tmp_path / "identity.sqlite")
    roomy = replace(
        settings,
        rate_limits=RateLimitPolicy(
            per_ip="1000/minute", per_account="1000/minute", per_block="1000/minute", unlocks="1000/hour"
        ),
        lock=LockPolicy(max_failures=100),
    )
    svc = IdentityService(store, notifier, roomy, clock=clock)
    svc.register("taro", PASSWORD, "taro@example.jp", "090-1234-5678", "山田太郎")
    yield svc
    store.close()


@pytest.fixture
def prove_with(last_code):
    def run(svc, token):
        svc.begin_step_up(token, Action.FACTOR_ENROLMENT)
        svc.verify_step_up(token, Action.FACTOR_ENROLMENT, "email_otp", code=last_code())

    return run


def session(svc, last_code) -> str:
    d = svc.login("taro", PASSWORD, HOME)
    return svc.verify_login(d.ticket, "email_otp", code=last_code()).session


def cid(svc) -> str:
    return svc.store.find_customer("taro").customer_id


def test_one_totp_code_opens_one_session(sqlite_service, last_code, clock, prove_with):
    svc = sqlite_service
    token = session(svc, last_code)
    prove_with(svc, token)
    p = svc.begin_totp(token)
    svc.confirm_totp(token, otp.code_at(p.secret, clock().timestamp()))
    clock.advance(seconds=30)
    tickets = [svc.login("taro", PASSWORD, HOME).ticket for _ in range(N)]
    code = otp.code_at(p.secret, clock().timestamp())
    results = parallel(lambda t: svc.verify_login(t, "totp", code=code).decision, tickets)
    assert Counter(results) == {"allow": 1, "totp_replayed": N - 1}
    assert svc.store.get_lockout(cid(svc)).failures == N - 1  # every refusal counted, once


def test_a_code_with_three_tries_takes_three_guesses(sqlite_service):
    svc = sqlite_service
    ticket = svc.login("taro", PASSWORD, HOME).ticket
    guesses = [f"{i:06d}" for i in range(N)]
    results = parallel(lambda g: svc.verify_login(ticket, "email_otp", code=g).decision, guesses)
    counts = Counter(results)
    # three guesses were compared (two wrong, the third voids the code); the rest found no code
    assert counts["code_invalid"] == 2 and counts["code_exhausted"] == 1 and counts["code_missing"] == N - 3
    assert svc.store.get_code(cid(svc), "login") is None
    assert svc.store.get_lockout(cid(svc)).failures == N


def test_a_recovery_code_unlocks_once(sqlite_service, last_code, prove_with):
    svc = sqlite_service
    token = session(svc, last_code)
    prove_with(svc, token)
    codes = svc.generate_recovery_codes(token)
    results = parallel(lambda _: svc.unlock_with_recovery_code("taro", codes[0], HOME), range(N))
    assert results.count(None) == 1 and results.count("recovery_code_invalid") == N - 1
    assert svc.recovery_codes_left(session(svc, last_code)) == 9


def test_a_burst_of_wrong_passwords_locks_once_and_leaves_no_session(sqlite_service, last_code, notifier):
    svc = replace_lock(sqlite_service, 5)
    token = session(svc, last_code)
    stranger = LoginContext(ip="203.0.113.9", user_agent="curl/8", device_id="bot")
    right = [("taro", PASSWORD, HOME)] * 5
    wrong = [("taro", "wrong-password", stranger)] * (N - 5)
    results = parallel(lambda a: svc.login(*a).decision, right + wrong)
    state = svc.store.get_lockout(cid(svc))
    assert state.locked and state.locks == 1 and state.failures == 5  # exactly the threshold
    assert len([m for m in notifier.sent if m.kind == "account_locked"]) == 1
    assert results.count("deny") >= N - 5
    with pytest.raises(IdentityError):
        svc.session(token)  # the lock ended the customer's session too


def replace_lock(svc: IdentityService, max_failures: int) -> IdentityService:
    svc.settings = replace(svc.settings, lock=LockPolicy(max_failures=max_failures))
    svc.lock_policy = svc.settings.lock
    return svc
