"""One-time codes at rest: never in clear outside the development outbox, and no outbox world-readable.

At 36173b8 every code was written in clear to var/outbox.jsonl, readable by every local user.
"""

from __future__ import annotations

import json
import re

import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from doors import app_settings, key_header
from kozaguard.adapters.notify import WITHHELD, OutboxNotifier, SealedOutboxNotifier, make_notifier
from kozaguard.apikeys import Scope
from kozaguard.entrypoints.api.app import create_app
from kozaguard.identity.notices import Message

PASSWORD = "kumo-hashiru-7-sakana"
CODE = Message("sms", "090-1234-5678", "認証コード", "認証コード: 482913 (10分間有効)", "code_sent")
NOTICE = Message("email", "t@example.jp", "ログインのお知らせ", "新しい端末からログインがありました。", "x")


def _login_code_sent(tmp_path, **settings) -> str:
    """Run a real login through the app with the notifier the settings name; return the outbox text."""
    app = create_app(app_settings(tmp_path, **settings))
    client = TestClient(app, client=("126.10.20.30", 1))
    r = client.post(
        "/identity/customers",
        json={"login_id": "taro", "password": PASSWORD, "email": "t@example.jp", "phone": "090-1234-5678"},
        headers=key_header(app, Scope.CUSTOMERS_WRITE),
    )
    assert r.status_code == 201
    r = client.post("/identity/login", json={"login_id": "taro", "password": PASSWORD})
    assert r.json()["decision"] == "challenge", r.text
    return (tmp_path / "outbox.jsonl").read_text(encoding="utf-8")


def test_the_default_notifier_keeps_no_code_in_clear(tmp_path):
    text = _login_code_sent(tmp_path, kind="outbox")
    records = [json.loads(line) for line in text.splitlines()]
    sent = [r for r in records if r["kind"] == "code_sent"]
    assert sent and all(r["body"] == WITHHELD for r in sent)
    assert not any(re.search(r"\d{6}", r["body"] + r["subject"]) for r in records), text
    assert (tmp_path / "outbox.jsonl").stat().st_mode & 0o777 == 0o600


def test_with_a_key_the_code_is_sealed_and_the_delivery_system_opens_it(tmp_path):
    key = Fernet.generate_key().decode()
    text = _login_code_sent(tmp_path, kind="outbox", outbox_key=key)
    assert not re.search(r"認証コード: \d{6}", text) and '"sealed": true' in text
    opened = SealedOutboxNotifier(tmp_path / "outbox.jsonl", key).read()
    assert re.search(r"認証コード: \d{6}", opened[-1].body)
    with pytest.raises(ValueError, match="does not open"):
        SealedOutboxNotifier(tmp_path / "outbox.jsonl", Fernet.generate_key().decode()).read()


def test_without_a_key_codes_are_withheld_and_notices_still_go(tmp_path):
    out = make_notifier("outbox", outbox_path=tmp_path / "o.jsonl")
    out.send(CODE)
    out.send(NOTICE)
    got = out.read()
    assert got[0].body == WITHHELD and "482913" not in (tmp_path / "o.jsonl").read_text()
    assert got[1] == NOTICE


def test_the_development_outbox_is_chosen_by_name_and_private(tmp_path):
    path = tmp_path / "dev.jsonl"
    path.write_text("")
    path.chmod(0o644)  # left world-readable by an older version
    out = make_notifier("dev-outbox", outbox_path=path)
    assert isinstance(out, OutboxNotifier) and not isinstance(out, SealedOutboxNotifier)
    out.send(CODE)
    assert out.read() == [CODE]
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_malformed_outbox_key_is_refused_at_start(tmp_path):
    with pytest.raises(ValueError, match="outbox_key"):
        create_app(app_settings(tmp_path, kind="outbox", outbox_key="not-a-key"))
