"""The one place the identity service's adapters are chosen from settings."""

from __future__ import annotations

from dataclasses import replace

from kozaguard.account_security.stuffing import Source
from kozaguard.adapters.notify import make_notifier
from kozaguard.apikeys import ApiKeys
from kozaguard.apikeys.store import open_store
from kozaguard.bootstrap import build_engine
from kozaguard.config import Settings as EngineSettings
from kozaguard.engine.detectors.credential_stuffing import source_of
from kozaguard.engine.door import EngineDoor
from kozaguard.engine.network import ip_info
from kozaguard.entrypoints.api.settings import Settings
from kozaguard.identity.ratelimit import LoginRateLimiter
from kozaguard.identity.sealed import SecretBox
from kozaguard.identity.service import IdentityService, plain_source
from kozaguard.identity.sqlite_store import SqliteIdentityStore
from kozaguard.identity.store import IdentityStore, MemoryIdentityStore
from kozaguard.staff.directory import StaffDirectory


def network_source(ip: str) -> Source:
    """The stuffing source of an address with its block and provider (the engine's offline data)."""
    try:
        return source_of(ip, ip_info(ip))
    except ValueError:
        return Source(ip)


def make_store(settings: Settings) -> IdentityStore:
    box = SecretBox.from_file(settings.identity.secret_key_path or settings.db_path.with_name("identity.key"))
    if settings.store == "sqlite":
        return SqliteIdentityStore(settings.db_path, box)
    if settings.store == "memory":
        return MemoryIdentityStore(box)
    raise ValueError(f"store: unknown kind {settings.store!r}; use sqlite or memory")


def staff_directory(settings: Settings) -> StaffDirectory:
    """Staff accounts: the identity service on a store of their own, short sessions, no engine."""
    kind, _, where = settings.staff_store.partition(":")
    box = SecretBox.from_file(settings.identity.secret_key_path or settings.db_path.with_name("identity.key"))
    if kind == "memory":
        store: IdentityStore = MemoryIdentityStore(box)
    elif kind == "sqlite" and where:
        store = SqliteIdentityStore(where, box)
    else:
        raise ValueError(f"staff_db: {settings.staff_store!r}; use sqlite:PATH or memory")
    ident = replace(
        settings.identity,
        session_ttl=settings.staff_session_ttl,
        mfa_at_login=True,
        rate_limits=replace(settings.identity.rate_limits, storage_uri="memory://"),
    )
    notifier = make_notifier(
        settings.notifier,
        outbox_path=settings.outbox_path,
        outbox_key=settings.outbox_key,
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_sender=settings.smtp_sender,
    )
    return StaffDirectory(
        IdentityService(store, notifier, ident, rate_limiter=LoginRateLimiter(ident.rate_limits))
    )


def api_keys(settings: Settings) -> ApiKeys:
    """The API keys the doors check, in the store the settings name."""
    return ApiKeys(open_store(settings.api_key_store))


def engine_door(settings: Settings) -> EngineDoor:
    """The detection engine the API decides events with, on the state the settings name."""
    return EngineDoor(build_engine(EngineSettings(state=settings.engine_state)))


def identity_service(settings: Settings, engine: EngineDoor | None = None) -> IdentityService:
    ident = settings.identity
    return IdentityService(
        make_store(settings),
        make_notifier(
            settings.notifier,
            outbox_path=settings.outbox_path,
            outbox_key=settings.outbox_key,
            smtp_host=settings.smtp_host,
            smtp_port=settings.smtp_port,
            smtp_sender=settings.smtp_sender,
        ),
        ident,
        rate_limiter=LoginRateLimiter(ident.rate_limits),
        source_of=network_source if settings.stuffing_by_asn else plain_source,
        risk_engine=engine,
    )
