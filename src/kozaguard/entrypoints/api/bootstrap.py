"""The one place the identity service's adapters are chosen from settings."""

from __future__ import annotations

from collections.abc import Callable

from kozaguard.adapters.notify import make_notifier
from kozaguard.bootstrap import build_engine
from kozaguard.config import Settings as EngineSettings
from kozaguard.engine.door import EngineDoor
from kozaguard.entrypoints.api.settings import Settings
from kozaguard.identity.ratelimit import LoginRateLimiter
from kozaguard.identity.service import IdentityService
from kozaguard.identity.sqlite_store import SqliteIdentityStore
from kozaguard.identity.store import IdentityStore, MemoryIdentityStore
from kozaguard.identity.stuffing import StuffingDetector


def asn_lookup() -> Callable[[str], str | None]:
    """ASN name of an address from geoip2fast's offline data; None for private addresses."""
    from geoip2fast import GeoIP2Fast

    geo = GeoIP2Fast(geoip2fast_data_file="geoip2fast-asn.dat.gz")

    def asn_of(ip: str) -> str | None:
        try:
            r = geo.lookup(ip)
        except Exception:
            return None
        return None if r.is_private or not r.asn_name else r.asn_name

    return asn_of


def make_store(settings: Settings) -> IdentityStore:
    if settings.store == "sqlite":
        return SqliteIdentityStore(settings.db_path)
    if settings.store == "memory":
        return MemoryIdentityStore()
    raise ValueError(f"store: unknown kind {settings.store!r}; use sqlite or memory")


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
            smtp_host=settings.smtp_host,
            smtp_port=settings.smtp_port,
            smtp_sender=settings.smtp_sender,
        ),
        ident,
        rate_limiter=LoginRateLimiter(ident.rate_limits),
        stuffing=StuffingDetector(ident.stuffing, asn_of=asn_lookup() if settings.stuffing_by_asn else None),
        risk_engine=engine,
    )
