"""Notifiers: deliver customer messages by e-mail or SMS.

`OutboxNotifier` (default) appends each message as a JSON line to a local file that a broker's
delivery system, or a developer, reads; `MemoryNotifier` keeps them in a list; `SmtpNotifier`
sends e-mail through an SMTP server with aiosmtplib (SMS still goes to the outbox: there is no SMS
gateway standard to speak to). Every notifier refuses a body with a link (FSA guideline).
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import asdict
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

from kozaguard.identity.notices import Message, Notifier, ensure_no_link

__all__ = ["MemoryNotifier", "Message", "Notifier", "OutboxNotifier", "SmtpNotifier", "make_notifier"]


def _checked(message: Message) -> Message:
    ensure_no_link(message.subject)
    ensure_no_link(message.body)
    return message


class MemoryNotifier:
    """Keeps sent messages in `sent`, newest last."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        self.sent.append(_checked(message))


class OutboxNotifier:
    """Appends messages as JSON Lines (UTF-8) to `path`, with the time they were queued."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def send(self, message: Message) -> None:
        record = {"queued_at": datetime.now(UTC).isoformat(), **asdict(_checked(message))}
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as f:
            f.write(line)

    def read(self) -> list[Message]:
        """Messages queued so far (for tests, demos and the delivery job)."""
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            record.pop("queued_at", None)
            out.append(Message(**record))
        return out


class SmtpNotifier:
    """Sends e-mail with aiosmtplib; SMS messages go to `sms_outbox`."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        sms_outbox: Notifier,
        username: str | None = None,
        password: str | None = None,
        start_tls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.sms_outbox = sms_outbox
        self.username, self.password = username, password
        self.start_tls, self.timeout = start_tls, timeout

    def send(self, message: Message) -> None:
        _checked(message)
        if message.channel != "email":
            self.sms_outbox.send(message)
            return
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, message.to, message.subject
        mail.set_content(message.body, charset="utf-8")
        coro = aiosmtplib.send(
            mail,
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            start_tls=self.start_tls,
            timeout=self.timeout,
        )
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(coro)
            return
        # Called from inside an event loop: deliver on a private loop in a helper thread.
        errors: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(coro)
            except BaseException as exc:  # re-raised in the caller's thread
                errors.append(exc)

        t = threading.Thread(target=run, daemon=True)
        t.start()
        t.join()
        if errors:
            raise errors[0]


def make_notifier(
    kind: str,
    *,
    outbox_path: str | Path,
    smtp_host: str = "127.0.0.1",
    smtp_port: int = 25,
    smtp_sender: str = "no-reply@localhost",
) -> Notifier:
    """The notifier named by settings: `outbox` (default), `memory` or `smtp`."""
    if kind == "outbox":
        return OutboxNotifier(outbox_path)
    if kind == "memory":
        return MemoryNotifier()
    if kind == "smtp":
        return SmtpNotifier(smtp_host, smtp_port, smtp_sender, sms_outbox=OutboxNotifier(outbox_path))
    raise ValueError(f"notifier: unknown kind {kind!r}; use outbox, memory or smtp")
