"""The cases database: SQLite by default (`sqlite:PATH`), PostgreSQL by URL, one schema via Alembic.

`CaseStore.unit()` is a unit of work: one transaction in which a use case reads, changes and writes
its case and appends its audit entry, so both land or neither does. Writers are serialised where
it matters (SQLite `BEGIN IMMEDIATE`; on PostgreSQL the audit head row is locked), and a case row
carries a version so two staff changing one case at once cannot both win.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import datetime
from importlib import resources
from pathlib import Path

from sqlalchemy import create_engine, event, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from kozaguard.audit.chain import GENESIS, Entry, seal
from kozaguard.cases import tables as t
from kozaguard.cases.case import Case, Proposal
from kozaguard.cases.status import Status


class StoreError(ValueError):
    """The database cannot be opened or used; the message says which and how to fix it."""


class Conflict(StoreError):
    """Someone else changed the case in the meantime: reload and try again."""


def db_url(spec: str) -> str:
    """`sqlite:PATH` (the embedded default) or a PostgreSQL URL, as SQLAlchemy wants it.

    >>> db_url("sqlite:out/cases.db"), db_url("postgresql://postgres@127.0.0.1/kg")
    ('sqlite:///out/cases.db', 'postgresql+psycopg://postgres@127.0.0.1/kg')
    """
    if spec.startswith("sqlite:///") or spec.startswith("postgresql+"):
        return spec
    if spec.startswith("sqlite:"):
        path = spec[len("sqlite:") :]
        if not path:
            raise StoreError("--db sqlite: needs a path, e.g. --db sqlite:out/cases.db")
        return f"sqlite:///{path}"
    for prefix in ("postgresql://", "postgres://"):
        if spec.startswith(prefix):
            return "postgresql+psycopg://" + spec[len(prefix) :]
    raise StoreError(f"--db {spec!r}: use sqlite:PATH or postgresql://user@host/dbname")


def _sqlite_engine(url: str) -> Engine:
    path = url[len("sqlite:///") :]
    if path and path != ":memory:" and not Path(path).parent.exists():
        raise StoreError(f"--db {path}: folder {Path(path).parent} does not exist; create it first")
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _connect(dbapi, _record) -> None:  # let SQLAlchemy's BEGIN below be the only one
        dbapi.isolation_level = None
        dbapi.execute("PRAGMA journal_mode=WAL")
        dbapi.execute("PRAGMA busy_timeout=60000")

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # take the write lock up front: no deadlocked upgrades
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class CaseStore:
    """The database behind cases, the audit log, prices and policies."""

    def __init__(self, spec: str) -> None:
        url = db_url(spec)
        self.spec = spec
        self.engine = _sqlite_engine(url) if url.startswith("sqlite") else create_engine(url)
        self.postgres = self.engine.dialect.name == "postgresql"

    def migrate(self) -> None:
        """Bring the schema to the latest revision (creates it in a new database)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(resources.files("kozaguard.cases") / "migrations"))
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if conn.execute(select(t.meta.c.value).where(t.meta.c.key == "audit_head")).first() is None:
                    conn.execute(t.meta.insert().values(key="audit_head", value=f"0:{GENESIS}"))
        except OperationalError as err:
            raise StoreError(f"--db {self.spec}: cannot open the database ({err.orig}); check it") from None

    @contextlib.contextmanager
    def unit(self) -> Iterator[Unit]:
        """One transaction: everything inside lands together, or nothing does."""
        try:
            with self.engine.begin() as conn:
                yield Unit(conn, self.postgres)
        except OperationalError as err:
            raise StoreError(f"--db {self.spec}: {err.orig}; check the database is reachable") from None

    def close(self) -> None:
        self.engine.dispose()


