"""Notices are Japanese, never carry a link, and every notifier refuses one that does."""

from __future__ import annotations

import asyncio
import re
import threading
from datetime import date

import pytest

from kozaguard.adapters.notify import MemoryNotifier, OutboxNotifier, SmtpNotifier, make_notifier
from kozaguard.identity import notices
from kozaguard.identity.notices import LinkInMessage, Message, ensure_no_link

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def all_notices(clock):
    t = clock()
    return [
        notices.new_device_login(t, "Chrome 120 / Windows", "203.0.113.9"),
        notices.code_sent("123456", "ログイン", 5, "sms"),
        notices.code_sent("123456", "ログイン", 5, "email"),
        notices.contact_changed("email", t, 72),
        notices.factor_changed("passkey", "added", t),
        notices.account_locked(t, 5),
        *(
            notices.policy_reminder(action, level, date(2025, 10, 15), date(2025, 11, 14))
            for action in ("login", "withdrawal", "bank_change", "trading")
            for level in ("any", "registered", "app", "passkey")
        ),
    ]


def test_every_notice_is_japanese_and_linkless(clock):
    kinds = set()
    for n in all_notices(clock):
        kinds.add(n.kind)
        assert JAPANESE.search(n.subject) and JAPANESE.search(n.body)
        assert "http" not in n.body and "www" not in n.body
        ensure_no_link(n.body)
    assert kinds == set(notices.NoticeKind)
    assert "新しい端末からのログイン" in all_notices(clock)[0].subject
    assert "日本時間" in all_notices(clock)[0].body and "2025年4月14日 09:30" in all_notices(clock)[0].body


@pytest.mark.parametrize(
    "text",
    [
        "こちら https://example.com/login",
        "こちら http://203.0.113.5/",
        "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ",
        "www.example.co.jp で確認",
        "sbi-login.example.com にアクセス",
        "hxxps://phish.example",
        "詳細は example．jp へ",
    ],
)
def test_links_are_caught(text):
    with pytest.raises(LinkInMessage):
        ensure_no_link(text)


@pytest.mark.parametrize(
    "text", ["認証コード: 123456", "IPアドレス: 2001:db8::1", "端末: Chrome 120.0 / Mac OS X"]
)
def test_plain_text_passes(text):
    ensure_no_link(text)


def test_service_notices_carry_no_links(service, login, ctx, notifier):
    login()
    for _ in range(5):
        service.login("taro", "wrong-password", ctx)
    assert {m.kind for m in notifier.sent} >= {"code_sent", "new_device_login", "account_locked"}
    for m in notifier.sent:
        ensure_no_link(m.body)
        assert JAPANESE.search(m.body)


def test_attacker_user_agent_cannot_smuggle_a_link(service, customer, notifier, last_code):
    from kozaguard.identity.models import LoginContext

    ctx = LoginContext("203.0.113.1", "Mozilla/5.0 (+https://evil.example/login) evil.example", "x")
    d = service.login("taro", "kumo-hashiru-7-sakana", ctx)
    service.verify_login(d.ticket, "email_otp", code=last_code())
    assert notifier.sent[-1].kind == "new_device_login"


BAD = Message("email", "a@example.jp", "お知らせ", "ログインはこちら https://example.com", "x")


def test_notifiers_refuse_links(tmp_path):
    for n in (MemoryNotifier(), OutboxNotifier(tmp_path / "o.jsonl")):
        with pytest.raises(LinkInMessage):
            n.send(BAD)
    assert not (tmp_path / "o.jsonl").exists() or (tmp_path / "o.jsonl").read_text() == ""


def test_outbox_is_jsonl_utf8(tmp_path, clock):
    out = make_notifier("outbox", outbox_path=tmp_path / "outbox.jsonl")
    n = notices.account_locked(clock(), 5)
    out.send(Message("email", "a@example.jp", n.subject, n.body, str(n.kind)))
    text = (tmp_path / "outbox.jsonl").read_text(encoding="utf-8")
    assert "ログインロック" in text and len(text.splitlines()) == 1
    assert out.read()[0].kind == "account_locked"


class _SmtpSink:
    """A minimal SMTP server on 127.0.0.1 that keeps received messages."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    async def _handle(self, reader, writer):
        writer.write(b"220 sink ESMTP\r\n")
        data, in_data = [], False
        while line := await reader.readline():
            if in_data:
                if line == b".\r\n":
                    self.messages.append(b"".join(data))
                    in_data = False
                    writer.write(b"250 OK\r\n")
                else:
                    data.append(line)
                continue
            cmd = line[:4].upper()
            if cmd == b"EHLO":
                writer.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif cmd == b"DATA":
                in_data = True
                writer.write(b"354 go\r\n")
            elif cmd == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 OK\r\n")
            await writer.drain()
        writer.close()

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    def __enter__(self):
        self.thread.start()
        self.ready.wait(5)
        return self

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def test_smtp_notifier_sends_mail_and_keeps_sms_in_outbox(tmp_path, clock):
    n = notices.new_device_login(clock(), "Chrome 120 / Windows", "203.0.113.9")
    with _SmtpSink() as sink:
        smtp = SmtpNotifier(
            "127.0.0.1", sink.port, "no-reply@localhost", sms_outbox=OutboxNotifier(tmp_path / "s")
        )
        smtp.send(Message("email", "taro@example.jp", n.subject, n.body, str(n.kind)))
        smtp.send(Message("sms", "090-1234-5678", "認証コード", "認証コード: 123456", "code_sent"))
        with pytest.raises(LinkInMessage):
            smtp.send(BAD)
    assert len(sink.messages) == 1 and b"taro@example.jp" in sink.messages[0]
    assert OutboxNotifier(tmp_path / "s").read()[0].to == "090-1234-5678"
