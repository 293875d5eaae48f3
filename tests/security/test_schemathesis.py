"""schemathesis against the app's own OpenAPI: no server error, no response off its declared schema.

Every operation is tried with generated requests three ways: without credentials, with a logged-in
customer's session and with an API key holding every scope. The number of examples per operation is
small (`MAX_EXAMPLES`) so the suite stays fast; generation is derandomised, so a failure repeats.
"""

from __future__ import annotations

import itertools
import re

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from doors import app_settings
from kozaguard.apikeys import Scope
from kozaguard.entrypoints.api.app import create_app

MAX_EXAMPLES = 12
PASSWORD = "kumo-hashiru-7-sakana"
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


def _app():
    import tempfile
    from pathlib import Path

    return create_app(app_settings(Path(tempfile.mkdtemp(prefix="kozaguard-schema-"))))


APP = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


def _session(app) -> str:
    """A new customer's session token: registered with a key, logged in with password and e-mail code."""
    _, key = app.state.apikeys.create((Scope.CUSTOMERS_WRITE,))
    n = next(_customers)
    login_id = f"schema.{n}"
    # each customer from his own home address: the login limits per address refuse a crowd from one
    client = TestClient(app, client=(f"126.10.{n // 200}.{n % 200 + 1}", 50000))
    r = client.post(
        "/identity/customers",
        json={"login_id": login_id, "password": PASSWORD, "email": "t@example.jp", "phone": "090-1234-5678"},
        headers={"X-API-Key": key},
    )
    assert r.status_code == 201, r.text
    ticket = client.post("/identity/login", json={"login_id": login_id, "password": PASSWORD}).json()[
        "ticket"
    ]
    code = re.search(r"(\d{6})", app.state.identity.notifier.sent[-1].body).group(1)
    r = client.post("/identity/login/verify", json={"ticket": ticket, "method": "email_otp", "code": code})
    assert r.status_code == 200, r.text
    return r.json()["session"]


_customers = itertools.count(1)


@pytest.fixture(params=["anonymous", "session", "api_key"])
def credentials(request) -> dict[str, str]:
    """Headers for one way of calling; each operation gets its own session (one may log it out)."""
    if request.param == "session":
        return {"Authorization": f"Bearer {_session(APP)}"}
    if request.param == "api_key":
        return {"X-API-Key": APP.state.apikeys.create(tuple(Scope))[1]}
    return {}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema(case, credentials):
    case.call_and_validate(headers=credentials, checks=CHECKS)
