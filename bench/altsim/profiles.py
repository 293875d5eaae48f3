"""Named profiles: each one moves a few knobs away from the default brokerage."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Knobs:
    bar_share: float = 0.7  # symbols that get a daily market.bar
    quote_share: float = 0.85  # symbols that get intraday quotes at all
    quote_mult: float = 1.0
    closing_quote: bool = True  # one quote per symbol near the last close
    fx_per_day: int = 5
    null_device: float = 0.04  # customer sessions whose client sends no device id
    cookie_clear: float = 0.03  # web sessions that start with a fresh cookie
    typo: float = 0.03  # logins preceded by a wrong password
    ua_upgrade: float = 0.04  # sessions on which a browser has updated itself
    phone_share: float = 0.45  # customers whose main device is a phone
    ip_switch: float = 0.02  # chance per in-session action that a phone changes network
    v6_share: float = 0.2  # home lines on IPv6
    travel_share: float = 0.012
    attack_rate: float = 0.001  # takeovers per customer per trading day
    weekend_mult: float = 0.45


PROFILES = {
    "default": Knobs(),
    "sparse": Knobs(bar_share=0.0, quote_share=0.3, quote_mult=0.35, fx_per_day=1),
    "noisy": Knobs(
        null_device=0.30, cookie_clear=0.35, typo=0.08, ua_upgrade=0.2, v6_share=0.3, travel_share=0.03
    ),
    "mobile": Knobs(phone_share=0.85, ip_switch=0.35, v6_share=0.3),
}


def knobs(name: str, **over) -> Knobs:
    if name not in PROFILES:
        raise SystemExit(f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}")
    return replace(PROFILES[name], **over)
