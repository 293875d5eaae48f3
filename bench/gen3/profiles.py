"""Named configurations: the same world with other customers, another broker or other crews."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Profile:
    name: str
    # the broker
    fees: str = "zero"  # zero (domestic trades free, as at the big online brokers since 2023) | standard
    universe: dict = field(
        default_factory=lambda: {"core": 30, "large": 50, "mid": 90, "small": 70, "thin": 60, "etf": 8}
    )
    thin_foreign: int = 6
    # the customers
    personas: dict = field(
        default_factory=lambda: {
            "holder": 25,
            "nisa": 20,
            "swing": 17,
            "foreign": 10,
            "retiree": 12,
            "dormant": 13,
            "day_trader": 3,
        }
    )
    factors: dict = field(  # enrolled at opening (spring 2025: many still on a password alone)
        default_factory=lambda: {"none": 34, "email_otp": 26, "sms": 20, "totp": 12, "passkey": 8}
    )
    noise: float = 1.0  # scales customers' unusual-but-innocent life events
    new_accounts: float = 0.0015  # share of customers who open their account during the stream, per day
    # the crews
    campaigns_per_day: float = 1.2
    victims: tuple[int, int] = (4, 18)
    capabilities: dict = field(default_factory=lambda: {"password": 30, "otp_relay": 45, "session": 25})
    infra: dict = field(  # where crews connect from
        default_factory=lambda: {
            "jp_residential": 45,
            "victim_isp": 15,
            "jp_hosting": 15,
            "vpn": 12,
            "abroad": 13,
        }
    )
    slow: float = 0.3  # share of campaigns that take over accounts a day or two before the pump
    email_first: float = 0.45
    cashout: float = 0.15  # victims whose cash is also withdrawn to a new bank account
    report: float = 0.4  # victims who tell the broker within the stream
    stuffing: float = 0.5  # campaigns that also try their credential list on other accounts


PROFILES = {
    "default": Profile("default"),
    "relay-heavy": Profile(
        "relay-heavy",
        factors={"none": 8, "email_otp": 34, "sms": 30, "totp": 18, "passkey": 10},
        capabilities={"password": 10, "otp_relay": 70, "session": 20},
    ),
    "noisy-customers": Profile(
        "noisy-customers",
        noise=3.0,
        new_accounts=0.005,
        personas={
            "holder": 20,
            "nisa": 15,
            "swing": 22,
            "foreign": 14,
            "retiree": 10,
            "dormant": 9,
            "day_trader": 10,
        },
    ),
    "small-broker": Profile(
        "small-broker",
        fees="standard",
        universe={"core": 20, "large": 30, "mid": 40, "small": 40, "thin": 40, "etf": 5},
        thin_foreign=3,
        personas={
            "holder": 32,
            "nisa": 14,
            "swing": 12,
            "foreign": 4,
            "retiree": 24,
            "dormant": 12,
            "day_trader": 2,
        },
        factors={"none": 45, "email_otp": 30, "sms": 15, "totp": 7, "passkey": 3},
        campaigns_per_day=0.8,
        victims=(3, 9),
        slow=0.6,
        infra={"jp_residential": 55, "victim_isp": 25, "jp_hosting": 10, "vpn": 5, "abroad": 5},
    ),
    "stealth": Profile(
        "stealth",
        infra={"jp_residential": 55, "victim_isp": 40, "vpn": 5},
        slow=0.7,
        email_first=0.25,
        stuffing=0.15,
        capabilities={"password": 20, "otp_relay": 45, "session": 35},
    ),
}


def profile(name: str, **overrides) -> Profile:
    if name not in PROFILES:
        raise SystemExit(f"gen3: unknown --profile {name!r}; choose one of: {', '.join(PROFILES)}")
    return replace(PROFILES[name], **overrides)
