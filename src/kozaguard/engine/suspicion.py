"""Marks an account keeps for days after something only takeovers do: the account is *suspected*.

A takeover is rarely one sitting. Crews log in to many accounts from the same few addresses and
devices, change the registered e-mail so that notices stop reaching the victim, enrol their own
authenticator, and come back hours or days later to trade. Each of these leaves a mark on the
account; what a customer does from his own devices does not:

- `shared_infrastructure`: a login let through that shared its client or address with other
  accounts' doubtful logins within hours, or came from a credential-stuffing source;
- `reported_code` and `reported_phishing`: the customer told the broker about a one-time code he did
  not ask for, or about a lure he received.

A contact change made on a stranger's session is not a mark: customers with a new phone change
their phone number on it as often as crews change the e-mail (measured on the bench streams).

A mark says nothing about the customer's own devices: evidence (`engine/evidence.py`) weighs it only
on sessions that are strangers' too, so a suspected account trades as before from his phone at home.
Marks expire after `days` without a new one.

>>> from kozaguard.engine.state import Account
>>> a = Account(account_id="a")
>>> mark(a, "shared_infrastructure", 0.0)
>>> suspected(a, 3 * 86400.0, 7.0), suspected(a, 8 * 86400.0, 7.0)
(True, False)
"""

from __future__ import annotations

from kozaguard.engine.state import Account, Session

SHARED_REASONS = frozenset({"credential_stuffing_source"})
"""Login reasons that show crew infrastructure. (A device or VPN address that other accounts used
within the month, `shared_client`, is a family's or an office's too often to mark an account.)"""

REPORTED = {"unsolicited_code": "reported_code", "phishing_message": "reported_phishing"}


def mark(account: Account, reason: str, now: float) -> None:
    """Note `reason` on the account at `now` (a newer mark replaces an older one of the reason)."""
    account.suspect[reason] = now


def suspected(account: Account, now: float, days: float) -> bool:
    """Whether any mark is younger than `days`."""
    horizon = now - days * 86400.0
    return any(when > horizon for when in account.suspect.values())


def after_login(account: Account, session: Session, reasons: list[str], now: float) -> None:
    """A login was let through: mark the account when it showed crew infrastructure."""
    if session.shared or any(r in SHARED_REASONS for r in reasons):
        mark(account, "shared_infrastructure", now)


def stranger(session: Session) -> bool:
    """A session a stranger may hold: its login came from a device or a place new to the account,
    or it was never seen logging in (a cookie from before the stream, or stolen)."""
    return session.new_device or session.new_place or session.first_login or not session.by_login
