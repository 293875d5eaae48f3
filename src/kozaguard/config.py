"""One typed configuration for every command: `serve`, `replay` and `worker` read the same settings.

Sources, each over the one before: the defaults, a TOML file (`--config FILE`), environment
variables `KOZAGUARD_<SECTION>_<KEY>` (e.g. `KOZAGUARD_ENGINE_STATE`, `KOZAGUARD_HTTP_MAX_BODY_BYTES`,
`KOZAGUARD_DETECTORS_LOCKOUT_MAX_FAILURES`), then command-line options. Every value is checked when
the settings are loaded, before any event is processed: its type, its range (each detector declares
the limits of its own parameters, `engine/detectors/`), unknown keys (with the nearest known one).
A `ConfigError` names the key, the bad value and the fix. Every key: docs/configuration.md.
"""

from __future__ import annotations

import difflib
import inspect
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints

import msgspec
from msgspec import Meta, Struct, field

from kozaguard.engine.budget import FrictionSettings

DOC = "docs/configuration.md"
ENV = "KOZAGUARD_"


class ConfigError(ValueError):
    """A settings file, variable or option that cannot be used; the message names the key and the fix."""


class _Section(Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    pass


class EngineSection(_Section):
    """`[engine]`: where the engine's state lives and how often it is written."""

    state: str = "memory"
    """`memory`, `sqlite:PATH` (one file, embedded) or `redis://HOST:PORT/DB?prefix=NAME`."""
    flush_every: Annotated[int, Meta(ge=1, le=10_000_000)] = 20_000
    """Events between two writes of changed state (and of a replay's position) to durable storage."""


class ReviewSection(_Section):
    """`[review]`: how staff review shows in a replay, and how long the engine's stops last unreviewed."""

    delay_minutes: Annotated[float, Meta(ge=0, le=10_080)] = 30.0
    """Minutes from a hold to the modelled desk's answer in `replay --review-labels` (bench, evaluation)."""
    restriction_expiry_hours: Annotated[float, Meta(gt=0, le=8_760)] = 48.0
    """Hours after the latest campaign buy at which a symbol restriction the engine imposed lapses."""


class Argon2Section(_Section):
    """`[identity.argon2]`: the password hash's cost (RFC 9106's second recommendation)."""

    time_cost: Annotated[int, Meta(ge=1, le=100)] = 3
    memory_cost_kib: Annotated[int, Meta(ge=1024, le=4 << 20)] = 65536
    parallelism: Annotated[int, Meta(ge=1, le=64)] = 4


class RateLimitSection(_Section):
    """`[identity.rate_limits]`: tries per window, in `limits` notation (`30/minute`, `5/15minutes`)."""

    per_ip: str = "30/minute"
    per_account: str = "10/minute"
    per_block: str = "120/minute"
    per_provider: str = "600/minute"
    passkey_per_ip: str = "30/minute"
    passkey_per_credential: str = "10/minute"
    code_sends: str = "5/15minutes"
    step_ups: str = "20/hour"
    sms_enrolments: str = "3/hour"
    unlocks: str = "10/hour"
    storage_uri: str = "memory://"
    """`memory://` (one process) or `redis://HOST:PORT` (shared by every server)."""


class IdentitySection(_Section):
    """`[identity]`: logins, factors and sessions. The lock and the stuffing counts are the engine's
    `[detectors.lockout]` and `[detectors.credential_stuffing]`: one rule, one setting."""

    rp_id: str = "localhost"
    rp_name: str = "kozaguard 証券"
    origins: tuple[str, ...] = ("http://localhost:8000",)
    totp_issuer: str = "kozaguard"
    cooling_off_hours: Annotated[float, Meta(ge=0, le=24 * 90)] = 72.0
    risky_session: Annotated[float, Meta(ge=0, le=1)] = 0.4
    factor_probation_hours: Annotated[float, Meta(ge=0, le=24 * 90)] = 72.0
    mfa_at_login: bool = True
    step_up_minutes: Annotated[float, Meta(gt=0, le=60)] = 5.0
    session_hours: Annotated[float, Meta(gt=0, le=24 * 30)] = 8.0
    ticket_minutes: Annotated[float, Meta(gt=0, le=60)] = 10.0
    secret_key_path: str = ""
    """The AES-256 key sealing TOTP secrets; empty: `identity.key` beside the identity database."""
    auth_policy: str = ""
    """The authentication policy: a preset name or a TOML file (docs/authentication-policy.md); empty:
    the risk-based rules only."""
    phone_auth_number: str = "0120-000-000"
    """The number customers call for phone-number authentication (電話番号認証)."""
    phone_call_window_seconds: Annotated[float, Meta(gt=0, le=3600)] = 180.0
    telephony_secret: str = ""
    """HMAC secret shared with the carrier's telephony webhook; empty turns the webhook off."""
    telephony_skew_seconds: Annotated[float, Meta(gt=0, le=3600)] = 60.0
    argon2: Argon2Section = field(default_factory=Argon2Section)
    rate_limits: RateLimitSection = field(default_factory=RateLimitSection)


class HttpSection(_Section):
    """`[http]`: the API server's stores, doors and request limits (docs/security.md)."""

    store: Literal["sqlite", "memory"] = "sqlite"
    db_path: str = "var/identity.sqlite"
    api_keys: str = ""
    """API keys: `memory` or `sqlite:PATH`; empty follows `store` (apikeys.sqlite beside db_path)."""
    cases_db: str = ""
    """Cases: `sqlite:PATH` or a PostgreSQL URL; empty is cases.sqlite beside db_path."""
    staff_db: str = ""
    """Staff accounts (an identity store of their own): `sqlite:PATH` or `memory`; empty follows `store`."""
    staff_session_minutes: Annotated[float, Meta(gt=0, le=24 * 60)] = 60.0
    console_db: str = ""
    """What the staff console shows (held actions, restrictions, activity), SQLite; empty: beside db_path."""
    max_body_bytes: Annotated[int, Meta(ge=64, le=1 << 30)] = 1 << 20
    max_event_bytes: Annotated[int, Meta(ge=64, le=1 << 30)] = 1 << 20
    max_batch_bytes: Annotated[int, Meta(ge=64, le=1 << 30)] = 8 << 20
    max_batch_events: Annotated[int, Meta(ge=1, le=1_000_000)] = 1000
    max_json_depth: Annotated[int, Meta(ge=2, le=1000)] = 32
    event_clock_skew_seconds: Annotated[float, Meta(ge=0, le=86_400)] = 300.0
    trusted_proxies: tuple[str, ...] = ()
    stuffing_by_asn: bool = True
    """Group stuffing failures by ASN too (offline ASN data, about 0.4 s to load)."""

    @property
    def api_key_store(self) -> str:
        if self.api_keys:
            return self.api_keys
        return (
            "memory" if self.store == "memory" else f"sqlite:{Path(self.db_path).with_name('apikeys.sqlite')}"
        )

    @property
    def cases_store(self) -> str:
        return self.cases_db or f"sqlite:{Path(self.db_path).with_name('cases.sqlite')}"

    @property
    def staff_store(self) -> str:
        if self.staff_db:
            return self.staff_db
        return (
            "memory" if self.store == "memory" else f"sqlite:{Path(self.db_path).with_name('staff.sqlite')}"
        )

    @property
    def console_store(self) -> str:
        if self.console_db:
            return self.console_db
        return ":memory:" if self.store == "memory" else str(Path(self.db_path).with_name("console.sqlite"))


class NotifierSection(_Section):
    """`[notifier]`: how one-time codes and notices reach customers (docs/security.md)."""

    kind: Literal["outbox", "dev-outbox", "memory", "smtp"] = "outbox"
    outbox_path: str = "var/outbox.jsonl"
    outbox_key: str = ""
    """Fernet key sealing the codes in the outbox; empty withholds them (a warning is logged)."""
    smtp_host: str = "127.0.0.1"
    smtp_port: Annotated[int, Meta(ge=1, le=65535)] = 25
    smtp_sender: str = "no-reply@localhost"


class Settings(_Section):
    """Every setting of every command, by section."""

    engine: EngineSection = field(default_factory=EngineSection)
    detectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per-detector parameters as given (checked against each detector's declared limits)."""
    friction: FrictionSettings = field(default_factory=FrictionSettings)
    review: ReviewSection = field(default_factory=ReviewSection)
    identity: IdentitySection = field(default_factory=IdentitySection)
    http: HttpSection = field(default_factory=HttpSection)
    notifier: NotifierSection = field(default_factory=NotifierSection)

    @property
    def secure_cookies(self) -> bool:
        return all(o.startswith("https://") for o in self.identity.origins)


# --- loading ------------------------------------------------------------------------------------


def load_settings(
    path: str | Path | None = None, *, env: Mapping[str, str] | None = None, **sections: Mapping | None
) -> Settings:
    """Settings from the defaults, a TOML file (optional), `KOZAGUARD_*` variables (`env`, by default
    the process's) and `sections` (command-line options, e.g. `engine={"state": ...}`), in that order.
    Raises `ConfigError` on anything that cannot be used."""
    where = str(path) if path is not None else "settings"
    data: dict = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise ConfigError(f"{path}: cannot read settings: {err}; write TOML, see {DOC}") from None
        _check_keys(data, Settings, "", where)
    from_env = _from_environment(os.environ if env is None else env)
    _merge(data, from_env)
    for name, values in sections.items():
        if values is not None:
            _merge(data, {name: {k: v for k, v in values.items() if v is not None}})
    _check_keys(data, Settings, "", where)
    try:
        settings = msgspec.convert(data, Settings)
    except msgspec.ValidationError as err:
        raise _explain(err, data, where, Settings) from None
    detectors = {name: check_detector(name, values, where) for name, values in settings.detectors.items()}
    for key in RateLimitSection.__struct_fields__:
        value = getattr(settings.identity.rate_limits, key)
        if key != "storage_uri" and not _rate(value):
            raise ConfigError(
                f"{where}: identity.rate_limits.{key} = {value!r}: not a rate; write tries per window "
                f'as `limits` does, e.g. "30/minute" or "5/15minutes" (see {DOC})'
            )
    if settings.identity.auth_policy:
        from kozaguard.account_security.auth_policy import PolicyError
        from kozaguard.identity.policies import load as load_policy

        try:
            load_policy(settings.identity.auth_policy)
        except PolicyError as err:
            raise ConfigError(f"{where}: identity.auth_policy: {err}") from None
    return msgspec.structs.replace(settings, detectors=detectors)


def _rate(text: str) -> bool:
    import limits

    try:
        limits.parse_many(text)
    except ValueError:
        return False
    return True


def check_detector(name: str, values: Mapping[str, Any], where: str = "settings") -> dict[str, Any]:
    """A detector's parameters checked against the types and limits its `__init__` declares."""
    from kozaguard.engine.detectors import REGISTRY

    if name not in REGISTRY:
        raise ConfigError(f"{where}: [detectors.{name}]: no such detector{_near(name, REGISTRY)}; see {DOC}")
    kind = detector_parameters(REGISTRY[name])
    _check_keys(dict(values), kind, f"detectors.{name}.", where)
    try:
        checked = msgspec.convert(dict(values), kind)
    except msgspec.ValidationError as err:
        raise _explain(err, {"detectors": {name: values}}, where, kind, f"detectors.{name}") from None
    given = {k: getattr(checked, k) for k in values}
    try:
        REGISTRY[name](**given)  # the detector's own checks across its parameters
    except ValueError as err:
        shown = ", ".join(f"{k} = {v!r}" for k, v in given.items())
        raise ConfigError(f"{where}: [detectors.{name}] {shown}: {err}; see {DOC}") from None
    return given


_PARAMETERS: dict[type, type] = {}


def detector_parameters(detector: type) -> type:
    """A struct of the detector's keyword parameters: their types, limits (`Meta`) and defaults."""
    kind = _PARAMETERS.get(detector)
    if kind is None:
        hints = get_type_hints(detector.__init__, include_extras=True)
        fields = [
            (p.name, hints.get(p.name, Any), p.default)
            for p in inspect.signature(detector.__init__).parameters.values()
            if p.name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
        kind = _PARAMETERS[detector] = msgspec.defstruct(
            f"{detector.__name__}Settings", fields, kw_only=True, forbid_unknown_fields=True
        )
    return kind


def _merge(into: dict, more: Mapping) -> None:
    for key, value in more.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = dict(value) if isinstance(value, Mapping) else value


def _fields(kind: type) -> dict[str, Any]:
    """The settings keys of a struct type and their types."""
    hints = get_type_hints(kind, include_extras=True)
    return {name: hints[name] for name in kind.__struct_fields__}


def _struct(tp: Any) -> type | None:
    while hasattr(tp, "__metadata__"):  # Annotated
        tp = tp.__origin__
    return tp if isinstance(tp, type) and issubclass(tp, Struct) else None


def _check_keys(data: Mapping, kind: type, prefix: str, where: str) -> None:
    """Unknown keys, with the nearest known key (or the section a top-level key belongs in)."""
    known = _fields(kind)
    for key, value in data.items():
        if key not in known:
            hint = _near(key, known)
            if not hint and not prefix:  # a section's key written at the top (e.g. `state`)
                homes = {
                    k: f"[{name}] {k}"
                    for name, tp in known.items()
                    if (st := _struct(tp))
                    for k in _fields(st)
                }
                close = difflib.get_close_matches(key, list(homes), n=1, cutoff=0.6)
                hint = f" (did you mean `{homes[close[0]]}`?)" if close else ""
            raise ConfigError(f"{where}: unknown key `{prefix}{key}`{hint}; the keys are listed in {DOC}")
        sub = _struct(known[key])
        if sub is not None and isinstance(value, Mapping):
            _check_keys(value, sub, f"{prefix}{key}.", where)


def _near(key: str, known, prefix: str = "") -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean `{prefix}{close[0]}`?)" if close else ""


_AT = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_WORDS = {int: "a whole number", float: "a number", str: "text", bool: "true or false"}


def expected(tp: Any) -> str:
    """What a key takes, in words: its type and its range (`Meta` limits).

    >>> from kozaguard.engine.detector import Count
    >>> expected(Count)
    'a whole number from 1 to 1000000'
    """
    metas = [m for m in getattr(tp, "__metadata__", ()) if isinstance(m, Meta)]
    base = tp.__origin__ if metas else tp
    if get_origin(base) is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(base))
    if get_origin(base) in (tuple, list):
        return f"a list of {_WORDS.get(get_args(base)[0], 'values')}"
    words = _WORDS.get(base, getattr(base, "__name__", str(base)))
    for m in metas:
        if m.ge is not None:
            words += f" from {m.ge} to {m.le}" if m.le is not None else f" of at least {m.ge}"
        elif m.gt is not None:
            words += f" above {m.gt}" + (f", at most {m.le}" if m.le is not None else "")
        elif m.le is not None:
            words += f" of at most {m.le}"
        if m.pattern:
            words += f" matching {m.pattern}"
    return words


def _type_at(kind: type, path: list[str]) -> tuple[Any, Any]:
    """The type and the default of the key at `path` in `kind` (None, None when not a plain key)."""
    tp: Any = kind
    default: Any = None
    for part in path:
        st = _struct(tp)
        if st is None or part not in st.__struct_fields__:
            return None, None
        default = getattr(st(), part)
        tp = _fields(st)[part]
    return tp, default


def _explain(
    err: msgspec.ValidationError, data: Mapping, where: str, kind: type, base: str = ""
) -> ConfigError:
    m = _AT.match(str(err))
    assert m is not None
    path = [p for p in re.split(r"[.\[\]]", (m["path"] or "")) if p]
    key = ".".join([base, *path] if base else path)
    value: Any = data
    for part in key.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    tp, default = _type_at(kind, path)
    fix = f"use {expected(tp)} (default {default!r})" if tp is not None else "fix the value"
    return ConfigError(f"{where}: {key} = {value!r}: {m['msg']}; {fix}, see {DOC}")


# --- environment variables ----------------------------------------------------------------------

_RENAMED = {
    "STORE": "HTTP_STORE",
    "DB_PATH": "HTTP_DB_PATH",
    "API_KEYS": "HTTP_API_KEYS",
    "CASES_DB": "HTTP_CASES_DB",
    "STAFF_DB": "HTTP_STAFF_DB",
    "STAFF_SESSION_MINUTES": "HTTP_STAFF_SESSION_MINUTES",
    "CONSOLE_DB": "HTTP_CONSOLE_DB",
    "TRUSTED_PROXIES": "HTTP_TRUSTED_PROXIES",
    "MAX_BODY_BYTES": "HTTP_MAX_BODY_BYTES",
    "MAX_EVENT_BYTES": "HTTP_MAX_EVENT_BYTES",
    "MAX_BATCH_BYTES": "HTTP_MAX_BATCH_BYTES",
    "MAX_BATCH_EVENTS": "HTTP_MAX_BATCH_EVENTS",
    "MAX_JSON_DEPTH": "HTTP_MAX_JSON_DEPTH",
    "EVENT_CLOCK_SKEW_SECONDS": "HTTP_EVENT_CLOCK_SKEW_SECONDS",
    "NOTIFIER": "NOTIFIER_KIND",
    "SMTP_HOST": "NOTIFIER_SMTP_HOST",
    "SMTP_PORT": "NOTIFIER_SMTP_PORT",
    "SMTP_SENDER": "NOTIFIER_SMTP_SENDER",
    "RP_ID": "IDENTITY_RP_ID",
    "ORIGINS": "IDENTITY_ORIGINS",
    "TOTP_ISSUER": "IDENTITY_TOTP_ISSUER",
    "COOLING_OFF_HOURS": "IDENTITY_COOLING_OFF_HOURS",
    "LOCKOUT_THRESHOLD": "DETECTORS_LOCKOUT_MAX_FAILURES",
    "RATE_LIMIT_IP": "IDENTITY_RATE_LIMITS_PER_IP",
    "RATE_LIMIT_ACCOUNT": "IDENTITY_RATE_LIMITS_PER_ACCOUNT",
    "RATE_LIMIT_STORAGE": "IDENTITY_RATE_LIMITS_STORAGE_URI",
}
"""Variables of earlier versions: refused with their new name, never silently ignored."""


def environment_keys() -> dict[str, tuple[tuple[str, ...], Any]]:
    """Every settings variable (without `KOZAGUARD_`): the path of the key it sets and its type."""
    from kozaguard.engine.detectors import REGISTRY

    out: dict[str, tuple[tuple[str, ...], Any]] = {}

    def walk(kind: type, path: tuple[str, ...]) -> None:
        for name, tp in _fields(kind).items():
            sub = _struct(tp)
            if sub is not None:
                walk(sub, (*path, name))
            elif name != "detectors":
                out["_".join((*path, name)).upper()] = ((*path, name), tp)

    walk(Settings, ())
    for name, detector in REGISTRY.items():
        for key, tp in _fields(detector_parameters(detector)).items():
            out[f"DETECTORS_{name}_{key}".upper()] = (("detectors", name, key), tp)
    return out


_SECTIONS = ("ENGINE_", "DETECTORS_", "FRICTION_", "IDENTITY_", "HTTP_", "NOTIFIER_")


def _from_environment(env: Mapping[str, str]) -> dict:
    """The settings variables of `env` as settings data, each value converted to its key's type."""
    names = [k[len(ENV) :] for k in env if k.startswith(ENV)]
    if not names:
        return {}
    keys = environment_keys()
    data: dict = {}
    for name in sorted(names):
        if name in _RENAMED:
            raise ConfigError(f"{ENV}{name} is now {ENV}{_RENAMED[name]}: rename the variable (see {DOC})")
        if name not in keys:
            if name.startswith(_SECTIONS):  # other KOZAGUARD_* variables are not settings
                raise ConfigError(f"{ENV}{name}: no such setting{_near(name, keys, ENV)}; see {DOC}")
            continue
        path, tp = keys[name]
        text = env[ENV + name]
        value: Any = [v.strip() for v in text.split(",") if v.strip()] if "tuple" in str(tp) else text
        try:
            value = msgspec.convert(value, tp, strict=False)
        except msgspec.ValidationError as err:
            m = _AT.match(str(err))
            assert m is not None
            raise ConfigError(f"{ENV}{name} = {text!r}: {m['msg']}; use {expected(tp)}, see {DOC}") from None
        node = data
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return data
