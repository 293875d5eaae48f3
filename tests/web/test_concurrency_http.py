"""Twenty parallel tries through the real app on uvicorn (SQLite store, engine attached)."""

from __future__ import annotations

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from doors import app_settings, key_header
from kozaguard.adapters.notify import OutboxNotifier
from kozaguard.apikeys import Scope
from kozaguard.entrypoints.api.app import create_app
from kozaguard.identity import otp

PASSWORD = "kumo-hashiru-7-sakana"
N = 20


@pytest.fixture
def served(tmp_path, serving, free_port):
    port = free_port()
    limits = {"per_ip": "1000/minute", "per_account": "1000/minute", "per_block": "1000/minute"}
    settings = app_settings(
        tmp_path,
        identity={"origins": [f"http://localhost:{port}"], "rate_limits": limits},
        detectors={"lockout": {"max_failures": 100}},
        store="sqlite",
        kind="dev-outbox",
    )
    app = create_app(settings)
    with serving(app, port) as url:
        yield app, url


def last_code(app) -> str:
    body = OutboxNotifier(app.state.settings.notifier.outbox_path).read()[-1].body
    return re.search(r"認証コード: (\d{6})", body).group(1)


def parallel(fn, args) -> list:
    barrier = threading.Barrier(len(args))

    def run(a):
        barrier.wait()
        return fn(a)

    with ThreadPoolExecutor(len(args)) as pool:
        return list(pool.map(run, args))


def logged_in(app, url) -> httpx.Client:
    client = httpx.Client(base_url=url, headers={"X-Device-Id": "dev-home"}, timeout=120)
    r = client.post(
        "/identity/customers",
        json={"login_id": "taro", "password": PASSWORD, "email": "taro@example.jp", "phone": "090-1234-5678"},
        headers=key_header(app, Scope.CUSTOMERS_WRITE),
    )
    assert r.status_code == 201
    ticket = client.post("/identity/login", json={"login_id": "taro", "password": PASSWORD}).json()["ticket"]
    r = client.post(
        "/identity/login/verify", json={"ticket": ticket, "method": "email_otp", "code": last_code(app)}
    )
    assert r.json()["decision"] == "allow"
    return client


def verify(url: str, ticket: str, method: str, code: str) -> str:
    r = httpx.post(
        f"{url}/identity/login/verify", json={"ticket": ticket, "method": method, "code": code}, timeout=120
    )
    body = r.json()
    return body.get("decision") or body["error"]


def test_one_totp_code_in_parallel_opens_one_session(served):
    app, url = served
    client = logged_in(app, url)
    client.post("/identity/step-up", json={"action": "factor_enrolment"})
    step = {"action": "factor_enrolment", "method": "email_otp", "code": last_code(app)}
    assert client.post("/identity/step-up/verify", json=step).status_code == 200
    secret = client.post("/identity/totp/enrol").json()["secret"]
    now = app.state.identity.clock().timestamp()
    assert (
        client.post("/identity/totp/confirm", json={"code": otp.code_at(secret, now - 30)}).status_code == 200
    )
    tickets = [
        client.post("/identity/login", json={"login_id": "taro", "password": PASSWORD}).json()["ticket"]
        for _ in range(N)
    ]
    code = otp.code_at(secret, app.state.identity.clock().timestamp())
    results = parallel(lambda t: verify(url, t, "totp", code), tickets)
    assert Counter(results) == {"allow": 1, "totp_replayed": N - 1}


def test_a_sent_code_in_parallel_takes_three_guesses(served):
    app, url = served
    client = logged_in(app, url)
    ticket = client.post("/identity/login", json={"login_id": "taro", "password": PASSWORD}).json()["ticket"]
    results = parallel(lambda i: verify(url, ticket, "email_otp", f"{i:06d}"), range(N))
    counts = Counter(results)
    assert (counts["code_invalid"], counts["code_exhausted"], counts["code_missing"]) == (2, 1, N - 3)
