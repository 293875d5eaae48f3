"""A login at an hour of the day this customer has never used, once his habit is known.

Alone it is weak (people change habits), so it only adds risk; together with a new device or
network it makes a passkey challenge more likely.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Count, Detector
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.engine.profile import hour_jst
from kozaguard.events.schema import Event, Login


class UnusualHour(Detector):
    name = "unusual_hour"
    assesses = (Login,)

    def __init__(self, min_logins: Count = 10) -> None:
        self.min_logins = min_logins

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        hours = ctx.account.login_hours
        if event.result != "password_ok" or ctx.account.logins < self.min_logins:
            return None
        h = hour_jst(ctx.now)
        if hours[h] or hours[(h - 1) % 24] or hours[(h + 1) % 24]:
            return None
        return Finding(Outcome.ALLOW, 0.2, ("unusual_hour",))