def _j(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class Unit:
    """The reads and writes one use case makes inside its transaction."""

    def __init__(self, conn: Connection, postgres: bool) -> None:
        self.conn, self.postgres = conn, postgres

    # audit -------------------------------------------------------------------------------------
    def audit(self, actor: str, action: str, subject: str, detail: dict, at: datetime) -> Entry:
        """Append one entry to the chain (the head row is locked until the transaction ends)."""
        q = select(t.meta.c.value).where(t.meta.c.key == "audit_head")
        if self.postgres:
            q = q.with_for_update()
        head = self.conn.execute(q).scalar_one()
        seq, prev = head.split(":", 1)
        entry = seal(
            Entry(int(seq) + 1, at.isoformat(), actor, action, subject, json.loads(_j(detail))), prev
        )
        self.conn.execute(
            t.audit.insert().values(
                seq=entry.seq,
                at=entry.at,
                actor=actor,
                action=action,
                subject=subject,
                detail=_j(entry.detail),
                prev=entry.prev,
                hash=entry.hash,
            )
        )
        self.conn.execute(
            update(t.meta).where(t.meta.c.key == "audit_head").values(value=f"{entry.seq}:{entry.hash}")
        )
        return entry

    def audit_entries(self) -> list[Entry]:
        rows = self.conn.execute(select(t.audit).order_by(t.audit.c.seq)).all()
        return [
            Entry(r.seq, r.at, r.actor, r.action, r.subject, json.loads(r.detail), r.prev, r.hash)
            for r in rows
        ]

    def audit_head(self) -> tuple[int, str]:
        value = self.conn.execute(select(t.meta.c.value).where(t.meta.c.key == "audit_head")).scalar_one()
        seq, digest = value.split(":", 1)
        return int(seq), digest

    # cases -------------------------------------------------------------------------------------
    def case(self, case_id: str, *, lock: bool = False) -> Case:
        q = select(t.cases).where(t.cases.c.case_id == case_id)
        if lock and self.postgres:
            q = q.with_for_update()
        row = self.conn.execute(q).first()
        if row is None:
            raise StoreError(f"no case {case_id}; list cases with `kozaguard cases list --db ...`")
        return self._case(row)

    def _case(self, row) -> Case:
        p = self.conn.execute(select(t.proposals).where(t.proposals.c.case_id == row.case_id)).first()
        proposal = None
        if p is not None:
            proposal = Proposal(
                policy_id=p.policy_id,
                amount=p.amount,
                settle=p.settle,
                reductions=json.loads(p.reductions),
                proposed_by=p.proposed_by,
                proposed_at=datetime.fromisoformat(p.proposed_at),
                valuation_date=p.valuation_date,
                approved_by=p.approved_by,
                approved_at=datetime.fromisoformat(p.approved_at) if p.approved_at else None,
                paid_by=p.paid_by,
                paid_at=datetime.fromisoformat(p.paid_at) if p.paid_at else None,
                reference=p.reference,
            )
        return Case(
            case_id=row.case_id,
            account_id=row.account_id,
            status=Status(row.status),
            opened_by=json.loads(row.opened_by),
            opened_at=datetime.fromisoformat(row.opened_at),
            attribution=row.attribution,
            version=row.version,
            proposal=proposal,
            finding=row.finding,
        )

    def case_rows(self) -> list:
        return list(self.conn.execute(select(t.cases).order_by(t.cases.c.case_id)))

    def case_row(self, case_id: str):
        row = self.conn.execute(select(t.cases).where(t.cases.c.case_id == case_id)).first()
        if row is None:
            raise StoreError(f"no case {case_id}; list cases with `kozaguard cases list --db ...`")
        return row

    def case_id_of(self, account_id: str) -> str | None:
        return self.conn.execute(select(t.cases.c.case_id).where(t.cases.c.account_id == account_id)).scalar()

    def next_case_id(self) -> str:
        ids = self.conn.execute(select(t.cases.c.case_id)).scalars().all()
        top = max((int(i[1:]) for i in ids if i[1:].isdigit()), default=0)
        return f"C{top + 1:06d}"

    def save(self, case: Case, **columns: object) -> None:
        """Write the case's status, attribution and proposal, if nobody changed it since it was read."""
        values = {
            "status": str(case.status),
            "attribution": case.attribution,
            "finding": case.finding,
            "version": case.version + 1,
        }
        values.update(columns)
        done = self.conn.execute(
            update(t.cases)
            .where(t.cases.c.case_id == case.case_id, t.cases.c.version == case.version)
            .values(**values)
        )
        if done.rowcount != 1:
            raise Conflict(
                f"case {case.case_id} was changed by someone else meanwhile; reload it and try again"
            )
        case.version += 1
        self.conn.execute(t.proposals.delete().where(t.proposals.c.case_id == case.case_id))
        p = case.proposal
        if p is not None:
            self.conn.execute(
                t.proposals.insert().values(
                    case_id=case.case_id,
                    policy_id=p.policy_id,
                    amount=p.amount,
                    settle=p.settle,
                    reductions=_j(p.reductions),
                    valuation_date=p.valuation_date,
                    proposed_by=p.proposed_by,
                    proposed_at=p.proposed_at.isoformat(),
                    approved_by=p.approved_by,
                    approved_at=p.approved_at.isoformat() if p.approved_at else None,
                    paid_by=p.paid_by,
                    paid_at=p.paid_at.isoformat() if p.paid_at else None,
                    reference=p.reference,
                )
            )

    def rows(self, table, case_id: str) -> list:
        q = select(table).where(table.c.case_id == case_id)
        order = getattr(table.c, "ts", None) if "ts" in table.c else getattr(table.c, "seq", None)
        if order is not None:
            q = q.order_by(order)
        return list(self.conn.execute(q))

    def replace_rows(self, table, case_id: str, rows: list[dict]) -> None:
        self.conn.execute(table.delete().where(table.c.case_id == case_id))
        if rows:
            self.conn.execute(table.insert(), rows)

    def upsert(self, table, rows: list[dict], keys: tuple[str, ...]) -> None:
        """Insert rows, replacing those with the same key (prices seen again in a later build)."""
        if not rows:
            return
        if self.postgres:
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(table)
        other = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
        for i in range(0, len(rows), 5000):
            self.conn.execute(
                stmt.on_conflict_do_update(index_elements=list(keys), set_=other), rows[i : i + 5000]
            )

    def meta_get(self, key: str) -> str | None:
        return self.conn.execute(select(t.meta.c.value).where(t.meta.c.key == key)).scalar()

    def meta_set(self, key: str, value: str) -> None:
        self.upsert(t.meta, [{"key": key, "value": value}], ("key",))


__all__ = ["CaseStore", "Conflict", "SQLAlchemyError", "StoreError", "Unit"]
