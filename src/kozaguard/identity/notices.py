"""Customer notices in Japanese: new-device login, code sent, contact changed, factor changed, lock.

Rules from the FSA supervisory guideline and the 2025 phishing wave: a notice never carries a login
link or any URL (customers are taught that a message with a link is phishing), it tells the
customer what happened and when, and what to do if it was not them, using the words of the
industry. `ensure_no_link` is enforced here and again by every notifier.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from typing import Protocol

JST = timezone(timedelta(hours=9), "JST")


class NoticeKind(StrEnum):
    NEW_DEVICE_LOGIN = "new_device_login"
    CODE_SENT = "code_sent"
    CONTACT_CHANGED = "contact_changed"
    FACTOR_CHANGED = "factor_changed"
    ACCOUNT_LOCKED = "account_locked"
    POLICY_REMINDER = "policy_reminder"


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    subject: str
    body: str


class LinkInMessage(ValueError):
    """A customer message contained a URL or a host name: refused, never sent."""


_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:(//|[^\s]*@)|(^|[^a-z])(www\d?|hxxps?)[.:]", re.IGNORECASE)
#: host-like token: labels joined by dots ending in an alphabetic TLD (example.com, phish.co.jp).
_HOST = re.compile(r"(?<![\w@])(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b", re.IGNORECASE)


def ensure_no_link(text: str) -> None:
    """Raise `LinkInMessage` if `text` holds anything a phone would turn into a link.

    Full-width and other look-alike forms are folded first (ｈｔｔｐｓ：／／, ｅｘａｍｐｌｅ．ｃｏｍ).

    >>> ensure_no_link("ログインがありました。")
    >>> ensure_no_link("ログインはこちら https://example.com")
    Traceback (most recent call last):
    ...
    kozaguard.identity.notices.LinkInMessage: message contains a link: 'https://'
    """
    folded = unicodedata.normalize("NFKC", text).replace("。", ". ")
    for pattern in (_SCHEME, _HOST):
        m = pattern.search(folded)
        if m:
            raise LinkInMessage(f"message contains a link: {m.group(0).strip()!r}")


_FOOTER = (
    "\n\n"
    "お心当たりのない場合は、第三者による不正アクセス(口座乗っ取り)のおそれがあります。"
    "直ちにパスワードを変更し、当社お客様サポートまでお電話でご連絡ください。\n"
    "当社からのメールやSMSにログイン用のリンクを記載することはありません。"
    "リンク付きのメッセージはフィッシングサイトへの誘導ですので開かないでください。"
    "ログインは、ブックマーク済みの当社サイトまたは公式アプリからお願いします。"
)

_FACTOR_JA = {
    "passkey": "パスキー",
    "totp": "認証アプリ(ワンタイムパスワード)",
    "sms": "SMS認証(電話番号認証)",
    "email_otp": "メール認証(ログイン追加認証)",
    "recovery_codes": "リカバリーコード",
    "passkey_only": "パスキー専用設定",
}
_CONTACT_JA = {"email": "登録メールアドレス", "phone": "登録電話番号"}
_CHANGE_JA = {"added": "登録", "removed": "削除"}


def jst(at: datetime) -> str:
    """'2025年5月1日 09:05(日本時間)' for a timezone-aware time."""
    t = at.astimezone(JST)
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}(日本時間)"


def new_device_login(at: datetime, device: str, ip: str) -> Notice:
    body = (
        "お客様の証券口座に、新しい端末からのログインがありました。\n\n"
        f"日時: {jst(at)}\n端末: {device}\nIPアドレス: {ip}"
        "\n\nお客様ご自身によるログインであれば、このお知らせへの対応は不要です。" + _FOOTER
    )
    return _notice(NoticeKind.NEW_DEVICE_LOGIN, "【重要】新しい端末からのログイン", body)


def code_sent(code: str, purpose_ja: str, minutes: int, channel: str) -> Notice:
    """The one-time code itself. SMS bodies stay short: no footer beyond the warning."""
    body = (
        f"認証コード: {code}\n{purpose_ja}のためのワンタイムパスワードです。有効期限は{minutes}分です。\n"
        "このコードを他人に教えないでください。当社がお電話やメールでコードをお尋ねすることはありません。"
    )
    if channel != "sms":
        body += (
            "\n\nご自身で操作していないのにこのコードが届いた場合、"
            "パスワードが第三者に知られているおそれがあります。" + _FOOTER
        )
    return _notice(NoticeKind.CODE_SENT, "認証コードのお知らせ", body)


def contact_changed(field: str, at: datetime, cooling_off_hours: int) -> Notice:
    """Sent to the OLD address or number: the one an attacker wants to silence."""
    what = _CONTACT_JA.get(field, field)
    body = (
        f"お客様の{what}が変更されました。このお知らせは変更前の連絡先にお送りしています。\n\n"
        f"日時: {jst(at)}\n\n"
        f"安全のため、変更から{cooling_off_hours}時間は出金および出金先口座の変更を保留します。" + _FOOTER
    )
    return _notice(NoticeKind.CONTACT_CHANGED, f"【重要】{what}変更のお知らせ", body)


def factor_changed(factor: str, change: str, at: datetime) -> Notice:
    what = _FACTOR_JA.get(factor, factor)
    verb = _CHANGE_JA.get(change, change)
    body = f"多要素認証の設定が変更されました。\n\n内容: {what}の{verb}\n日時: {jst(at)}" + _FOOTER
    return _notice(NoticeKind.FACTOR_CHANGED, "【重要】多要素認証の設定変更のお知らせ", body)


def account_locked(at: datetime, failures: int) -> Notice:
    body = (
        f"ログインの認証に{failures}回続けて失敗したため、お客様の証券口座へのログインをロックしました。\n\n"
        f"日時: {jst(at)}\n\n"
        "ロックの解除には本人確認が必要です。リカバリーコードをお持ちの場合はログイン画面から解除できます。"
        "お持ちでない場合は当社お客様サポートまでお電話でご連絡ください。" + _FOOTER
    )
    return _notice(NoticeKind.ACCOUNT_LOCKED, "【重要】ログインロックのお知らせ", body)


_ACTION_JA = {
    "login": "ログイン",
    "trading": "お取引(注文)",
    "withdrawal": "出金",
    "bank_change": "出金先口座の変更",
    "contact_change": "連絡先の変更",
    "factor_change": "認証設定の変更",
}
_LEVEL_JA = {
    "any": "追加認証(メール・SMS・認証アプリ・パスキーのいずれか)",
    "registered": "ご自身で登録する追加認証(SMS・電話番号認証・認証アプリ・パスキーのいずれか)",
    "app": "認証アプリまたはパスキー",
    "passkey": "パスキー(フィッシングに強い認証)",
}


def _date_ja(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def policy_reminder(action: str, level: str, since, deadline) -> Notice:
    """Before a policy's deadline: what will be needed, for what, from when; how to set it up
    without a link (the bookmarked site or the official app)."""
    what, need = _ACTION_JA.get(action, action), _LEVEL_JA.get(level, level)
    body = (
        f"{_date_ja(since)}から、{what}の際に{need}が必要になります。\n"
        f"{_date_ja(deadline)}以降もご登録がない場合、次回ログイン時に登録をお願いします。登録が済むまでお取引はできません。\n\n"
        "登録は、ブックマーク済みの当社サイトまたは公式アプリにログインし、「セキュリティ設定」から行えます。"
        + _FOOTER
    )
    return _notice(NoticeKind.POLICY_REMINDER, f"【重要】{what}時の認証方法変更のお知らせ", body)


def _notice(kind: NoticeKind, subject: str, body: str) -> Notice:
    ensure_no_link(subject)
    ensure_no_link(body)
    return Notice(kind, subject, body)


@dataclass(frozen=True)
class Message:
    """A notice addressed to one contact. `channel` is `email` or `sms`."""

    channel: str
    to: str
    subject: str
    body: str
    kind: str


class Notifier(Protocol):
    """Delivers messages to customers; implementations live in `kozaguard.adapters.notify`."""

    def send(self, message: Message) -> None: ...
