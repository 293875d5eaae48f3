"""Typed settings: which adapters to use and how the detectors are tuned.

Settings come from a TOML file (`--config`) and a few command-line options; every key is documented
in docs/configuration.md. Bad keys or values are errors that name the key and the fix.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import msgspec

from kozaguard.engine.budget import FrictionSettings


class Settings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    state: str = "memory"
    """Where engine state lives: `memory`, or `sqlite:PATH` (one file, embedded)."""
    flush_every: int = 20_000
    """Events between two writes of changed state to durable storage."""
    detectors: dict[str, dict[str, float | int | str | bool]] = msgspec.field(default_factory=dict)
    """Per-detector keyword settings, e.g. `[detectors.lockout] max_failures = 5`."""
    friction: FrictionSettings = msgspec.field(default_factory=FrictionSettings)
    """The friction budget, e.g. `[friction] action_stops_per_1000 = 0.5` (docs/configuration.md)."""


class ConfigError(ValueError):
    """A settings file or option that cannot be used; the message names the key and the fix."""


def load_settings(path: str | Path | None = None, **overrides: object) -> Settings:
    """Settings from a TOML file (optional) with command-line overrides on top."""
    data: dict = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise ConfigError(f"{path}: cannot read settings: {err}") from None
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return msgspec.convert(data, Settings)
    except msgspec.ValidationError as err:
        raise ConfigError(f"{path or 'settings'}: {err}; see docs/configuration.md") from None
