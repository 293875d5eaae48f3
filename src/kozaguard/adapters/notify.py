"""Notifiers: deliver customer messages by e-mail or SMS.

`SealedOutboxNotifier` (default, `outbox`) appends each message as a JSON line to a queue file that
the broker's delivery system reads; a message that carries a one-time code is sealed there
(encrypted with the outbox key from settings, or withheld when no key is set), so codes are never
at rest in clear. `OutboxNotifier` (`dev-outbox`, for development only) writes everything in clear.
Both files are created readable by their owner only (0600). `MemoryNotifier` keeps messages in a
list; `SmtpNotifier` sends e-mail with aiosmtplib (SMS goes to the outbox: there is no SMS gateway
standard to speak to). Every notifier refuses a body with a link (FSA guideline).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from dataclasses import asdict
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
from cryptography.fernet import Fernet, InvalidToken

from kozaguard.identity.notices import Message, Notifier, ensure_no_link

__all__ = [
    "MemoryNotifier",
    "Message",
    "Notifier",
    "OutboxNotifier",
    "SealedOutboxNotifier",
    "SmtpNotifier",
    "make_notifier",
]

log = logging.getLogger("kozaguard.notify")

#: Message kinds that carry a one-time code in their body.
SECRET_KINDS = frozenset({"code_sent"})
WITHHELD = "(one-time code withheld: no outbox key configured)"


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


def _private_append(path: Path):
    """Open `path` for appending, created 0600; an existing file is narrowed to 0600 too."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    if os.fstat(fd).st_mode & 0o077:
        os.fchmod(fd, 0o600)
    return os.fdopen(fd, "a", encoding="utf-8")


class OutboxNotifier:
    """Development outbox: messages as JSON Lines (UTF-8) in clear, with the time they were queued.

    One-time codes are readable here, so it is only used when chosen by name (`dev-outbox`); the
    file is created readable by its owner only.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def _record(self, message: Message) -> dict:
        return {"queued_at": datetime.now(UTC).isoformat(), **asdict(message)}

    def send(self, message: Message) -> None:
        line = json.dumps(self._record(_checked(message)), ensure_ascii=False) + "\n"
        with self._lock, _private_append(self.path) as f:
            f.write(line)

    def _records(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()]

    def read(self) -> list[Message]:
        """Messages queued so far (for tests, demos and the delivery job)."""
        out = []
        for record in self._records():
            record.pop("queued_at", None)
            record.pop("sealed", None)
            out.append(Message(**record))
        return out


class SealedOutboxNotifier(OutboxNotifier):
    """The delivery queue: like the development outbox, but a one-time code is never in clear.

    The body of a message that carries a code is stored as a Fernet token (`sealed: true`) made
    with `key`; the delivery system opens it with the same key (`read()`). Without a key the body
    is withheld and a warning logged: configure the key, or deliver by SMTP.
    """

    def __init__(self, path: str | Path, key: str = "") -> None:
        super().__init__(path)
        self._fernet = Fernet(key.encode()) if key else None
        if self._fernet is None:
            log.warning("outbox %s: no outbox key, one-time codes will be withheld from it", self.path)

    def _record(self, message: Message) -> dict:
        record = super()._record(message)
        if message.kind in SECRET_KINDS:
            if self._fernet is None:
                record["body"] = WITHHELD
            else:
                record["body"] = self._fernet.encrypt(message.body.encode()).decode()
                record["sealed"] = True
        return record

    def read(self) -> list[Message]:
        """Messages queued so far, sealed bodies opened with the key."""
        out = []
        for record in self._records():
            sealed = record.pop("sealed", False)
            record.pop("queued_at", None)
            if sealed:
                if self._fernet is None:
                    raise ValueError(f"{self.path}: sealed messages need the outbox key to read")
                try:
                    record["body"] = self._fernet.decrypt(record["body"].encode()).decode()
                except InvalidToken:
                    raise ValueError(f"{self.path}: a sealed message does not open with this key") from None
            out.append(Message(**record))
        return out


def check_outbox_key(key: str) -> str:
    """The key as given when it is a Fernet key; ValueError names the setting and how to make one."""
    if key:
        try:
            Fernet(key.encode())
        except ValueError:
            raise ValueError(
                "outbox_key: not a Fernet key (32 bytes, url-safe base64); make one with "
                "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            ) from None
    return key


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
    outbox_key: str = "",
    smtp_host: str = "127.0.0.1",
    smtp_port: int = 25,
    smtp_sender: str = "no-reply@localhost",
) -> Notifier:
    """The notifier named by settings: `outbox` (default, sealed), `dev-outbox`, `memory` or `smtp`."""
    if kind == "outbox":
        return SealedOutboxNotifier(outbox_path, check_outbox_key(outbox_key))
    if kind == "dev-outbox":
        return OutboxNotifier(outbox_path)
    if kind == "memory":
        return MemoryNotifier()
    if kind == "smtp":
        sms = SealedOutboxNotifier(outbox_path, check_outbox_key(outbox_key))
        return SmtpNotifier(smtp_host, smtp_port, smtp_sender, sms_outbox=sms)
    raise ValueError(f"notifier: unknown kind {kind!r}; use outbox, dev-outbox, memory or smtp")
