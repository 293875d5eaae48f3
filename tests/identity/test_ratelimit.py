"""Per-IP and per-account login rate limits, on the memory and the Redis backend."""

from __future__ import annotations

import os
import uuid

import pytest

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


def test_per_ip_limit(storage_uri):
    limiter = LoginRateLimiter(RateLimitPolicy("3/minute", "100/minute", storage_uri))
    ip = f"203.0.113.9-{uuid.uuid4().hex}"  # unique key: Redis keeps earlier runs' hits
    accounts = [uuid.uuid4().hex for _ in range(4)]
    assert [limiter.hit(ip, a) for a in accounts] == [None, None, None, "ip"]
    assert limiter.hit(f"192.0.2.1-{uuid.uuid4().hex}", accounts[0]) is None


def test_per_account_limit(storage_uri):
    limiter = LoginRateLimiter(RateLimitPolicy("100/minute", "2/minute", storage_uri))
    account = uuid.uuid4().hex
    results = [limiter.hit(f"192.0.2.{i}-{account}", account) for i in range(3)]
    assert results == [None, None, "account"]


def test_service_denies_when_rate_limited(store, notifier, settings, clock):
    limiter = LoginRateLimiter(RateLimitPolicy("2/minute", "100/minute", "memory://"))
    svc = IdentityService(store, notifier, settings, clock=clock, rate_limiter=limiter)
    svc.register("hanako", "kumo-hashiru-7-sakana", "h@example.jp", "090-2222-3333")
    ctx = LoginContext("198.51.100.20", "", "d")
    svc.login("hanako", "x", ctx)
    svc.login("hanako", "x", ctx)
    d = svc.login("hanako", "kumo-hashiru-7-sakana", ctx)
    assert d.decision == "deny" and d.reasons == ("rate_limited_ip",)
