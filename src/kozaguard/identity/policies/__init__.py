"""Authentication policy files: the presets shipped with kozaguard and the loader of any file.

A preset models a public announcement of 2025 (each file names its source in a comment); it is a
model to start from, not advice. `load("monex-2025")` reads a preset, `load("/etc/broker.toml")` a
file; both are validated by `account_security.auth_policy.parse` and fail naming the key and fix.
"""

from __future__ import annotations

import tomllib
from importlib import resources

from kozaguard.account_security.auth_policy import Policy, PolicyError, parse

PRESETS = (
    "monex-2025",
    "sbi-2025",
    "rakuten-2025",
    "nomura-2025",
    "matsui-2025",
    "mizuho-2025",
    "jsda-2025-10-15",
)


def preset_text(name: str) -> str:
    if name not in PRESETS:
        raise PolicyError(f"no preset {name!r}; the presets are {', '.join(PRESETS)}, or give a .toml path")
    return resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")


def loads(text: str, where: str) -> Policy:
    """Parse policy TOML text; errors name `where`, the key and the fix."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise PolicyError(f"{where}: not valid TOML ({err}); check quotes and [tables]") from None
    return parse(data, where)


def load(spec: str) -> Policy:
    """A preset by name, or a TOML file by path."""
    if spec in PRESETS:
        return loads(preset_text(spec), f"preset {spec}")
    from pathlib import Path

    path = Path(spec)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(
            f"policy {spec!r}: no such file and no such preset; the presets are {', '.join(PRESETS)}"
        ) from None
    return loads(text, str(path))
