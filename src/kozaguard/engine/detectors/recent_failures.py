"""A successful login right after several wrong passwords: guessing that finally worked.

A typo or two is ordinary; a run of failures before the right password is how guessed and
stuffed credentials look, from the guesser's own browser. On a device the customer has used
before it is a customer who forgot his password: risk to weigh, not a challenge.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Count, Detector
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login


class RecentFailures(Detector):
    name = "recent_failures"
    assesses = (Login,)

    def __init__(self, failures: Count = 3) -> None:
        self.failures = failures

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        if event.result != "password_ok" or ctx.account.failures < self.failures:
            return None
        if event.device_id and event.device_id in ctx.account.devices:
            return Finding(Outcome.ALLOW, 0.3, ("failures_before_success",))
        return Finding(Outcome.CHALLENGE_OTP, 0.4, ("failures_before_success",))
