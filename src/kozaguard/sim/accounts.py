"""A brokerage account as the simulator tracks it: who holds it, how they log in, cash and holdings."""

from __future__ import annotations

from dataclasses import dataclass, field

from kozaguard.sim.devices import Device


@dataclass(slots=True)
class Holding:
    qty: float
    avg_cost: float


@dataclass(slots=True)
class Account:
    """State of one account. `habit` drives the owner's behaviour; attackers only change the state."""

    account_id: str
    habit: str
    birth_year: int
    prefecture: str
    margin_enabled: bool
    foreign_enabled: bool
    factors: list[str]
    cash: float
    positions: dict[str, Holding]
    devices: list[Device]
    home_ip: str
    home_net: int  # index into Networks.jp_home
    login_rate: float  # chance of logging in on a given day
    vpn: bool = False
    bank_account_id: str = ""
    travel_until: int = -1  # day index; abroad while day <= travel_until
    travel_country: str = ""
    last_session: tuple[str, int, Device, str] | None = None  # (session_id, ms, device, ip)
    compromised: bool = False  # owner stops trading once an attacker has taken over
    own_of_campaign: str | None = None  # set on an attacker's own account
    tags: list[str] = field(default_factory=list)

    def holdings_value(self, prices: dict[str, float]) -> float:
        return sum(h.qty * prices.get(s, h.avg_cost) for s, h in self.positions.items())
