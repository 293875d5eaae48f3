"""Two staff acting on one case at once: exactly one wins, the other is refused, the log stays whole."""

from __future__ import annotations

import threading

from casekit import AT, WORKED, ok

from kozaguard.audit.chain import verify
from kozaguard.cases import service
from kozaguard.cases.case import CaseError
from kozaguard.cases.status import IllegalTransition
from kozaguard.cases.store import CaseStore, StoreError


def race(n: int, fn) -> tuple[list, list]:
    barrier = threading.Barrier(n)
    wins, losses = [], []

    def go(i: int) -> None:
        barrier.wait()
        try:
            wins.append(fn(i))
        except (CaseError, IllegalTransition, StoreError) as err:
            losses.append(err)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return wins, losses


def test_simultaneous_approvals_one_wins(db_spec):
    ok("cases", "build", "--events", str(WORKED), "--db", db_spec)
    store = CaseStore(db_spec)
    service.propose(store, "C000001", "restore", actor="alice", at=AT)
    wins, losses = race(4, lambda i: service.approve(store, "C000001", actor=f"approver{i}", at=AT))
    assert len(wins) == 1 and len(losses) == 3
    with store.unit() as u:
        entries = u.audit_entries()
        head = u.audit_head()
    assert [e.action for e in entries].count("payout.approved") == 1
    assert verify(entries, head) == []
    store.close()


def test_simultaneous_proposals_one_wins_and_the_chain_has_no_gap(db_spec):
    ok("cases", "build", "--events", str(WORKED), "--db", db_spec)
    store = CaseStore(db_spec)
    wins, losses = race(4, lambda i: service.propose(store, "C000001", "restore", actor=f"staff{i}", at=AT))
    assert len(wins) == 1 and len(losses) == 3
    with store.unit() as u:
        entries, head = u.audit_entries(), u.audit_head()
    assert [e.action for e in entries].count("payout.proposed") == 1
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert verify(entries, head) == []
    store.close()
