"""What an account's past behaviour looks like: devices, browsers, networks, countries, hours.

Learnt only from actions the engine let through (allowed or challenged), so a refused attacker does
not become familiar. Every map is bounded: the least recently seen entry goes first.
"""

from __future__ import annotations

from datetime import timedelta, timezone

from kozaguard.engine.network import IpInfo, address_block
from kozaguard.engine.state import Account, Session
from kozaguard.events.schema import Action, FactorChange, Login, OrderNew, ProfileChange, Withdrawal

JST = timezone(timedelta(hours=9))


def remember(seen: dict[str, float], key: str, now: float, limit: int) -> None:
    """Mark `key` seen at `now`, dropping the least recently seen key beyond `limit`.

    >>> d = {}
    >>> for i, k in enumerate("abcab"):
    ...     remember(d, k, float(i), 2)
    >>> sorted(d)
    ['a', 'b']
    """
    seen.pop(key, None)
    seen[key] = now
    if len(seen) > limit:
        del seen[next(iter(seen))]


def hour_jst(now: float) -> int:
    """Hour of day in Japan time (the customers' clock; UTC+9 all year, no summer time), 0-23.

    >>> from datetime import datetime
    >>> hour_jst(datetime(2025, 4, 1, 23, 30, tzinfo=JST).timestamp())
    23
    """
    return int((now + 9 * 3600) % 86400) // 3600


class Profile:
    """Updates an account's habits after an action was let through."""

    def __init__(self, limit: int = 16, probation_risk: float = 0.5) -> None:
        self.limit, self.probation_risk = limit, probation_risk

    def learn_login(self, account: Account, event: Login, net: IpInfo, now: float, risk: float = 0.0) -> None:
        """A login let through. A device first seen on a risky login (passed with a one-time code,
        which a real-time phishing site can relay) is remembered, but on probation."""
        if risk >= self.probation_risk:  # and so are a network and a place first seen on it
            if event.device_id and event.device_id not in account.devices:
                remember(account.probation, event.device_id, now, self.limit)
            if net.network not in account.networks:
                remember(account.probation, "net:" + net.network, now, self.limit)
            block = address_block(event.ip)
            if block not in account.blocks:
                remember(account.probation, "place:" + block, now, self.limit)
        self._client(account, event.device_id, event.user_agent, net.network, event.ip, net.country, now)
        account.logins += 1
        account.login_hours[hour_jst(now)] += 1
        account.last_login_at = now
        account.last_login_country = net.country

    def trust(self, account: Account, session: Session, now: float) -> None:
        """Staff verified the session as the customer's (`engine/review.py`): its client is his,
        off probation, as if he had logged in from it on a quiet day."""
        s = session
        for key in (s.device_id, "net:" + s.network, "place:" + address_block(s.ip)):
            if key:
                account.probation.pop(key, None)
        self._client(account, s.device_id, s.user_agent, s.network, s.ip, s.country, now)

    @staticmethod
    def forget(account: Account, session: Session) -> None:
        """Staff found the session an attacker's: his device is not the customer's (the login that
        opened it taught the profile). His network and place may be the customer's own (residential
        proxies), so only what is still on probation goes."""
        block = address_block(session.ip)
        if session.device_id and session.new_device:  # a cloned cookie of his own device stays his
            account.devices.pop(session.device_id, None)
        for key, seen in (("net:" + session.network, account.networks), ("place:" + block, account.blocks)):
            if account.probation.pop(key, None) is not None:
                seen.pop(key.split(":", 1)[1], None)

    def learn_action(self, account: Account, event: Action, now: float) -> None:
        if isinstance(event, OrderNew):
            account.orders += 1
        elif isinstance(event, Withdrawal):
            remember(account.withdrawals, event.bank_account_id, now, self.limit)
        elif isinstance(event, ProfileChange):
            account.changed[event.field] = now
        elif isinstance(event, FactorChange):
            account.changed["factor"] = now
            if event.action == "enrolled" and event.factor not in account.factors:
                account.factors.append(event.factor)
            elif event.action == "removed" and event.factor in account.factors:
                account.factors.remove(event.factor)

    def _client(
        self,
        account: Account,
        device_id: str | None,
        user_agent: str,
        network: str,
        ip: str,
        country: str,
        now: float,
    ) -> None:
        """The client (device, browser, provider, place, country) is the account's, seen at `now`."""
        if device_id:
            if device_id not in account.devices:
                account.changed["device"] = now
            remember(account.devices, device_id, now, self.limit)
        remember(account.user_agents, user_agent, now, self.limit)
        remember(account.networks, network, now, self.limit)
        remember(account.blocks, address_block(ip), now, self.limit)
        remember(account.countries, country, now, self.limit)
