"""Alembic environment: runs on the connection `kozaguard.cases.store` hands it (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from kozaguard.cases.tables import metadata


def run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if hasattr(context, "config"):  # only when alembic runs it (not when a test collector imports it)
    run()
