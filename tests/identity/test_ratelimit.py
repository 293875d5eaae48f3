"""Per-IP and per-account login rate limits, on the memory and the Redis backend."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace

import pytest

from kozaguard.account_security.step_up import Action
from kozaguard.account_security.stuffing import Source
from kozaguard.identity.errors import IdentityError, RateLimited
from kozaguard.identity.models import LoginContext
from kozaguard.identity.ratelimit import LoginRateLimiter, RateLimitPolicy
from kozaguard.identity.service import IdentityService

REDIS = "redis://127.0.0.1:6379"


def _redis_or_skip() -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis must run under CI at {REDIS}: {exc}")
        pytest.skip(f"no Redis at {REDIS}")


@pytest.fixture(params=["memory", "redis"])
def storage_uri(request):
    if request.param == "redis":
        _redis_or_skip()
        return REDIS
    return "memory://"


def limiter(storage_uri, **limits) -> LoginRateLimiter:
    return LoginRateLimiter(RateLimitPolicy(storage_uri=storage_uri, **limits))


def test_per_ip_limit(storage_uri):
    lim = limiter(storage_uri, per_ip="3/minute")
    ip = f"203.0.113.9-{uuid.uuid4().hex}"  # unique key: Redis keeps earlier runs' hits
    accounts = [uuid.uuid4().hex for _ in range(4)]
    results = [lim.login(Source(ip), a) for a in accounts]
    assert (
        results[:3] == [None, None, None] and results[3].which == "ip" and 1 <= results[3].retry_after <= 60
    )
    assert lim.login(Source(f"192.0.2.1-{uuid.uuid4().hex}"), accounts[0]) is None


def test_per_block_and_hosting_provider_limits(storage_uri):
    tag = uuid.uuid4().hex
    lim = limiter(storage_uri, per_block="2/minute", per_provider="3/minute")
    block = [lim.login(Source(f"a{i}-{tag}", f"net-{tag}"), uuid.uuid4().hex) for i in range(3)]
    assert [r and r.which for r in block] == [None, None, "block"]
    hoster = [
        lim.login(Source(f"b{i}-{tag}", f"n{i}-{tag}", f"H-{tag}", True), uuid.uuid4().hex) for i in range(4)
    ]
    assert [r and r.which for r in hoster] == [None, None, None, "provider"]
    home = [
        lim.login(Source(f"c{i}-{tag}", f"m{i}-{tag}", f"ISP-{tag}", False), uuid.uuid4().hex)
        for i in range(4)
    ]
    assert home == [None] * 4  # residential providers are not one source


def test_per_account_limit(storage_uri):
    lim = limiter(storage_uri, per_account="2/minute")
    account = uuid.uuid4().hex
    results = [lim.login(Source(f"192.0.2.{i}-{account}"), account) for i in range(3)]
    assert results[:2] == [None, None] and results[2].which == "account"


def test_two_workers_share_the_redis_limit():
    _redis_or_skip()
    key = uuid.uuid4().hex
    first, second = limiter(REDIS, step_ups="3/hour"), limiter(REDIS, step_ups="3/hour")
    assert [first.hit("step_ups", key), second.hit("step_ups", key), first.hit("step_ups", key)] == [None] * 3
    assert second.hit("step_ups", key).which == "step_ups"


def test_rate_limited_login_is_429_with_retry_after(tmp_path):
    from fastapi.testclient import TestClient

    from doors import app_settings
    from kozaguard.entrypoints.api.app import create_app

    settings = app_settings(tmp_path, identity={"rate_limits": {"per_ip": "2/minute"}}, store="sqlite")
    client = TestClient(create_app(settings), client=("198.51.100.20", 5000))
    for _ in range(2):
        assert client.post("/identity/login", json={"login_id": "nobody", "password": "x"}).status_code == 401
    r = client.post("/identity/login", json={"login_id": "nobody", "password": "x"})
    assert r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 60
    assert r.json()["error"] == "rate_limited" and r.json()["details"]["retry_after"] == int(
        r.headers["Retry-After"]
    )


def test_passkey_logins_are_limited_per_credential_not_for_everyone(store, notifier, settings, clock):
    svc = IdentityService(
        store,
        notifier,
        replace(settings, rate_limits=RateLimitPolicy(passkey_per_credential="2/minute")),
        clock=clock,
    )
    junk = {
        "id": "AAAA",
        "rawId": "AAAA",
        "type": "public-key",
        "response": {
            "clientDataJSON": "e30",
            "authenticatorData": "AAAA",
            "signature": "AAAA",
            "userHandle": None,
        },
    }
    ctx = LoginContext("198.51.100.20", "", "d")
    codes = []
    for _ in range(3):
        challenge_id, _ = svc.login_passkey_options()
        with pytest.raises(IdentityError) as e:
            svc.login_with_passkey(challenge_id, junk, ctx)
        codes.append(e.value.code)
    assert codes == ["passkey_unknown", "passkey_unknown", "rate_limited"]
    other = {**junk, "id": "BBBB", "rawId": "BBBB"}
    challenge_id, _ = svc.login_passkey_options()
    with pytest.raises(IdentityError) as e:  # another customer's passkey is not blocked by that junk
        svc.login_with_passkey(challenge_id, other, ctx)
    assert e.value.code == "passkey_unknown"


@pytest.mark.parametrize("kind", ["code_sends", "step_ups"])
def test_codes_and_step_ups_are_limited_per_customer(service, login, kind):
    token = login()
    service.rate_limiter = LoginRateLimiter(RateLimitPolicy(**{kind: "2/hour"}))
    service.begin_step_up(token, Action.TRADE)
    service.begin_step_up(token, Action.TRADE)
    with pytest.raises(RateLimited) as e:
        service.begin_step_up(token, Action.TRADE)
    assert e.value.details["retry_after"] > 0
