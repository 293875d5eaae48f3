"""A case: one affected account, its status, its attribution and its payout, under four-eyes.

Pure domain: the store loads a `Case`, a use case calls one of its methods, the store writes the
result and the audit entry in the same transaction. Every method checks its own rule: legal status
moves only, a written reason where one is needed, and whoever proposed a payout cannot approve it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kozaguard.cases.status import NEEDS_REASON, Status, check_transition

OPENERS = ("customer_report", "engine", "campaign", "staff")
"""Who can open a case: the customer's report, the engine's `open_case`, a campaign, staff."""


class CaseError(ValueError):
    """A use case refused by a domain rule; the message says which rule and what to do."""


class FourEyesViolation(CaseError):
    """The staff member who proposed a payout tried to approve it."""


@dataclass(slots=True)
class Proposal:
    """A payout proposed under one policy; approved and paid by others than the proposer."""

    policy_id: str
    amount: int
    settle: str
    reductions: list[dict]  # [{"id": ..., "reason": ...}]
    proposed_by: str
    proposed_at: datetime
    valuation_date: str
    approved_by: str | None = None
    approved_at: datetime | None = None
    paid_by: str | None = None
    paid_at: datetime | None = None
    reference: str | None = None


@dataclass(slots=True)
class Case:
    case_id: str
    account_id: str
    status: Status
    opened_by: list[str]
    opened_at: datetime
    attribution: str = "system"
    version: int = 0
    proposal: Proposal | None = None
    finding: str | None = None  # unauthorized | not_unauthorized
    history: list[tuple[str, str]] = field(default_factory=list)  # (from, to) made in this unit of work

    def move(self, target: Status | str, *, reason: str | None = None) -> None:
        """Move to `target` if the status graph allows it (some moves need a written reason)."""
        target = Status(target)
        check_transition(self.status, target)
        if target in NEEDS_REASON and not (reason and reason.strip()):
            raise CaseError(f"moving case {self.case_id} to {target} needs a written reason (--reason)")
        self.history.append((self.status, target))
        self.status = target
        if target == Status.CONFIRMED_UNAUTHORIZED:
            self.finding = "unauthorized"
        elif target == Status.NOT_UNAUTHORIZED:
            self.finding = "not_unauthorized"
        elif target == Status.INVESTIGATING:
            self.finding = None

    def propose(self, proposal: Proposal) -> None:
        """Propose a payout: the case must be confirmed unauthorized."""
        if not proposal.proposed_by.strip():
            raise CaseError("a proposal needs the proposing staff member's id")
        self.move(Status.COMPENSATION_PROPOSED)
        self.proposal = proposal

    def send_back(self, by: str, reason: str) -> None:
        """An approver returns the proposal to be redone (with a reason)."""
        if not reason.strip():
            raise CaseError(
                f"sending back the proposal of case {self.case_id} needs a written reason (--reason)"
            )
        self.move(Status.CONFIRMED_UNAUTHORIZED)
        self.proposal = None

    def approve(self, by: str, at: datetime) -> None:
        """Approve the proposed payout: never by the staff member who proposed it (four-eyes)."""
        if self.proposal is None or self.status != Status.COMPENSATION_PROPOSED:
            check_transition(self.status, Status.APPROVED)
            raise CaseError(f"case {self.case_id} has no proposal to approve")
        if by == self.proposal.proposed_by:
            raise FourEyesViolation(
                f"{by} proposed the payout of case {self.case_id} and cannot approve it; "
                "another staff member must approve (four-eyes)"
            )
        self.move(Status.APPROVED)
        self.proposal.approved_by, self.proposal.approved_at = by, at

    def pay(self, by: str, at: datetime, reference: str | None = None) -> None:
        """Record the payment of an approved payout (not by its proposer either)."""
        check_transition(self.status, Status.PAID)
        assert self.proposal is not None
        if by == self.proposal.proposed_by:
            raise FourEyesViolation(
                f"{by} proposed the payout of case {self.case_id} and cannot also record its payment; "
                "another staff member must (four-eyes)"
            )
        self.move(Status.PAID)
        self.proposal.paid_by, self.proposal.paid_at, self.proposal.reference = by, at, reference
