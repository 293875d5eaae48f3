"""Every console route × every role: allowed where the permission table says, refused (403) elsewhere.

The routes and the permission each checks are read from the app; docs/staff.md must list the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from console_routes import PUBLIC, staff_routes
from doors import app_settings, staff_client
from kozaguard.entrypoints.api.app import create_app
from kozaguard.staff.roles import PERMISSIONS, Permission, Role, allowed

DOCS = Path(__file__).parents[2] / "docs" / "staff.md"
GUARDED = [(m, p, perms[0]) for m, p, perms in staff_routes() if (m, p) not in PUBLIC and perms != [None]]
VALUES = {"event_id": "none", "account_id": "A1", "symbol": "ZZZZ", "case_id": "C999", "staff_id": "nobody"}


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roles")
    app = create_app(
        app_settings(tmp, cases_db=f"sqlite:{tmp / 'cases.sqlite'}", console_db=str(tmp / "console.sqlite"))
    )
    return {role: staff_client(app, role.value, f"{role.value}-1") for role in Role}


def test_every_route_but_the_login_checks_one_permission():
    for method, path, perms in staff_routes():
        if (method, path) in PUBLIC:
            assert perms == [], f"{method} {path} is public but checks {perms}"
        else:
            assert len(perms) == 1, f"{method} {path} must check exactly one permission, checks {perms}"
    assert {p for _, _, p in GUARDED} == set(Permission), "a permission no route checks"


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize(("method", "path", "permission"), GUARDED, ids=lambda x: str(x))
def test_role_is_allowed_or_refused_as_the_table_says(clients, role, method, path, permission):
    url = re.sub(r"\{(\w+)\}", lambda m: VALUES[m.group(1)], path)
    client = clients[role]
    r = client.request(method, url, data={} if method == "POST" else None, follow_redirects=False)
    refused = r.status_code == 403 and 'data-code="forbidden"' in r.text
    if allowed(role, permission):
        assert not refused and r.status_code != 401, f"{role} refused {method} {url}: {r.status_code}"
        assert r.status_code < 500, r.text[:500]
    else:
        assert refused, f"{role} was let through {method} {url}: {r.status_code}"


def test_no_session_is_sent_to_the_login(clients):
    from fastapi.testclient import TestClient

    anonymous = TestClient(clients[Role.ADMIN].app, base_url="http://localhost:8000")
    for method, path, _ in GUARDED:
        url = re.sub(r"\{(\w+)\}", lambda m: VALUES[m.group(1)], path)
        r = anonymous.request(method, url, follow_redirects=False)
        if method == "GET":
            assert r.status_code == 303 and r.headers["location"] == "/staff/login", url
        else:
            assert r.status_code in (401, 403), url  # 403: no Origin/cookie state change from elsewhere


def _table(text: str, header: str) -> list[list[str]]:
    lines = text[text.index(header) :].splitlines()
    rows = []
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip().strip("`") for c in line.strip("|").split("|")])
    return rows


def test_docs_show_the_permission_table_and_every_route():
    text = DOCS.read_text()
    roles = [r.value for r in Role]
    table = {row[0]: row[1:] for row in _table(text, "| permission | " + " | ".join(roles))}
    assert table == {p.value: ["yes" if p in PERMISSIONS[r] else "no" for r in Role] for p in Permission}
    documented = {(m, p): need for m, p, need in _table(text, "| method | path | permission |")}
    expected = {}
    for method, path, perms in staff_routes():
        if (method, path) in PUBLIC:
            expected[(method, path)] = "anyone"
        else:
            expected[(method, path)] = "any staff" if perms == [None] else perms[0].value
    assert documented == expected
