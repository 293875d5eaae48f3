"""After staff rejected a held action: its session is an attacker's, and so may be the next stranger.

Staff reviewed a held order or withdrawal and found it was not the customer's (`review.decided`
rejected, `engine/review.py`). Whatever that session asks next — another order, a withdrawal, a
change of contact or factor — is refused, a case opened. Whoever holds it also has the password and
may relay a one-time code: for `days` a login from a device the account never used must pass a
passkey, or is refused when the customer has none. Both are floors no friction budget lowers. The
customer's own devices are not touched.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector, Window
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.engine.review import REJECTED
from kozaguard.events.schema import Event, FactorChange, Login, OrderNew, ProfileChange, Withdrawal

_CASE = ("notify_customer", "open_case")


class StaffRejected(Detector):
    name = "staff_rejected"
    assesses = (Login, OrderNew, Withdrawal, ProfileChange, FactorChange)

    def __init__(self, days: Window = 7.0) -> None:
        self.seconds = days * 86400

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        if event.__class__ is not Login:
            s = ctx.session
            if s is None or not s.rejected:
                return None
            return Finding(Outcome.DENY, 1.0, ("session_rejected_by_staff",), _CASE)
        account = ctx.account
        when = account.suspect.get(REJECTED)
        if when is None or ctx.since(when) >= self.seconds or event.result != "password_ok":  # type: ignore[attr-defined]
            return None
        if event.device_id is not None and event.device_id in account.devices:  # type: ignore[attr-defined]
            return None
        if "passkey" in account.factors:
            return Finding(
                Outcome.CHALLENGE_PASSKEY, 0.8, ("rejected_takeover_new_device",), ("notify_customer",)
            )
        return Finding(Outcome.DENY, 0.9, ("rejected_takeover_new_device",), _CASE)
