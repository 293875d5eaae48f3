"""Device familiarity: how well a login's device and place are known to the account.

A stolen password is used from the attacker's own browser: a device the account has never shown. A
*place* the customer uses (the address block, /24 or /64, of an earlier login) is worth more than a
provider, which millions share, attackers' residential proxies among them. A device first seen on a
risky login stays on probation for a while: a relayed one-time code proves little.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from enum import StrEnum


class Familiarity(StrEnum):
    KNOWN = "known"  # a device the account logged in with before
    ON_PROBATION = "on_probation"  # known, but first seen on a risky login not long ago
    COOKIE_MISSING = "cookie_missing"  # no known device id, but a known browser from a known place
    KNOWN_PLACE = "known_place"  # a new device from a place the customer uses
    NO_HISTORY = "no_history"  # the account never logged in: nothing to compare
    UNKNOWN = "unknown"  # a new device from elsewhere


def familiarity(
    device_id: str | None,
    devices: Container[str],
    *,
    block: str | None = None,
    blocks: Container[str] = (),
    user_agent: str = "",
    user_agents: Container[str] = (),
    history: bool = True,
    probation: Mapping[str, float] | None = None,
    now: float = 0.0,
    probation_seconds: float = 3 * 86400.0,
) -> Familiarity:
    """Classify one login's device.

    >>> familiarity("d1", {"d1"}), familiarity("d2", {"d1"}, block="b", blocks={"b"})
    (<Familiarity.KNOWN: 'known'>, <Familiarity.KNOWN_PLACE: 'known_place'>)
    """
    if device_id and device_id in devices:
        first_risky = (probation or {}).get(device_id)
        if first_risky is not None and now - first_risky < probation_seconds:
            return Familiarity.ON_PROBATION
        return Familiarity.KNOWN
    if not history:
        return Familiarity.NO_HISTORY
    if block is not None and block in blocks:
        return (
            Familiarity.COOKIE_MISSING
            if user_agent and user_agent in user_agents
            else Familiarity.KNOWN_PLACE
        )
    return Familiarity.UNKNOWN


def is_familiar(f: Familiarity) -> bool:
    """A device the account completed a login on (the customer's own)."""
    return f in (Familiarity.KNOWN, Familiarity.ON_PROBATION)
