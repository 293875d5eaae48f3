"""Customers' phones and computers, and the user agents they send, which age as browsers update.

A device keeps its id (the app's install id or the browser's cookie) until the customer replaces
it, clears cookies, or Safari's tracking prevention drops a cookie unused for a week.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

APP = "MiraiTrade"  # the broker's own app
APP_RELEASES = ((date(2025, 1, 20), "6.8.2"), (date(2025, 3, 10), "6.9.0"), (date(2025, 4, 14), "7.0.1"))
CHROME = ((date(2025, 1, 14), 132), (date(2025, 2, 4), 133), (date(2025, 3, 4), 134), (date(2025, 4, 1), 135))
IOS = ((date(2025, 1, 27), "18_3"), (date(2025, 3, 11), "18_3_2"), (date(2025, 3, 31), "18_4"))
FIREFOX = ((date(2025, 2, 4), 135), (date(2025, 3, 4), 136), (date(2025, 4, 1), 137))
IPHONES = ("iPhone14,7", "iPhone15,2", "iPhone15,4", "iPhone16,1", "iPhone17,3", "iPhone13,2")
ANDROIDS = (  # what is sold in Japan: Xperia, AQUOS, Galaxy, Pixel, arrows, OPPO
    ("SO-51D", "14"),
    ("SH-53C", "13"),
    ("A201SH", "14"),
    ("SC-51E", "14"),
    ("Pixel 8", "15"),
    ("Pixel 7a", "14"),
    ("F-52B", "13"),
    ("CPH2557", "14"),
    ("SOG13", "14"),
)


def _release(table: tuple, day: date):
    """The newest release of a table on or before `day` (the first one before the table starts)."""
    current = table[0][1]
    for when, version in table:
        if when <= day:
            current = version
    return current


@dataclass
class Device:
    """One phone app install or one browser on one machine."""

    kind: str  # iphone_app, android_app, iphone_web, android_web, win_chrome, win_edge, mac_safari, ...
    device_id: str | None
    model: str
    os_version: str
    lag_days: int  # how long its owner waits before updating
    cookie_days: int | None = None  # Safari drops cookies unused this long
    last_used: date | None = None
    session_hours: float = 1.0  # how long a sign-in lasts: days for an app that stays signed in

    @property
    def channel(self) -> str:
        return "app" if self.kind.endswith("_app") else "web"

    @property
    def mobile(self) -> bool:
        return self.kind.startswith(("iphone", "android"))

    def user_agent(self, day: date) -> str:
        seen = date.fromordinal(day.toordinal() - self.lag_days)
        chrome = _release(CHROME, seen)
        if self.kind == "iphone_app":
            ios = _release(IOS, seen).replace("_", ".")
            return f"{APP}/{_release(APP_RELEASES, seen)} (iOS {ios}; {self.model}; ja-JP)"
        if self.kind == "android_app":
            return f"{APP}/{_release(APP_RELEASES, seen)} (Android {self.os_version}; {self.model}; ja-JP)"
        if self.kind == "iphone_web":
            ios = _release(IOS, seen)
            short = ios.rsplit("_", 1)[0] if ios.count("_") > 1 else ios
            return (
                f"Mozilla/5.0 (iPhone; CPU iPhone OS {ios} like Mac OS X) AppleWebKit/605.1.15 "
                f"(KHTML, like Gecko) Version/{short.replace('_', '.')} Mobile/15E148 Safari/604.1"
            )
        if self.kind == "android_web":
            return (
                f"Mozilla/5.0 (Linux; Android {self.os_version}; K) AppleWebKit/537.36 (KHTML, like Gecko) "
                f"Chrome/{chrome}.0.0.0 Mobile Safari/537.36"
            )
        if self.kind == "win_chrome":
            return (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                f"Chrome/{chrome}.0.0.0 Safari/537.36"
            )
        if self.kind == "win_edge":
            return (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                f"Chrome/{chrome}.0.0.0 Safari/537.36 Edg/{chrome}.0.0.0"
            )
        if self.kind == "mac_safari":
            return (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                f"Version/18.{3 if seen < date(2025, 3, 31) else 4} Safari/605.1.15"
            )
        ff = _release(FIREFOX, seen)
        return f"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{ff}.0) Gecko/20100101 Firefox/{ff}.0"


def new_id(rng: random.Random, kind: str) -> str:
    """An app install id (UUID form) or a browser cookie."""
    if kind.endswith("_app"):
        h = f"{rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}".upper()
    return "mt_" + f"{rng.getrandbits(96):024x}"


def make(rng: random.Random, kind: str) -> Device:
    if kind.startswith("iphone"):
        model, osv = rng.choice(IPHONES), "18"
    elif kind.startswith("android"):
        model, osv = rng.choice(ANDROIDS)
    else:
        model, osv = "PC", ""
    lag = int(rng.expovariate(1 / 12))
    cookie = 7 if kind in ("iphone_web", "mac_safari") else None
    # half the app users stay signed in for days; the others unlock with a fingerprint: a new login
    hours = rng.choice((72.0, 120.0)) if kind.endswith("_app") and rng.random() < 0.5 else 1.0
    return Device(kind, new_id(rng, kind), model, osv, lag, cookie, session_hours=hours)


def phone(rng: random.Random, older: bool) -> Device:
    """A customer's phone: iPhone for half of Japan, the app more often than the mobile site."""
    ios = rng.random() < 0.55
    app = rng.random() < (0.55 if older else 0.8)
    return make(rng, ("iphone" if ios else "android") + ("_app" if app else "_web"))


def computer(rng: random.Random) -> Device:
    kind = rng.choices(("win_chrome", "win_edge", "mac_safari", "win_firefox"), weights=(50, 25, 18, 7))[0]
    return make(rng, kind)
