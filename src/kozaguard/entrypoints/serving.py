"""Serving the app: the origins passkeys accept, derived from the served host and port, and uvicorn.

A passkey is signed for the exact origin the browser is on, so the server must know the origins it
is reached at. Set `identity.origins` (and `identity.rp_id`) explicitly behind a proxy or a real
domain; when neither the settings file nor a `KOZAGUARD_IDENTITY_*` variable sets them, `serve`
derives them from `--host` and `--port`: on a loopback or every-interface address both
`http://localhost:PORT` and `http://127.0.0.1:PORT` (the RP ID stays `localhost`: browsers accept no
passkey on a bare IP address, and the page says so in Japanese), on a host name `http://HOST:PORT`
with that host as the RP ID.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

import msgspec

from kozaguard.config import Settings

_LOCAL = {"localhost", "0.0.0.0", "::", "::1", ""}


def _explicit(config: Path | None, env: Mapping[str, str], key: str) -> bool:
    """Whether the settings file or the environment sets `identity.<key>`."""
    if f"KOZAGUARD_IDENTITY_{key.upper()}" in env:
        return True
    if config is None:
        return False
    try:
        data = tomllib.loads(Path(config).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return False  # load_settings already said what is wrong with it
    return key in data.get("identity", {})


def _is_loopback(host: str) -> bool:
    if host in _LOCAL:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def derived_origins(host: str, port: int) -> tuple[str, tuple[str, ...]]:
    """(RP ID, origins) for a server on host:port.

    >>> derived_origins("127.0.0.1", 8123)
    ('localhost', ('http://localhost:8123', 'http://127.0.0.1:8123'))
    >>> derived_origins("broker.example", 8443)
    ('broker.example', ('http://broker.example:8443',))
    """
    if _is_loopback(host):
        return "localhost", (f"http://localhost:{port}", f"http://127.0.0.1:{port}")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host.lower(), (f"http://{host.lower()}:{port}",)
    shown = f"[{ip}]" if ip.version == 6 else str(ip)
    return "localhost", (f"http://{shown}:{port}",)


def served_settings(
    settings: Settings, host: str, port: int, config: Path | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """`settings` with the origins (and RP ID) of host:port, unless they were set explicitly."""
    env = os.environ if env is None else env
    rp_id, origins = derived_origins(host, port)
    identity = settings.identity
    if not _explicit(config, env, "origins"):
        identity = msgspec.structs.replace(identity, origins=origins)
    if not _explicit(config, env, "rp_id"):
        identity = msgspec.structs.replace(identity, rp_id=rp_id)
    return msgspec.structs.replace(settings, identity=identity)


def warm_up() -> None:
    """Load what the first requests would otherwise wait for: the offline address data (≈ 0.2 s)."""
    from kozaguard.engine.network import ip_info

    ip_info("8.8.8.8")


def run(app, host: str, port: int, *, log_level: str = "info") -> None:
    """Serve `app` with uvicorn, logs as JSON lines (forwarded headers: only from trusted proxies)."""
    import gc

    import uvicorn

    from kozaguard.entrypoints.api.ops import json_log_config

    warm_up()
    # what start-up built (the app, its stores, the address data, imported modules) lives as long as
    # the process: out of the collector's sight, a full collection no longer walks it
    gc.collect()
    gc.freeze()
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=False,  # the app reads forwarded headers, from http.trusted_proxies only
        http="httptools",  # C parsers and event loop: about a fifth of the CPU per request saved
        loop="uvloop",
        log_config=json_log_config(log_level),
        access_log=True,
    )
