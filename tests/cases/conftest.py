"""Fixtures for the cases tests: a fresh database on SQLite and, when it runs, on PostgreSQL."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

from kozaguard.cases.store import CaseStore

sys.path.insert(0, str(Path(__file__).parent))  # casekit, the helpers these tests share

PG = os.environ.get("KOZAGUARD_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_admin():
    import psycopg

    try:
        return psycopg.connect(PG, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as err:
        pytest.skip(f"PostgreSQL not reachable at {PG}: {str(err).splitlines()[0]}")


@pytest.fixture
def pg_url():
    """A throwaway PostgreSQL database for this test, dropped afterwards."""
    admin = _pg_admin()
    name = f"kg_cases_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = PG.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", "postgres"])
def db_spec(request, tmp_path):
    """`--db` text of an empty cases database: SQLite in a temp folder, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:{tmp_path / 'cases.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_spec):
    s = CaseStore(db_spec)
    s.migrate()
    yield s
    s.close()
