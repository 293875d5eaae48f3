"""Real Redis and NATS for the scale-out tests: each test gets its own key prefix and stream name
(so parallel runs never collide) and leaves nothing behind. Without the servers the tests skip with
a one-line reason; under CI (`CI=true`) a missing server is a failure."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid

import pytest

from scaleout.pipeline import NATS_URL, REDIS_URL


def _require(port: int, what: str) -> None:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is not running on 127.0.0.1:{port} (CI must start it: .ci/run)")
        pytest.skip(f"{what} not running on 127.0.0.1:{port}")


@pytest.fixture
def name() -> str:
    """A pipeline name no other test uses: the stream name and the Redis key prefix."""
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
def redis_client(name):
    _require(6379, "Redis")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    yield client
    for pattern in (f"{name}:*", f"kozaguard:{name}:*"):
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
    client.close()


@pytest.fixture
def nats_url(name):
    _require(4222, "NATS")
    yield NATS_URL

    async def clean() -> None:
        from kozaguard.adapters import nats_bus

        nc = await nats_bus.connect(NATS_URL)
        await nats_bus.delete_streams(nc.jetstream(), name)
        await nc.close()

    asyncio.run(clean())


@pytest.fixture(params=["memory", "sqlite", "redis"])
def make_state(request, tmp_path, name):
    """A factory of fresh engine states on each backend; calling it again reopens the same store."""
    backend = request.param
    if backend == "memory":
        from kozaguard.adapters.memory import memory_state as factory
    elif backend == "sqlite":
        from kozaguard.adapters.sqlite import SqliteState

        def factory():
            return SqliteState(tmp_path / "state.db")
    else:
        client = request.getfixturevalue("redis_client")
        from kozaguard.adapters.redis_state import RedisState

        def factory():
            return RedisState(client, f"{name}:")

    factory.backend = backend
    return factory
