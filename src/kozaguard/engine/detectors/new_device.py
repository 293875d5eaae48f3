"""A login from a device this account has never used.

Taken-over accounts are entered from the attacker's own browser: a device cookie the account has
never shown. A cleared cookie on a familiar browser and network is not the same thing, so a login
without a known device but with a familiar browser and network only adds a little risk.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login


class NewDevice(Detector):
    name = "new_device"
    assesses = (Login,)

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        account = ctx.account
        if event.result != "password_ok" or (event.device_id and event.device_id in account.devices):
            return None
        familiar = event.user_agent in account.user_agents and ctx.net.network in account.networks
        if familiar:
            return Finding(Outcome.ALLOW, 0.15, ("device_cookie_missing",))
        return Finding(Outcome.CHALLENGE_OTP, 0.5, ("new_device",), ("notify_customer",))
