"""Cooling-off: what waits after a change an attacker makes first.

Attackers change the registered e-mail or phone so that notices stop reaching the victim, then move
the money; or they add their own passkey on a stolen session and use it for the withdrawal. So:
withdrawals and bank-account changes wait `contact_seconds` after a contact change, and a passkey
added on a risky session cannot pass their step-up for `factor_seconds`. Times are epoch seconds.
"""

from __future__ import annotations

from collections.abc import Mapping

CONTACTS = ("email", "phone")
DEFAULT_CONTACT_SECONDS = 72 * 3600.0
DEFAULT_FACTOR_SECONDS = 72 * 3600.0


def contacts_changed(changed: Mapping[str, float], now: float, seconds: float) -> list[str]:
    """The contacts (`email`, `phone`) changed in the `seconds` before `now`.

    >>> contacts_changed({"email": 0.0, "address": 0.0}, 3600.0, 86400)
    ['email']
    """
    return [f for f in CONTACTS if f in changed and now - changed[f] < seconds] if changed else []


def held_until(changed_at: float | None, seconds: float = DEFAULT_CONTACT_SECONDS) -> float | None:
    """End of the hold that follows a change at `changed_at`, or None when there was none."""
    return None if changed_at is None else changed_at + seconds


def is_held(changed_at: float | None, now: float, seconds: float = DEFAULT_CONTACT_SECONDS) -> bool:
    """True while the hold that follows a change at `changed_at` lasts.

    >>> is_held(0.0, 71 * 3600.0), is_held(0.0, 72 * 3600.0), is_held(None, 0.0)
    (True, False, False)
    """
    until = held_until(changed_at, seconds)
    return until is not None and now < until


def factor_probation(
    added_at: float, risky_session: bool, seconds: float = DEFAULT_FACTOR_SECONDS
) -> float | None:
    """Until when a new factor cannot pass a withdrawal step-up: only one added on a risky session."""
    return added_at + seconds if risky_session else None
