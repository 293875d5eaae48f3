"""Devices: real user-agent strings from fake-useragent's bundled data, and opaque device ids.

The user-agent list ships inside the fake-useragent package (no network). Sampling is weighted by the
list's market share and driven by our own seeded RNG, so runs are reproducible. Customers and attackers
draw from the same list with the same id format: a device says nothing about who holds it.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
from dataclasses import dataclass
from importlib import resources


@dataclass(slots=True)
class Device:
    device_id: str
    user_agent: str
    kind: str  # desktop | mobile | tablet
    channel: str  # web | app


class UserAgents:
    """Weighted samplers of real user-agent strings by device kind."""

    def __init__(self) -> None:
        path = resources.files("fake_useragent").joinpath("data/browsers.jsonl")
        by_kind: dict[str, list[tuple[str, float]]] = {"desktop": [], "mobile": [], "tablet": []}
        with path.open(encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                if row.get("type") in by_kind:
                    by_kind[row["type"]].append((row["useragent"], float(row.get("percent") or 0.01)))
        self._uas = {k: [u for u, _ in v] for k, v in by_kind.items()}
        self._cum = {k: list(itertools.accumulate(w for _, w in v)) for k, v in by_kind.items()}

    def sample(self, rng: random.Random, kind: str) -> str:
        cum = self._cum[kind]
        return self._uas[kind][bisect.bisect_left(cum, rng.random() * cum[-1])]


def new_device_id(rng: random.Random) -> str:
    """A UUID-shaped cookie or app-install id."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


def new_session_id(rng: random.Random) -> str:
    """A session token as a web framework would issue it."""
    return f"{rng.getrandbits(96):024x}"


def new_device(rng: random.Random, uas: UserAgents, kind: str, app_share: float = 0.6) -> Device:
    channel = "app" if kind != "desktop" and rng.random() < app_share else "web"
    return Device(new_device_id(rng), uas.sample(rng, kind), kind, channel)
