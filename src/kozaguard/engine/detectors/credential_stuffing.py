"""One source failing passwords across many accounts: credential stuffing.

Lists of stolen passwords are tried against thousands of accounts from a few addresses. Once an
address (or its /24, or its hosting provider) has failed on enough distinct accounts within the
window, every login from it — right password or not — carries the risk (`account_security.stuffing`).
"""

from __future__ import annotations

from kozaguard.account_security.stuffing import Source, StuffingPolicy, StuffingWatch
from kozaguard.engine.detector import Context, Count, Detector, Window
from kozaguard.engine.network import IpInfo, address_block
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login


def source_of(ip: str, net: IpInfo | None) -> Source:
    """The stuffing source of an address: itself, its block and its provider."""
    if net is None:
        return Source(ip)
    return Source(ip, address_block(ip), net.network, net.hosting)


class CredentialStuffing(Detector):
    name = "credential_stuffing"
    assesses = (Login,)
    observes = (Login,)

    def __init__(
        self,
        accounts: Count = 5,
        window_hours: Window = 24.0,
        block_accounts: Count = 10,
        provider_accounts: Count = 30,
    ) -> None:
        self.policy = StuffingPolicy(window_hours * 3600, accounts, block_accounts, provider_accounts)

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        risk = StuffingWatch(ctx.state.watch, self.policy).source_risk(
            source_of(event.ip, ctx.net), ctx.now, event.account_id
        )
        if not risk.is_stuffing:
            return None
        if event.result == "password_bad":
            return Finding(Outcome.ALLOW, 0.6, ("credential_stuffing_source",))
        return Finding(Outcome.CHALLENGE_OTP, 0.8, ("credential_stuffing_source",), ("open_case",))

    def observe(self, event: Event, ctx: Context | None) -> None:
        assert isinstance(event, Login) and ctx is not None
        if event.result == "password_bad":
            StuffingWatch(ctx.state.watch, self.policy).record_failure(
                source_of(event.ip, ctx.net), event.account_id, ctx.now
            )
