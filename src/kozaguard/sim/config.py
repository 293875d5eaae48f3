"""Every knob of the simulator, with defaults, validation and TOML loading.

Defaults give a run of a few thousand customers over a few trading days that finishes in seconds.
A bad value raises `ConfigError` naming the key and what to write instead.

>>> SimConfig().customers, SimConfig().days, SimConfig().warmup_days
(2000, 24, 20)
>>> SimConfig(days=8).warmup_days  # without a value: all days but the last four, at most 20
4
>>> parse_mix("password=0.3,otp_relay=0.5,session=0.2", "capability_mix", CAPABILITIES)
{'password': 0.3, 'otp_relay': 0.5, 'session': 0.2}
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import msgspec

from kozaguard.sim.rollout import Rollout

WARMUP_DAYS = 20
CAPABILITIES = ("password", "otp_relay", "session")
HABITS = ("long_term", "nisa", "active_trader", "small_cap_speculator", "foreign_investor")
FACTOR_CHOICES = ("none", "email_otp", "sms", "totp", "passkey")


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message names the key and the fix."""


class SimConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Simulator settings. Every key can be set in the TOML file given to `--config`."""

    customers: int = 2000
    days: int = 24
    seed: int = 1
    start_date: str = "2025-04-07"
    warmup_days: int | None = None  # resolved in __post_init__: never None afterwards
    quiet_days: int = 1
    attack_rate: float = 1.0
    capability_mix: dict[str, float] = msgspec.field(
        default_factory=lambda: {"password": 0.3, "otp_relay": 0.5, "session": 0.2}
    )
    victims_per_campaign: tuple[int, int] = (3, 10)
    phished_fraction: float = 0.03
    passkey_victims: str = "session"
    email_change_first: float = 0.3
    bank_change_withdrawal: float = 0.08
    margin_use: float = 0.7
    limit_markup: tuple[float, float] = (0.05, 0.30)
    pump_peak: tuple[float, float] = (0.20, 0.45)
    pump_volume_x: tuple[float, float] = (80.0, 300.0)
    pump_minutes: tuple[int, int] = (45, 150)
    crews: int = 3
    victim_report_rate: float = 0.75
    phishing_report_rate: float = 0.2
    habit_mix: dict[str, float] = msgspec.field(
        default_factory=lambda: {
            "long_term": 0.34,
            "nisa": 0.26,
            "active_trader": 0.10,
            "small_cap_speculator": 0.12,
            "foreign_investor": 0.18,
        }
    )
    factor_mix: dict[str, float] = msgspec.field(
        default_factory=lambda: {"none": 0.30, "email_otp": 0.32, "sms": 0.16, "totp": 0.10, "passkey": 0.12}
    )
    hard_cases_per_day: float = 1.0
    news_movers_per_day: int = 3
    typo_rate: float = 0.03
    vpn_share: float = 0.04
    travel_rate: float = 0.002
    new_device_rate: float = 0.003
    factor_change_rate: float = 0.002
    quote_sample: int = 150
    broker_domain: str = "sbisec.co.jp"
    #: A policy rollout (kozaguard.sim.rollout): absent, the stream is unchanged byte for byte.
    rollout: Rollout | None = None

    def __post_init__(self) -> None:
        """A month of history (20 trading days) before the first attack, as a broker's engine has
        from years of logins; fewer when the run is short, so that three attack days remain."""
        if self.warmup_days is None:
            self.warmup_days = max(0, min(WARMUP_DAYS, self.days - self.quiet_days - 3))

    @property
    def start(self) -> date:
        return date.fromisoformat(self.start_date)


def _fail(key: str, problem: str, fix: str) -> ConfigError:
    return ConfigError(f"config key `{key}`: {problem}; {fix}")


def parse_mix(text: str, key: str, allowed: tuple[str, ...]) -> dict[str, float]:
    """`name=weight,...` as a dict, checking names against `allowed`."""
    mix: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep:
            raise _fail(key, f"{part!r} has no weight", f"write name=weight, e.g. {allowed[0]}=0.5")
        try:
            mix[name.strip()] = float(value)
        except ValueError:
            raise _fail(key, f"weight {value!r} of {name!r} is not a number", "write e.g. 0.3") from None
    return mix


def _check_mix(key: str, mix: dict[str, float], allowed: tuple[str, ...]) -> None:
    for name, weight in mix.items():
        if name not in allowed:
            raise _fail(key, f"unknown name {name!r}", f"use only {', '.join(allowed)}")
        if weight < 0:
            raise _fail(key, f"weight of {name!r} is negative", "weights must be >= 0")
    if sum(mix.values()) <= 0:
        raise _fail(key, "all weights are zero", "give at least one a positive weight")


def _check_range(key: str, pair: tuple[float, float], low: float, high: float) -> None:
    a, b = pair
    if not (low <= a <= b <= high):
        raise _fail(key, f"[{a}, {b}] is not an increasing range within [{low}, {high}]", "write [min, max]")


def validate(cfg: SimConfig) -> SimConfig:
    """Check every value; return `cfg` or raise `ConfigError`."""
    from kozaguard.sim.calendar import trading_days

    if cfg.customers < 20:
        raise _fail("customers", f"{cfg.customers} is too few", "simulate at least 20 customers")
    if cfg.days < 1:
        raise _fail("days", f"{cfg.days}", "simulate at least 1 trading day")
    if not 0 <= cfg.warmup_days < cfg.days:
        raise _fail(
            "warmup_days",
            f"{cfg.warmup_days} with days={cfg.days}",
            "keep 0 <= warmup_days < days so that some days have attacks",
        )
    if cfg.quiet_days < 0 or cfg.warmup_days + cfg.quiet_days >= cfg.days:
        raise _fail(
            "quiet_days",
            f"{cfg.quiet_days} with warmup_days={cfg.warmup_days} and days={cfg.days}",
            "keep 0 <= quiet_days and warmup_days + quiet_days < days so that some days have attacks",
        )
    try:
        start = cfg.start
    except ValueError:
        raise _fail("start_date", f"{cfg.start_date!r} is not a date", "write YYYY-MM-DD") from None
    try:
        trading_days(start, cfg.days)
    except ValueError as err:
        raise _fail("start_date", str(err), "the calendar covers 2024-2026") from None
    if cfg.attack_rate < 0:
        raise _fail("attack_rate", "negative", "campaigns per attack day must be >= 0")
    _check_mix("capability_mix", cfg.capability_mix, CAPABILITIES)
    _check_mix("habit_mix", cfg.habit_mix, HABITS)
    _check_mix("factor_mix", cfg.factor_mix, FACTOR_CHOICES)
    if cfg.passkey_victims not in ("session", "attempt"):
        raise _fail("passkey_victims", repr(cfg.passkey_victims), "write 'session' or 'attempt'")
    v0, v1 = cfg.victims_per_campaign
    if not 1 <= v0 <= v1:
        raise _fail("victims_per_campaign", f"[{v0}, {v1}]", "write [min, max] with 1 <= min <= max")
    for key in (
        "phished_fraction",
        "email_change_first",
        "bank_change_withdrawal",
        "margin_use",
        "victim_report_rate",
        "phishing_report_rate",
        "typo_rate",
        "vpn_share",
        "travel_rate",
        "new_device_rate",
        "factor_change_rate",
    ):
        value = getattr(cfg, key)
        if not 0 <= value <= 1:
            raise _fail(key, f"{value} is not a probability", "write a number between 0 and 1")
    _check_range("limit_markup", cfg.limit_markup, 0.0, 2.0)
    _check_range("pump_peak", cfg.pump_peak, 0.0, 3.0)
    _check_range("pump_volume_x", cfg.pump_volume_x, 1.0, 10_000.0)
    _check_range("pump_minutes", cfg.pump_minutes, 5, 200)
    if cfg.crews < 1:
        raise _fail("crews", f"{cfg.crews}", "need at least 1 attacker crew")
    if cfg.hard_cases_per_day < 0 or cfg.news_movers_per_day < 0 or cfg.quote_sample < 0:
        raise _fail("hard_cases_per_day/news_movers_per_day/quote_sample", "negative", "use numbers >= 0")
    if cfg.rollout is not None:
        _check_rollout(cfg)
    if "." not in cfg.broker_domain:
        raise _fail("broker_domain", repr(cfg.broker_domain), "write the broker's domain, e.g. sbisec.co.jp")
    return cfg


def _check_rollout(cfg: SimConfig) -> None:
    from kozaguard.sim.calendar import trading_days

    r = cfg.rollout
    try:
        day = date.fromisoformat(r.date)
    except ValueError:
        raise _fail("rollout.date", f"{r.date!r} is not a date", "write YYYY-MM-DD") from None
    days = trading_days(cfg.start, cfg.days)
    if not days[0] < day <= days[-1]:
        raise _fail(
            "rollout.date",
            f"{r.date} is outside the run ({days[0]} to {days[-1]})",
            "pick a day inside the run, after its first, so there is a before and an after",
        )
    if r.grace_days < 0:
        raise _fail("rollout.grace_days", f"{r.grace_days}", "write a whole number of days >= 0")
    for key in ("voluntary", "passkey_share"):
        value = getattr(r, key)
        if not 0 <= value <= 1:
            raise _fail(f"rollout.{key}", f"{value} is not a probability", "write a number between 0 and 1")


def load(path: Path | None, overrides: dict[str, Any]) -> SimConfig:
    """Read the TOML file (if any), apply command-line `overrides` (None values ignored), validate."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {path} does not exist; check the --config path") from None
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{path}: not valid TOML ({err})") from None
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        cfg = msgspec.convert(data, SimConfig)
    except msgspec.ValidationError as err:
        msg = str(err)
        field = msg.rpartition("`$.")[2].rstrip("`") if "`$." in msg else None
        if "unknown field" in msg:
            raise ConfigError(
                f"{path or 'options'}: {msg}; see docs/simulator.md for the keys this version knows"
            ) from None
        raise ConfigError(f"config key `{field}`: {msg}; see docs/simulator.md for its type") from None
    return validate(cfg)
