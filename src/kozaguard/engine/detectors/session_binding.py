"""Actions on a session must come from the client that opened it (stolen session cookies).

Infostealers lift session cookies; the attacker's orders then arrive on the victim's session with no
login, from another IP and browser. A browser does not change its device cookie in the middle of a
session, nor its user agent beyond a version update (`engine/client.py`), so such an action is
denied; a move to another country is challenged. A stolen cookie is also replayed late: a session
that turns up on another network many hours after its login is denied (the customer logs in again).
A session whose login the stream never showed is checked against the account's known clients.
"""

from __future__ import annotations

from kozaguard.engine import client
from kozaguard.engine.detector import Context, Detector, Window
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Action, Event, FactorChange, OrderNew, ProfileChange, Withdrawal

_CASE = ("notify_customer", "open_case")


class SessionBinding(Detector):
    name = "session_binding"
    assesses = (FactorChange, ProfileChange, Withdrawal, OrderNew)

    def __init__(self, stale_hours: Window = 12.0) -> None:
        self.stale = stale_hours * 3600

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Action)
        s, net, account = ctx.session, ctx.net, ctx.account
        if s is None:
            return None
        if not s.by_login:
            known = (event.device_id in account.devices) or (event.user_agent in account.user_agents)
            if account.devices and not known:
                return Finding(Outcome.DENY, 0.9, ("session_unknown_client",), _CASE)
            return None
        if client.changed(s.device_id, s.user_agent, event.device_id, event.user_agent):
            return Finding(Outcome.DENY, 0.95, ("session_client_changed",), _CASE)
        if net.country != s.country:
            return Finding(Outcome.CHALLENGE_OTP, 0.6, ("session_country_changed",))
        if net.network != s.network:
            if ctx.now - s.opened_at > self.stale:
                return Finding(Outcome.DENY, 0.8, ("stale_session_moved",), _CASE)
            return Finding(Outcome.ALLOW, 0.1, ("session_network_changed",))
        return None
