"""After staff rejected a held action: its session is an attacker's, and so may be the next stranger.

Staff reviewed a held order or withdrawal and found it was not the customer's (`review.decided`
rejected, `engine/review.py`). Whatever that session asks next — another order, a withdrawal, a
change of contact or factor — is refused, a case opened. Whoever held it also has the password and
may relay a one-time code: for `days` a login from that session's device or address block must pass
a passkey, or is refused when the customer has none. Both are floors no friction budget lowers. The
customer's own devices and places are not touched; a stranger elsewhere weighs more through the
account's suspicion mark (`engine/suspicion.py`).
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector, Window
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.engine.review import REJECTED, rejected_client
from kozaguard.events.schema import Event, FactorChange, Login, OrderNew, ProfileChange, Withdrawal

_CASE = ("notify_customer", "open_case")


class StaffRejected(Detector):
    name = "staff_rejected"
    assesses = (Login, OrderNew, Withdrawal, ProfileChange, FactorChange)
    alone = False  # it follows staff decisions on the holds other detectors asked for

    def __init__(self, days: Window = 7.0) -> None:
        self.seconds = days * 86400

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        if event.__class__ is not Login:
            s = ctx.session
            if s is None or not s.rejected:
                return None
            return Finding(Outcome.DENY, 1.0, ("session_rejected_by_staff",), _CASE)
        account = ctx.account
        if REJECTED not in account.suspect or event.result != "password_ok":  # type: ignore[attr-defined]
            return None
        marks = rejected_client(event.device_id, event.ip)  # type: ignore[attr-defined]
        if not any(ctx.since(account.suspect.get(m)) < self.seconds for m in marks):
            return None
        if "passkey" in account.factors:
            return Finding(Outcome.CHALLENGE_PASSKEY, 0.8, ("rejected_client_returns",), ("notify_customer",))
        return Finding(Outcome.DENY, 0.9, ("rejected_client_returns",), _CASE)
