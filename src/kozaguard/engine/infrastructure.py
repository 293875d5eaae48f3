"""Clients and places that doubtful logins of unrelated accounts share within hours.

Attackers run many hijacked accounts from the same few servers, proxies and browsers in one sitting;
a customer's new phone or new line belongs to him alone (a family shares a home address, so it takes
several accounts). Only doubtful logins are recorded (a device or an address block new to the
account), and the clients found driving another client's session (a stolen cookie), so customers'
everyday logins from home never make a place look shared.

>>> from kozaguard.adapters.memory import memory_state
>>> infra, state = SharedInfrastructure(), memory_state()
>>> for i, acct in enumerate(["a", "b", "c"]):
...     infra.record(state, ("ip:1.2.3.4",), acct, 60.0 * i)
>>> infra.others(state, ("ip:1.2.3.4", "device:x"), "d", 300.0)
3
>>> infra.others(state, ("ip:1.2.3.4",), "d", 7 * 3600.0)
0
"""

from __future__ import annotations

from collections.abc import Iterable

from kozaguard.engine.network import address_block
from kozaguard.engine.state import State

_PREFIX = "infra:"
_KEEP = 32


def login_keys(ip: str, device_id: str | None, user_agent: str) -> tuple[str, ...]:
    """What a login shares with other logins: its address, its block with its browser, its device."""
    keys = ["ip:" + ip, "place:" + address_block(ip) + "|" + user_agent]
    if device_id:
        keys.append("device:" + device_id)
    return tuple(keys)


class SharedInfrastructure:
    """Which other accounts' doubtful logins used the same keys within `window_hours`."""

    def __init__(self, window_hours: float = 6.0) -> None:
        self.window = window_hours * 3600

    def others(self, state: State, keys: Iterable[str], account_id: str, now: float) -> int:
        """Distinct other accounts seen on any of `keys` within the window (reads only)."""
        seen: set[str] = set()
        for key in keys:
            for when, acct in state.watch.get(_PREFIX + key) or ():
                if acct != account_id and now - when <= self.window:
                    seen.add(acct)
        return len(seen)

    def record(self, state: State, keys: Iterable[str], account_id: str, now: float) -> None:
        """Note a doubtful login of `account_id` on `keys`."""
        for key in keys:
            entries = [e for e in state.watch.get(_PREFIX + key) or () if now - e[0] <= self.window]
            entries = [e for e in entries if e[1] != account_id][-_KEEP:]
            entries.append([now, account_id])
            state.watch.put(_PREFIX + key, entries)
