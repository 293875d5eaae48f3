"""A login from a device this account has never used.

Taken-over accounts are entered from the attacker's own browser: a device cookie the account has
never shown. How much that says depends on what else is familiar:

- a cleared cookie on a familiar browser and network is the customer: a little risk;
- a new device on a network the customer uses (a new phone on the home line) is likely his: risk
  enough to scrutinise what the session does, and a notice, but no challenge;
- a new device on a new network asks for a code;
- an account with no login history yet gives nothing to compare: the session carries risk, so large
  or unusual actions on it are held, but the login is not challenged for novelty alone;
- a device first seen on a risky login stays on probation for a few days: a one-time code proves
  little against real-time phishing, so its sessions keep the risk of that first login.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login

_NOTIFY = ("notify_customer",)


class NewDevice(Detector):
    name = "new_device"
    assesses = (Login,)

    def __init__(self, probation_days: float = 3.0) -> None:
        self.probation = probation_days * 86400

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        account = ctx.account
        if event.result != "password_ok":
            return None
        if event.device_id and event.device_id in account.devices:
            if ctx.since(account.probation.get(event.device_id)) < self.probation:
                return Finding(Outcome.ALLOW, 0.5, ("device_on_probation",))
            return None
        if not account.logins:
            return Finding(Outcome.ALLOW, 0.45, ("no_login_history",), _NOTIFY)
        known_network = ctx.net.network in account.networks
        if known_network and event.user_agent in account.user_agents:
            return Finding(Outcome.ALLOW, 0.15, ("device_cookie_missing",))
        if known_network:
            return Finding(Outcome.ALLOW, 0.4, ("new_device",), _NOTIFY)
        return Finding(Outcome.CHALLENGE_OTP, 0.5, ("new_device",), _NOTIFY)
