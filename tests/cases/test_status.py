"""Every legal status move is allowed and every other one refused, naming both statuses."""

from __future__ import annotations

from datetime import datetime

import pytest

from kozaguard.cases.case import Case, CaseError
from kozaguard.cases.prices import JST
from kozaguard.cases.status import TRANSITIONS, IllegalTransition, Status

ALL = list(Status)
LEGAL = [(a, b) for a in ALL for b in ALL if b in TRANSITIONS[a]]
ILLEGAL = [(a, b) for a in ALL for b in ALL if b not in TRANSITIONS[a]]


def case_in(status: Status) -> Case:
    return Case("C000001", "K1", status, ["staff"], datetime(2025, 4, 21, tzinfo=JST))


def test_the_graph_is_the_one_documented():
    assert TRANSITIONS[Status.REPORTED] == {Status.INVESTIGATING, Status.REJECTED}
    assert TRANSITIONS[Status.INVESTIGATING] == {
        Status.CONFIRMED_UNAUTHORIZED,
        Status.NOT_UNAUTHORIZED,
        Status.REJECTED,
    }
    assert TRANSITIONS[Status.APPROVED] == {Status.PAID}
    assert TRANSITIONS[Status.PAID] == {Status.CLOSED}
    assert TRANSITIONS[Status.CLOSED] == set()
    assert len(LEGAL) == 16 and len(LEGAL) + len(ILLEGAL) == len(ALL) ** 2


@pytest.mark.parametrize(("current", "target"), LEGAL, ids=[f"{a}->{b}" for a, b in LEGAL])
def test_legal_move(current, target):
    case = case_in(current)
    case.move(target, reason="checked the evidence")
    assert case.status == target


@pytest.mark.parametrize(("current", "target"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_illegal_move_names_both_states(current, target):
    case = case_in(current)
    with pytest.raises(IllegalTransition) as err:
        case.move(target, reason="any")
    assert f"from {current} to {target}" in str(err.value)
    assert case.status == current


@pytest.mark.parametrize("target", [Status.REJECTED, Status.NOT_UNAUTHORIZED])
def test_rejection_and_not_unauthorized_need_a_written_reason(target):
    case = case_in(Status.INVESTIGATING)
    for reason in (None, "", "   "):
        with pytest.raises(CaseError, match="written reason"):
            case.move(target, reason=reason)
    assert case.status == Status.INVESTIGATING


def test_findings_follow_the_moves():
    case = case_in(Status.INVESTIGATING)
    case.move(Status.CONFIRMED_UNAUTHORIZED)
    assert case.finding == "unauthorized"
    case.move(Status.INVESTIGATING)
    assert case.finding is None
    case.move(Status.NOT_UNAUTHORIZED, reason="the customer's son placed the orders")
    assert case.finding == "not_unauthorized"
