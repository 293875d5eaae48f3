"""`kozaguard demo --serve`: the run's data in the console on localhost, with the logins it prints."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kozaguard.entrypoints.cli import app as cli
from kozaguard.entrypoints.demo_serve import banner, prepare
from kozaguard.identity import otp

SMALL = ["--customers", "300", "--days", "6", "--seed", "3"]


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "demo"
    result = CliRunner().invoke(cli, ["demo", *SMALL, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _staff(app, login):
    c = TestClient(app, base_url="http://localhost:8000")
    r = c.post("/staff/login", data={"login_id": login.login_id, "password": login.password})
    ticket = re.search(r'name="ticket" value="([^"]+)"', r.text).group(1)
    code = otp.code_at(login.totp_secret, time.time())
    r = c.post("/staff/login/verify", data={"ticket": ticket, "code": code}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def test_the_console_shows_the_run_and_the_printed_logins_work(demo_out):
    app, staff, customer = prepare(demo_out, "127.0.0.1", 8000)
    assert [s.role for s in staff] == ["admin", "analyst"]
    lines = banner("http://localhost:8000", staff, customer)
    assert any("http://localhost:8000/staff/" in line for line in lines)
    assert any(customer.password in line and customer.login_id in line for line in lines)
    admin = _staff(app, staff[0])
    held = app.state.ledger.alerts()
    page = admin.get("/staff/alerts").text
    assert held and page.count('class="alert-row"') == len(held)
    dash = admin.get("/staff/").text
    report = json.loads((demo_out / "report.json").read_text())
    assert f"{report['attacks']['stopped']} / {report['attacks']['total']}" in dash
    cases = admin.get("/staff/cases").text
    assert "C000001" in cases
    assert admin.get("/staff/cases/C000001").status_code == 200

    c = TestClient(app, base_url="http://localhost:8000")
    r = c.post("/identity/pages/login", data={"login_id": customer.login_id, "password": customer.password})
    assert 'name="ticket"' in r.text, r.text
    # the code mailed to him is in the demo's outbox, which the demo prints on the terminal
    from kozaguard.adapters.notify import OutboxNotifier

    mail = OutboxNotifier(app.state.settings.notifier.outbox_path).read()[-1]
    code = re.search(r"認証コード: (\d{6})", mail.body).group(1)
    ticket = re.search(r'name="ticket" value="([^"]+)"', r.text).group(1)
    r = c.post("/identity/pages/login/verify", data={"ticket": ticket, "method": "email_otp", "code": code})
    assert r.headers.get("HX-Redirect") == "/identity/pages/activity", r.text
    checkup = c.get("/identity/pages/checkup").text
    assert 'data-report="trade"' in checkup  # a simulated holder: his own orders are there


def test_demo_serve_prints_the_url_and_serves(demo_out, tmp_path, free_port):
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kozaguard",
            "demo",
            *SMALL,
            "--out",
            str(tmp_path / "d"),
            "--serve",
            "--port",
            str(port),
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        seen = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line)
            if "customer:" in line:
                break
        text = "".join(seen)
        assert f"http://localhost:{port}/staff/" in text, text[-2000:]
        assert "login demo-admin" in text and "login demo-customer" in text
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the demo server did not answer /healthz")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/staff/login", timeout=5) as r:
            assert r.status == 200
        # the printed customer login works against the served app (engine, stores, threads and all)
        password = re.search(r"login demo-customer  password (\S+)", text).group(1)
        body = json.dumps({"login_id": "demo-customer", "password": password}).encode()
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/identity/login", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            assert json.loads(r.read())["decision"] == "challenge"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
