"""The one place adapters are chosen: settings in, a ready engine, stores and services out.

`replay`, `worker` and `serve` all build from here, so a setting means the same to each. No work at
import time: the identity and HTTP adapters are imported only by what builds them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from kozaguard.config import ConfigError, Settings
from kozaguard.engine.budget import Budget
from kozaguard.engine.detectors import default_detectors
from kozaguard.engine.engine import Engine
from kozaguard.engine.policy import Policy
from kozaguard.engine.state import State

if TYPE_CHECKING:
    from kozaguard.account_security.stuffing import Source
    from kozaguard.apikeys import ApiKeys
    from kozaguard.engine.door import EngineDoor
    from kozaguard.identity import settings as identity_settings
    from kozaguard.identity.service import IdentityService
    from kozaguard.identity.store import IdentityStore
    from kozaguard.staff.directory import StaffDirectory


def build_state(spec: str) -> State:
    """`memory`, `sqlite:PATH` or `redis://HOST:PORT/DB?prefix=NAME`."""
    kind, _, where = spec.partition(":")
    if kind == "memory" and not where:
        from kozaguard.adapters.memory import memory_state

        return memory_state()
    if kind == "sqlite" and where:
        from kozaguard.adapters.sqlite import SqliteState

        return SqliteState(where)
    if kind in ("redis", "rediss") and where:
        from kozaguard.adapters.redis_state import RedisState

        try:
            return RedisState.from_url(spec)
        except ConnectionError as err:
            raise ConfigError(str(err)) from None
    raise ConfigError(
        f"engine.state = {spec!r}: use `memory` or `sqlite:PATH` (e.g. sqlite:kozaguard.db), "
        "or redis://HOST:PORT/DB"
    )


def build_engine(settings: Settings, state: State | None = None) -> Engine:
    """An engine with every registered detector, on `state` or else the state the settings name."""
    try:
        detectors = default_detectors(settings.detectors)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"detectors: {err}; see docs/configuration.md") from None
    return Engine(
        state if state is not None else build_state(settings.engine.state),
        detectors,
        policy=Policy(budget=Budget(settings.friction)),
        restriction_expiry_hours=settings.review.restriction_expiry_hours,
    )


# --- the HTTP app's services --------------------------------------------------------------------


def identity_policy(settings: Settings) -> identity_settings.IdentitySettings:
    """The identity service's policy; its lock and stuffing rules are the engine detectors' own."""
    from kozaguard.engine.detectors.credential_stuffing import CredentialStuffing
    from kozaguard.engine.detectors.lockout import Lockout
    from kozaguard.identity.passwords import Argon2Parameters
    from kozaguard.identity.policies import load as load_policy
    from kozaguard.identity.ratelimit import RateLimitPolicy
    from kozaguard.identity.settings import IdentitySettings

    s, detectors = settings.identity, settings.detectors
    a = s.argon2
    return IdentitySettings(
        rp_id=s.rp_id,
        rp_name=s.rp_name,
        origins=tuple(s.origins),
        totp_issuer=s.totp_issuer,
        lock=Lockout(**detectors.get("lockout", {})).policy,
        cooling_off=timedelta(hours=s.cooling_off_hours),
        risky_session=s.risky_session,
        factor_probation=timedelta(hours=s.factor_probation_hours),
        mfa_at_login=s.mfa_at_login,
        step_up_ttl=timedelta(minutes=s.step_up_minutes),
        session_ttl=timedelta(hours=s.session_hours),
        ticket_ttl=timedelta(minutes=s.ticket_minutes),
        argon2=Argon2Parameters(a.time_cost, a.memory_cost_kib, a.parallelism),
        rate_limits=RateLimitPolicy(
            **{k: getattr(s.rate_limits, k) for k in s.rate_limits.__struct_fields__}
        ),
        secret_key_path=Path(s.secret_key_path) if s.secret_key_path else None,
        stuffing=CredentialStuffing(**detectors.get("credential_stuffing", {})).policy,
        policy=load_policy(s.auth_policy) if s.auth_policy else None,
        phone_auth_number=s.phone_auth_number,
        phone_call_window=timedelta(seconds=s.phone_call_window_seconds),
        telephony_secret=s.telephony_secret,
        telephony_skew=timedelta(seconds=s.telephony_skew_seconds),
    )


def network_source(ip: str) -> Source:
    """The stuffing source of an address with its block and provider (the engine's offline data)."""
    from kozaguard.account_security.stuffing import Source
    from kozaguard.engine.detectors.credential_stuffing import source_of
    from kozaguard.engine.network import ip_info

    try:
        return source_of(ip, ip_info(ip))
    except ValueError:
        return Source(ip)


def identity_store(settings: Settings, policy: identity_settings.IdentitySettings) -> IdentityStore:
    from kozaguard.identity.sealed import SecretBox
    from kozaguard.identity.sqlite_store import SqliteIdentityStore
    from kozaguard.identity.store import MemoryIdentityStore

    db_path = Path(settings.http.db_path)
    box = SecretBox.from_file(policy.secret_key_path or db_path.with_name("identity.key"))
    if settings.http.store == "sqlite":
        return SqliteIdentityStore(db_path, box)
    return MemoryIdentityStore(box)


def staff_directory(settings: Settings) -> StaffDirectory:
    """Staff accounts: the identity service on a store of their own, short sessions, no engine."""
    from dataclasses import replace

    from kozaguard.identity.ratelimit import LoginRateLimiter
    from kozaguard.identity.sealed import SecretBox
    from kozaguard.identity.service import IdentityService
    from kozaguard.identity.sqlite_store import SqliteIdentityStore
    from kozaguard.identity.store import MemoryIdentityStore
    from kozaguard.staff.directory import StaffDirectory

    policy = identity_policy(settings)
    kind, _, where = settings.http.staff_store.partition(":")
    box = SecretBox.from_file(policy.secret_key_path or Path(settings.http.db_path).with_name("identity.key"))
    if kind == "memory":
        store: IdentityStore = MemoryIdentityStore(box)
    elif kind == "sqlite" and where:
        store = SqliteIdentityStore(where, box)
    else:
        raise ConfigError(f"http.staff_db = {settings.http.staff_store!r}: use sqlite:PATH or memory")
    ident = replace(
        policy,
        session_ttl=timedelta(minutes=settings.http.staff_session_minutes),
        mfa_at_login=True,
        rate_limits=replace(policy.rate_limits, storage_uri="memory://"),
        policy=None,  # the customers' authentication policy is not the staff's: TOTP or passkey always
    )
    return StaffDirectory(
        IdentityService(store, _notifier(settings), ident, rate_limiter=LoginRateLimiter(ident.rate_limits))
    )


def _notifier(settings: Settings):
    from kozaguard.adapters.notify import make_notifier

    n = settings.notifier
    return make_notifier(
        n.kind,
        outbox_path=Path(n.outbox_path),
        outbox_key=n.outbox_key,
        smtp_host=n.smtp_host,
        smtp_port=n.smtp_port,
        smtp_sender=n.smtp_sender,
    )


def api_keys(settings: Settings) -> ApiKeys:
    """The API keys the doors check, in the store the settings name."""
    from kozaguard.apikeys import ApiKeys
    from kozaguard.apikeys.store import open_store

    return ApiKeys(open_store(settings.http.api_key_store))


def engine_door(settings: Settings) -> EngineDoor:
    """The detection engine the API decides events with, on the state the settings name."""
    from kozaguard.engine.door import EngineDoor

    return EngineDoor(build_engine(settings))


def identity_service(settings: Settings, engine: EngineDoor | None = None) -> IdentityService:
    from kozaguard.identity.ratelimit import LoginRateLimiter
    from kozaguard.identity.service import IdentityService, plain_source

    policy = identity_policy(settings)
    return IdentityService(
        identity_store(settings, policy),
        _notifier(settings),
        policy,
        rate_limiter=LoginRateLimiter(policy.rate_limits),
        source_of=network_source if settings.http.stuffing_by_asn else plain_source,
        risk_engine=engine,
    )
