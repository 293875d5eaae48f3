"""Adoption for staff: counts per factor, passkey share, who is without MFA; CSV and chart; progress."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from typer.testing import CliRunner

from kozaguard.account_security.step_up import Factor
from kozaguard.entrypoints.cli import app
from kozaguard.identity import adoption as a
from mfakit import client_for, login_with_email, make_settings, register, today


def test_counts_and_csv_add_up():
    rows = [
        a.CustomerFactors("1", "taro", (Factor.PASSKEY, Factor.EMAIL_OTP)),
        a.CustomerFactors("2", "jiro", (Factor.EMAIL_OTP,)),
        a.CustomerFactors("3", "saburo", (Factor.TOTP, Factor.SMS, Factor.EMAIL_OTP)),
        a.CustomerFactors("4", "shiro", ()),
    ]
    figures = a.adoption(rows)
    assert figures.per_factor == {"passkey": 1, "totp": 1, "sms": 1, "email_otp": 3}
    assert figures.passkey_share == 0.25 and figures.without_mfa == ["jiro", "shiro"]
    lines = list(csv.DictReader(io.StringIO(a.to_csv(rows))))
    assert sum(int(r["passkey"]) for r in lines) == 1 and sum(1 - int(r["mfa"]) for r in lines) == 2


def test_migration_progress_and_notices_in_advance(tmp_path):
    """A switch to passkeys 20 days ahead: code customers are told now; the console sees progress."""
    since = (today() + timedelta(days=20)).isoformat()
    policy = {
        "name": "t",
        "channels": {"web": {"login": {"factor": "passkey", "from": since, "remind_days": [30, 7]}}},
    }
    settings = make_settings(tmp_path, policy)
    client = client_for(settings)
    register(client, "taro")
    register(client, "jiro")
    svc = client.app.state.identity
    assert svc.send_all_reminders() == 2  # the 30-day notice is due for both
    assert svc.send_all_reminders() == 0  # once per scheduled day
    from kozaguard.adapters.notify import OutboxNotifier

    notices = [m for m in OutboxNotifier(settings.notifier.outbox_path).read() if m.kind == "policy_reminder"]
    assert len(notices) == 2 and all("パスキー" in m.body and "http" not in m.body for m in notices)
    login_with_email(client, settings, "taro")  # before `from`, the login still works with codes
    board = a.dashboard(svc)
    assert board["customers"] == 2 and board["without_mfa"] == ["jiro", "taro"]
    (m,) = board["migration"]
    assert (m["action"], m["with_passkey"], m["notified"], m["left"]) == ("login", 0, 2, 2)


def test_cli_writes_csv_and_png(tmp_path, monkeypatch):
    settings = make_settings(tmp_path)
    client = client_for(settings)
    register(client, "taro")
    monkeypatch.setenv("KOZAGUARD_HTTP_DB_PATH", str(settings.http.db_path))
    monkeypatch.setenv("KOZAGUARD_NOTIFIER_KIND", "memory")
    out_csv, out_png = tmp_path / "adoption.csv", tmp_path / "adoption.png"
    r = CliRunner().invoke(app, ["identity", "adoption", "--csv", str(out_csv), "--png", str(out_png)])
    assert r.exit_code == 0, r.output
    assert "1 customers" in r.output and "without MFA 1" in r.output
    assert out_csv.read_text().splitlines()[1].split(",")[1] == "taro"
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = CliRunner().invoke(app, ["identity", "policy", "jsda-2025-10-15"])
    assert r.exit_code == 0 and "web withdrawal: passkey from 2025-10-15" in r.output
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[channels.web.login]\nfactor = "strong"\nfrom = 2025-06-01\n')
    r = CliRunner().invoke(app, ["identity", "policy", str(bad)])
    assert r.exit_code == 2 and "channels.web.login.factor" in r.output
