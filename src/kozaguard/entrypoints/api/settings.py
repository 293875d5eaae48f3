"""Settings of the HTTP app: where data lives, which adapters run, and the identity policy."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from kozaguard.identity.ratelimit import RateLimitPolicy
from kozaguard.identity.settings import IdentitySettings


@dataclass(frozen=True)
class Settings:
    """`store`: sqlite (default, file at `db_path`) or memory.

    `notifier`: outbox (sealed codes) | dev-outbox (clear, development) | memory | smtp.
    """

    identity: IdentitySettings = field(default_factory=IdentitySettings)
    store: str = "sqlite"
    db_path: Path = Path("var/identity.sqlite")
    notifier: str = "outbox"
    outbox_path: Path = Path("var/outbox.jsonl")
    #: Fernet key sealing one-time codes in the outbox (notifier `outbox`); empty withholds them.
    outbox_key: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_sender: str = "no-reply@localhost"
    #: Group stuffing failures by ASN too (geoip2fast's offline ASN data; about 0.4 s to load).
    stuffing_by_asn: bool = True
    #: Detection engine state for `/v1/events` and risk-based login: memory or sqlite:PATH.
    engine_state: str = "memory"
    #: Staff accounts (identity store of their own): sqlite:PATH or memory; empty follows `store`.
    staff_db: str = ""
    #: A staff session ends this long after login (then password and TOTP again).
    staff_session_ttl: timedelta = timedelta(hours=1)
    #: What the console shows: held actions, restrictions, account activity (SQLite); empty: beside db_path.
    console_db: str = ""
    #: HTTP limits (docs/security.md): one request body, one event, a batch in bytes and in events.
    max_body_bytes: int = 1 << 20
    max_event_bytes: int = 1 << 20
    max_batch_bytes: int = 8 << 20
    max_batch_events: int = 1000
    max_json_depth: int = 32
    #: How far a live event's `ts` may be from the server clock (`events:backfill` keys are exempt).
    event_clock_skew: timedelta = timedelta(minutes=5)
    #: Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or networks).
    trusted_proxies: tuple[str, ...] = ()
    #: API keys: memory or sqlite:PATH; empty follows `store` (memory, or apikeys.sqlite beside db_path).
    api_keys: str = ""
    #: Cases database: sqlite:PATH or a PostgreSQL URL; empty is cases.sqlite beside db_path.
    cases_db: str = ""

    @property
    def api_key_store(self) -> str:
        if self.api_keys:
            return self.api_keys
        return "memory" if self.store == "memory" else f"sqlite:{self.db_path.with_name('apikeys.sqlite')}"

    @property
    def staff_store(self) -> str:
        if self.staff_db:
            return self.staff_db
        return "memory" if self.store == "memory" else f"sqlite:{self.db_path.with_name('staff.sqlite')}"

    @property
    def console_store(self) -> str:
        if self.console_db:
            return self.console_db
        return ":memory:" if self.store == "memory" else str(self.db_path.with_name("console.sqlite"))

    @property
    def cases_store(self) -> str:
        return self.cases_db or f"sqlite:{self.db_path.with_name('cases.sqlite')}"

    @property
    def secure_cookies(self) -> bool:
        return all(o.startswith("https://") for o in self.identity.origins)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        """Read KOZAGUARD_* variables (documented in docs/identity.md) over the defaults."""
        env = dict(os.environ if env is None else env)
        base = cls()
        ident = base.identity

        def get(name: str, default):
            return env.get(f"KOZAGUARD_{name}", default)

        ident = replace(
            ident,
            rp_id=get("RP_ID", ident.rp_id),
            origins=tuple(o for o in get("ORIGINS", ",".join(ident.origins)).split(",") if o),
            totp_issuer=get("TOTP_ISSUER", ident.totp_issuer),
            lock=replace(ident.lock, max_failures=int(get("LOCKOUT_THRESHOLD", ident.lock.max_failures))),
            cooling_off=timedelta(
                hours=float(get("COOLING_OFF_HOURS", ident.cooling_off.total_seconds() / 3600))
            ),
            rate_limits=RateLimitPolicy(
                per_ip=get("RATE_LIMIT_IP", ident.rate_limits.per_ip),
                per_account=get("RATE_LIMIT_ACCOUNT", ident.rate_limits.per_account),
                storage_uri=get("RATE_LIMIT_STORAGE", ident.rate_limits.storage_uri),
            ),
        )
        settings = replace(
            base,
            identity=ident,
            store=get("STORE", base.store),
            db_path=Path(get("DB_PATH", base.db_path)),
            notifier=get("NOTIFIER", base.notifier),
            engine_state=get("ENGINE_STATE", base.engine_state),
            outbox_path=Path(get("OUTBOX_PATH", base.outbox_path)),
            outbox_key=get("OUTBOX_KEY", base.outbox_key),
            smtp_host=get("SMTP_HOST", base.smtp_host),
            smtp_port=int(get("SMTP_PORT", base.smtp_port)),
            smtp_sender=get("SMTP_SENDER", base.smtp_sender),
            staff_db=get("STAFF_DB", base.staff_db),
            staff_session_ttl=timedelta(
                minutes=float(get("STAFF_SESSION_MINUTES", base.staff_session_ttl.total_seconds() / 60))
            ),
            console_db=get("CONSOLE_DB", base.console_db),
            api_keys=get("API_KEYS", base.api_keys),
            cases_db=get("CASES_DB", base.cases_db),
            max_body_bytes=int(get("MAX_BODY_BYTES", base.max_body_bytes)),
            max_event_bytes=int(get("MAX_EVENT_BYTES", base.max_event_bytes)),
            max_batch_bytes=int(get("MAX_BATCH_BYTES", base.max_batch_bytes)),
            max_batch_events=int(get("MAX_BATCH_EVENTS", base.max_batch_events)),
            max_json_depth=int(get("MAX_JSON_DEPTH", base.max_json_depth)),
            event_clock_skew=timedelta(
                seconds=float(get("EVENT_CLOCK_SKEW_SECONDS", base.event_clock_skew.total_seconds()))
            ),
            trusted_proxies=tuple(p for p in get("TRUSTED_PROXIES", "").split(",") if p.strip()),
        )
        return replace(settings, **overrides)
