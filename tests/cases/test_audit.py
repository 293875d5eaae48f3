"""The audit log: append-only in the database, and `kozaguard audit verify` names any tampered entry."""

from __future__ import annotations

import pytest
from casekit import WORKED, kozaguard, ok
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kozaguard.cases.store import CaseStore


@pytest.fixture
def logged(db_spec):
    """A database whose log has a few entries: a build, then staff moves on the case."""
    ok("cases", "build", "--events", str(WORKED), "--db", db_spec)
    ok("cases", "propose", "C000001", "--db", db_spec, "--policy", "restore", staff="alice")
    ok("cases", "send-back", "C000001", "--db", db_spec, "--reason", "use the report day", staff="bob")
    store = CaseStore(db_spec)
    with store.unit() as u:
        assert len(u.audit_entries()) >= 6
    yield db_spec, store
    store.close()


def unguard(store: CaseStore, sql: str) -> None:
    """What someone with the database's own rights can do: lift the append-only trigger, then change rows."""
    with store.unit() as u:
        if store.postgres:
            u.conn.execute(text("ALTER TABLE audit DISABLE TRIGGER audit_no_change"))
        else:
            u.conn.execute(text("DROP TRIGGER audit_no_update"))
            u.conn.execute(text("DROP TRIGGER audit_no_delete"))
        u.conn.execute(text(sql))


def verify(db: str):
    r = kozaguard("audit", "verify", "--db", db)
    return r.exit_code, r.stderr


def test_intact_log_verifies(logged):
    db, _ = logged
    code, err = verify(db)
    assert code == 0, err


def test_the_database_refuses_updates_and_deletes_of_the_log(logged):
    _, store = logged
    for sql in ("UPDATE audit SET actor = 'mallory' WHERE seq = 2", "DELETE FROM audit WHERE seq = 2"):
        with pytest.raises(DBAPIError, match="append-only"), store.unit() as u:
            u.conn.execute(text(sql))


def test_edited_entry_is_named(logged):
    db, store = logged
    unguard(store, "UPDATE audit SET actor = 'mallory' WHERE seq = 3")
    code, err = verify(db)
    assert code == 1
    assert "entry 3 (" in err and "was edited" in err


def test_edited_detail_is_named(logged):
    db, store = logged
    unguard(store, """UPDATE audit SET detail = '{"amount": 1}' WHERE seq = 5""")
    code, err = verify(db)
    assert code == 1 and "entry 5 (" in err and "was edited" in err


def test_removed_entry_is_named(logged):
    db, store = logged
    unguard(store, "DELETE FROM audit WHERE seq = 2")
    code, err = verify(db)
    assert code == 1 and "entry 2 removed" in err


def test_removed_and_renumbered_is_found(logged):
    db, store = logged
    unguard(store, "DELETE FROM audit WHERE seq = 2")
    with store.unit() as u:
        n = u.conn.execute(text("SELECT max(seq) FROM audit")).scalar()
        for seq in range(3, n + 1):
            u.conn.execute(text(f"UPDATE audit SET seq = {seq - 1} WHERE seq = {seq}"))
    code, err = verify(db)
    assert code == 1 and "entry 2 (" in err and "was moved: it was written as entry 3" in err


def test_reordered_entries_are_named(logged):
    db, store = logged
    unguard(store, "UPDATE audit SET seq = -1 WHERE seq = 3")
    with store.unit() as u:
        u.conn.execute(text("UPDATE audit SET seq = 3 WHERE seq = 4"))
        u.conn.execute(text("UPDATE audit SET seq = 4 WHERE seq = -1"))
    code, err = verify(db)
    assert code == 1
    assert "entry 3 (" in err and "written as entry 4" in err
    assert "entry 4 (" in err and "written as entry 3" in err


def test_entries_cut_from_the_end_are_found(logged):
    db, store = logged
    unguard(store, "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)")
    code, err = verify(db)
    assert code == 1 and "removed from the end of the log" in err
