"""A login from a device this account has never used.

A stolen password is used from the attacker's own browser: a device cookie the account has never
shown. Whoever holds only the password cannot answer a one-time code, so an unrecognised device
is asked for one (device authentication, as brokers did from 2025), unless the login comes from a
*place* the customer uses, an address block (/24, /64) of an earlier login, not merely the same
provider, which millions share, attackers' residential proxies among them:

- a cleared cookie on a familiar browser from a familiar place is the customer: a little risk;
- a new device from a familiar place (a new phone on the home line) is likely his: risk enough to
  scrutinise what the session does, and a notice, but no challenge;
- a new device anywhere else asks for a code, and so does the first login of an account with no
  login history: nothing is familiar, and a dormant account is what a stolen password opens;
- a device first seen on a risky login stays on probation for a few days: a one-time code proves
  little against real-time phishing, so its sessions keep the risk of that first login.
"""

from __future__ import annotations

from kozaguard.account_security.devices import Familiarity, familiarity
from kozaguard.engine.detector import Context, Detector, Wait
from kozaguard.engine.network import address_block
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login

_NOTIFY = ("notify_customer",)
_FINDINGS = {
    Familiarity.ON_PROBATION: Finding(Outcome.ALLOW, 0.5, ("device_on_probation",)),
    Familiarity.NO_HISTORY: Finding(Outcome.CHALLENGE_OTP, 0.45, ("no_login_history",), _NOTIFY),
    Familiarity.COOKIE_MISSING: Finding(Outcome.ALLOW, 0.15, ("device_cookie_missing",)),
    Familiarity.KNOWN_PLACE: Finding(Outcome.ALLOW, 0.4, ("new_device",), _NOTIFY),
    Familiarity.UNKNOWN: Finding(Outcome.CHALLENGE_OTP, 0.5, ("new_device",), _NOTIFY),
}


class NewDevice(Detector):
    name = "new_device"
    assesses = (Login,)

    def __init__(self, probation_days: Wait = 3.0) -> None:
        self.probation = probation_days * 86400

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        if event.result != "password_ok":
            return None
        account = ctx.account
        known = event.device_id is not None and event.device_id in account.devices
        f = familiarity(
            event.device_id,
            account.devices,
            block=None if known else address_block(event.ip),
            blocks=account.blocks,
            user_agent=event.user_agent,
            user_agents=account.user_agents,
            history=bool(account.logins),
            probation=account.probation,
            now=ctx.now,
            probation_seconds=self.probation,
        )
        return _FINDINGS.get(f)
