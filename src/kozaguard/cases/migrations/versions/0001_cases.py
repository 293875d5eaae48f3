"""The first cases schema: cases, their evidence, prices, policies, proposals, the audit log.

The first revision creates the tables as `kozaguard.cases.tables` defines them at this revision;
later revisions change them with explicit operations. The audit table refuses UPDATE and DELETE
(a trigger on both SQLite and PostgreSQL), so the log is append-only for the application; the hash
chain catches what someone with the database's own rights changes anyway.

Revision ID: 0001
"""

from __future__ import annotations

from alembic import op

from kozaguard.cases.tables import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SQLITE = (
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
)
_POSTGRES = (
    "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
    "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
)


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind)
    for sql in _POSTGRES if bind.dialect.name == "postgresql" else _SQLITE:
        op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_no_change ON audit")
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    metadata.drop_all(bind)
