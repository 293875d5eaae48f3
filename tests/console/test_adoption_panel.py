"""The dashboard's adoption panel (#13): customers per factor, passkey share, without MFA, the
passkey migration's progress under the policy, and the CSV the figures add up from."""

from __future__ import annotations

import csv
import io
import re

from doors import app_settings, staff_client
from kozaguard.entrypoints.api.app import create_app
from kozaguard.identity import otp

PASSWORD = "kumo-hashiru-7-sakana"


def _app(tmp_path, **identity):
    return create_app(
        app_settings(
            tmp_path,
            identity=identity,
            cases_db=f"sqlite:{tmp_path / 'cases.sqlite'}",
            console_db=str(tmp_path / "console.sqlite"),
        )
    )


def _customers(app):
    svc = app.state.identity
    for n, login in enumerate(("taro", "jiro", "saburo")):
        svc.register(login, PASSWORD, f"{login}@example.jp", f"090-0000-000{n}", login)
    jiro = svc.store.find_customer("jiro")
    svc.store.save_totp(jiro.customer_id, otp.TotpEnrolment(otp.new_secret(), confirmed=True))


def test_panel_shows_the_figures_beside_the_chart(tmp_path):
    app = _app(tmp_path)
    _customers(app)
    page = staff_client(app, "analyst").get("/staff/").text
    assert 'src="/staff/charts/adoption.svg"' in page
    assert re.search(r'id="adoption-customers">3<', page)
    assert re.search(r'data-factor="totp">1<', page) and re.search(r'data-factor="passkey">0<', page)
    assert re.search(r'id="without-mfa">2<', page) and 'id="passkey-share">0.0%<' in page
    assert 'id="no-migration"' in page  # no policy, no migration
    svg = staff_client(app, "analyst").get("/staff/charts/adoption.svg")
    assert svg.headers["content-type"] == "image/svg+xml" and b"<svg" in svg.content


def test_migration_progress_under_a_passkey_policy(tmp_path):
    app = _app(tmp_path, auth_policy="jsda-2025-10-15")
    _customers(app)
    page = staff_client(app, "supervisor").get("/staff/").text
    assert 'id="migration"' in page
    rows = re.findall(r"<tr><td>(\w+)</td><td>(\w+)</td>", page.split('id="migration"')[1])
    assert rows and all(ch in ("web", "app", "api") for ch, _ in rows)
    assert "0 / 3" in page  # nobody holds a passkey yet


def test_csv_lists_every_customer_and_adds_up(tmp_path):
    app = _app(tmp_path)
    _customers(app)
    r = staff_client(app, "analyst").get("/staff/adoption.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert sorted(x["login_id"] for x in rows) == ["jiro", "saburo", "taro"]
    assert sum(int(x["mfa"]) for x in rows) == 1 and sum(int(x["passkey"]) for x in rows) == 0
