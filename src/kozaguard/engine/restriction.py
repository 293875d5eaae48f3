"""A symbol's buy restriction (買付停止) as a status with legal transitions.

    free --impose(engine | staff)--> restricted --lift(staff)--> free
                                     restricted --expire (engine's own, no new evidence)--> free

The engine imposes a restriction when a campaign buys the symbol (`pump_campaign`); each later
campaign buy is new evidence (`evidence`). A restriction the engine imposed expires after
`expiry_hours` without new evidence, so a halt does not deny customers' buys for ever; one that
staff imposed stays until staff lift it (`symbol.restriction` events of the contract). Lifting a
free symbol, or expiring a staff restriction, is not a transition: it changes nothing.

>>> from kozaguard.engine.state import Symbol
>>> s = Symbol(symbol="9999")
>>> impose(s, "engine", 0.0); s.restricted
True
>>> expire(s, 47 * 3600.0, 48.0), expire(s, 49 * 3600.0, 48.0), s.restricted
(False, True, False)
>>> impose(s, "staff", 0.0); expire(s, 1e9, 48.0), s.restricted
(False, True)
>>> lift(s), s.restricted
(True, False)
"""

from __future__ import annotations

from kozaguard.engine.state import Symbol

EXPIRY_HOURS = 48.0


def impose(sym: Symbol, by: str, now: float) -> None:
    """Restrict buys of `sym` (again: a staff restriction is never turned into an engine one)."""
    if not sym.restricted or by == "staff":
        sym.restricted_by = by
    sym.restricted = True
    sym.campaign_seen = max(sym.campaign_seen, now)


def evidence(sym: Symbol, now: float) -> None:
    """A campaign buy of the restricted symbol: its restriction is renewed."""
    sym.campaign_seen = max(sym.campaign_seen, now)


def lift(sym: Symbol) -> bool:
    """Staff lifted the restriction; False when there was none."""
    if not sym.restricted:
        return False
    sym.restricted, sym.restricted_by = False, ""
    return True


def expire(sym: Symbol, now: float, hours: float = EXPIRY_HOURS) -> bool:
    """Lift an engine restriction with no new evidence for `hours`; True when it expired now."""
    if not sym.restricted or sym.restricted_by == "staff" or now - sym.campaign_seen <= hours * 3600:
        return False
    sym.restricted, sym.restricted_by = False, ""
    return True
