"""Four-eyes in the domain: the proposer of a payout can neither approve it nor record its payment."""

from __future__ import annotations

from datetime import datetime

import pytest

from kozaguard.cases.case import Case, CaseError, FourEyesViolation, Proposal
from kozaguard.cases.prices import JST
from kozaguard.cases.status import IllegalTransition, Status

AT = datetime(2025, 5, 1, 10, tzinfo=JST)


def proposed(by: str = "alice") -> Case:
    case = Case("C000001", "K1", Status.CONFIRMED_UNAUTHORIZED, ["customer_report"], AT)
    case.propose(Proposal("restore", 1_752_500, "cash", [], by, AT, "2025-04-30"))
    return case


def test_proposer_cannot_approve():
    case = proposed("alice")
    with pytest.raises(FourEyesViolation, match="alice proposed"):
        case.approve("alice", AT)
    assert case.status == Status.COMPENSATION_PROPOSED
    assert case.proposal.approved_by is None


def test_another_staff_member_approves_then_a_third_or_the_approver_pays():
    case = proposed("alice")
    case.approve("bob", AT)
    assert case.status == Status.APPROVED
    with pytest.raises(FourEyesViolation):
        case.pay("alice", AT)
    case.pay("bob", AT, reference="振込 2025-05-02")
    assert case.status == Status.PAID
    assert case.proposal.paid_by == "bob"


def test_no_approval_without_a_proposal_and_no_payment_without_approval():
    case = Case("C000001", "K1", Status.CONFIRMED_UNAUTHORIZED, ["engine"], AT)
    with pytest.raises(IllegalTransition):
        case.approve("bob", AT)
    case = proposed()
    with pytest.raises(IllegalTransition, match="from compensation_proposed to paid"):
        case.pay("bob", AT)


def test_a_proposal_needs_a_confirmed_case():
    case = Case("C000001", "K1", Status.INVESTIGATING, ["engine"], AT)
    with pytest.raises(IllegalTransition, match="from investigating to compensation_proposed"):
        case.propose(Proposal("restore", 1, "cash", [], "alice", AT, "2025-04-30"))


def test_send_back_needs_a_reason_and_clears_the_proposal():
    case = proposed()
    with pytest.raises(CaseError, match="written reason"):
        case.send_back("bob", " ")
    case.send_back("bob", "valuation date should be the day of the report")
    assert case.status == Status.CONFIRMED_UNAUTHORIZED and case.proposal is None
