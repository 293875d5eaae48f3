"""A login from a device this account has never used.

Taken-over accounts are entered from the attacker's own browser: a device cookie the account has
never shown. How much that says depends on what else is familiar:

- a cleared cookie on a familiar browser and network is the customer: a little risk;
- a new device on a network the customer uses (a new phone on the home line) is likely his: risk
  enough to scrutinise what the session does, and a notice, but no challenge;
- a new device on a new network asks for a code;
- an account with no login history yet gives nothing to compare: the session carries risk, so large
  or unusual actions on it are held, but the login is not challenged for novelty alone.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login

_NOTIFY = ("notify_customer",)


class NewDevice(Detector):
    name = "new_device"
    assesses = (Login,)

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        account = ctx.account
        if event.result != "password_ok" or (event.device_id and event.device_id in account.devices):
            return None
        if not account.logins:
            return Finding(Outcome.ALLOW, 0.45, ("no_login_history",), _NOTIFY)
        known_network = ctx.net.network in account.networks
        if known_network and event.user_agent in account.user_agents:
            return Finding(Outcome.ALLOW, 0.15, ("device_cookie_missing",))
        if known_network:
            return Finding(Outcome.ALLOW, 0.4, ("new_device",), _NOTIFY)
        return Finding(Outcome.CHALLENGE_OTP, 0.5, ("new_device",), _NOTIFY)
