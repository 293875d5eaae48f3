"""The identity service flags logins touched by a stuffing source (the counters: account_security)."""

from __future__ import annotations

from dataclasses import replace

from kozaguard.account_security.stuffing import StuffingPolicy
from kozaguard.identity.models import LoginContext
from kozaguard.identity.service import IdentityService

PASSWORD = "kumo-hashiru-7-sakana"


def test_service_flags_logins_touched_by_a_stuffing_source(store, notifier, settings, clock):
    svc = IdentityService(
        store, notifier, replace(settings, stuffing=StuffingPolicy(accounts_per_address=3)), clock=clock
    )
    svc.register("victim", PASSWORD, "v@example.jp", "090-3333-4444")
    bot = LoginContext("203.0.113.66", "python-requests/2.32", None)
    for login_id in ("victim", "nobody1", "nobody2"):
        assert svc.login(login_id, "leaked-password", bot).decision == "deny"
    d = svc.login("victim", PASSWORD, bot)
    assert d.decision == "challenge" and "stuffing_ip" in d.reasons and d.risk == 1.0
    # the real customer, from home, still sees the account flagged
    d = svc.login("victim", PASSWORD, LoginContext("198.51.100.8", "", "home"))
    assert "account_targeted_by_stuffing" in d.reasons and d.decision == "challenge"
