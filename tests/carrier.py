"""A telephone carrier for tests: reports calls to kozaguard's webhook over real HTTP, signed.

It signs as the carrier contract says (HMAC-SHA256 of `timestamp.nonce.body`, hex), written here
from that contract rather than imported, so a server that signs differently fails the tests.
Each report runs in a thread of its own, as calls arrive from the telephone network.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx


class TestCarrier:
    __test__ = False  # not a test class

    def __init__(self, base_url: str, secret: str, called: str) -> None:
        self.url = f"{base_url}/identity/telephony/calls"
        self.secret = secret
        self.called = called

    def report(
        self,
        caller: str,
        *,
        secret: str | None = None,
        timestamp: float | None = None,
        nonce: str | None = None,
        called: str | None = None,
    ) -> httpx.Response:
        """POST one call; every part can be spoiled to play an attacker."""
        body = json.dumps(
            {"call_id": uuid.uuid4().hex, "caller": caller, "called": called or self.called}
        ).encode()
        ts = str(int(time.time() if timestamp is None else timestamp))
        nonce = nonce or secrets.token_urlsafe(18)
        signature = hmac.new(
            (secret or self.secret).encode(), f"{ts}.{nonce}.".encode() + body, hashlib.sha256
        ).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "X-Kozaguard-Timestamp": ts,
            "X-Kozaguard-Nonce": nonce,
            "X-Kozaguard-Signature": signature,
        }
        return httpx.post(self.url, content=body, headers=headers, timeout=10)

    def replay(self, response: httpx.Response) -> httpx.Response:
        """Send a captured request again, byte for byte."""
        req = response.request
        return httpx.post(self.url, content=req.content, headers=dict(req.headers), timeout=10)

    def call(self, caller: str, **spoil) -> httpx.Response:
        """One call, reported from a carrier thread."""
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(self.report, caller, **spoil).result()

    def call_many(self, caller: str, n: int) -> list[httpx.Response]:
        """`n` reports of calls from `caller` at once, each with its own nonce."""
        with ThreadPoolExecutor(n) as pool:
            return list(pool.map(lambda _: self.report(caller), range(n)))
