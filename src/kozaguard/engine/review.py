"""What a staff review of a held action teaches the engine (`review.decided` in the contract).

A hold waits for staff. When they release it, they have spoken to the customer (the FSA guideline's
phone call on unusual access): the action was his, and so is the session it came from. The session
stops being a stranger's (its device, network and place join the account's habits, off probation),
and the released action's evidence joins the broker's decided history, so the friction budget learns
a habit it had been holding. Without this, one customer session on a new phone gives a hold on
every order until it ends.

When staff reject it, the action was not the customer's: the session is the attacker's, every
later action on it is refused, and the account is marked with the attacker's device and address
block: a login from them needs a passkey (`engine/detectors/staff_rejected.py`, floors), and any
stranger's session on the account weighs more for a week (`engine/suspicion.py`).

>>> from kozaguard.engine.state import Account, Session
>>> a = Account(account_id="a")
>>> s = Session(session_id="s", account_id="a", ip="192.0.2.1", network="AS1 X", country="JP",
...             user_agent="ua", device_id="d2", opened_at=0.0, new_device=True, risk=0.6)
>>> hold(a, "e1", s, 7.5, by_budget=True)
>>> held = release(a, "e1", s)
>>> held.evidence, s.verified, s.new_device, s.risk
(7.5, True, False, 0.0)
>>> release(a, "e1", s) is None  # reviewed once
True
"""

from __future__ import annotations

from kozaguard.engine import suspicion
from kozaguard.engine.network import address_block
from kozaguard.engine.state import Account, Held, Session

HELD_LIMIT = 32
"""Held actions kept per account while they wait for staff (the oldest go first)."""
REJECTED = "staff_rejected"
"""The suspicion mark of an account whose held action staff rejected."""


def hold(account: Account, event_id: str, session: Session, evidence: float, *, by_budget: bool) -> None:
    """Remember a held action until staff decide on it."""
    held = account.held
    held[event_id] = Held(session.session_id, evidence, by_budget)
    if len(held) > HELD_LIMIT:
        del held[next(iter(held))]


def release(account: Account, event_id: str, session: Session | None) -> Held | None:
    """Staff released the held action: the customer's, and so is its session (None: not held here).
    The caller's profile then learns the session's client (`Profile.trust`)."""
    held = account.held.pop(event_id, None)
    if held is not None and session is not None and session.session_id == held.session_id:
        _verified(session)
    return held


def reject(account: Account, event_id: str, session: Session | None, now: float) -> Held | None:
    """Staff rejected the held action: its session is an attacker's, the account is marked (even
    when the engine no longer knows the action). None: not held here."""
    suspicion.mark(account, REJECTED, now)
    held = account.held.pop(event_id, None)
    if held is not None and session is not None and session.session_id == held.session_id:
        session.rejected = True
        session.verified = False
        device = session.device_id if session.new_device else None  # a cloned cookie stays his
        for key in rejected_client(device, session.ip if session.new_place else None):
            suspicion.mark(account, key, now)
    return held


def rejected_client(device_id: str | None, ip: str | None) -> list[str]:
    """The marks that name a client staff found an attacker's: its device and its address block
    (each only where the session brought it new to the account: an infostealer replays the
    customer's own device cookie from his own line as well).

    >>> rejected_client("d9", "203.0.113.7")
    ['staff_rejected:device:d9', 'staff_rejected:place:203.0.113.0/24']
    """
    keys = [f"{REJECTED}:device:{device_id}"] if device_id else []
    return [*keys, f"{REJECTED}:place:{address_block(ip)}"] if ip else keys


def _verified(s: Session) -> None:
    s.verified = True
    s.risk = 0.0
    s.new_device = s.new_network = s.new_place = s.stranger_network = s.first_login = False
    s.shared = 0
    s.by_login = True  # staff know who holds it now, as if they had seen the login
