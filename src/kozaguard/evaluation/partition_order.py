"""Two runs of one stream compared decision by decision, each difference explained or not.

Workers decide their partitions side by side, so a detector that learns from *other* accounts'
events (a device or address seen on several accounts, doubtful sessions buying the same symbol, a
stuffing address) can see those events in another order than a one-process replay, which takes the
file's order. That changes decisions, legitimately; anything else that changes one is a defect. A
difference is explained when:

- `cross_account_reason`: the two decisions differ in a reason found from other accounts' events
  (shared devices and addresses, a campaign's buying, its infrastructure and its seller, a
  restricted symbol);
- `friction_budget`: they differ in a reason of the friction-budget gate (`engine/budget.py`): its
  thresholds are calibrated on every account's orders and withdrawals, so where another
  partition's actions were counted first the same evidence can fall on the other side of one;
- `cross_account_session`: the event's session carried such a reason in an earlier or this decision
  of either run, so its risk weighs evidence counted across accounts (how many other accounts the
  crew's device was already seen on) even where the reasons agree;
- `downstream`: an earlier decision of the same account differed (a hold in one run and not in the
  other changes what the account holds and has done).

Everything else is `unexplained`. Pure: the caller reads the files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from msgspec import Struct, field

CROSS_ACCOUNT_REASONS = frozenset(
    {
        "coordinated_buying",
        "symbol_restricted",
        "device_shared_across_accounts",
        "ip_shared_across_accounts",
        "credential_stuffing_source",
        "pump_campaign",
        "campaign_infrastructure",
        "campaign_seller",
        "restricted_symbol_doubtful_session",
    }
)
"""Reason codes a detector finds from other accounts' events (`docs/reasons.md`)."""

BUDGET_REASONS = frozenset({"takeover_evidence", "passkey_for_unusual_action", "unusual_action_notice"})
"""Reason codes the friction-budget gate adds when an action's evidence reaches a threshold (or a
rule's stop is let through with a notice instead)."""


class Comparison(Struct, kw_only=True):
    decisions: int = 0
    missing: list[str] = field(default_factory=list)
    """Event ids decided in the first run and absent from the second."""
    extra: list[str] = field(default_factory=list)
    differ: dict[str, str] = field(default_factory=dict)
    """Event id → why its two decisions differ (the categories of the module docstring)."""

    @property
    def unexplained(self) -> list[str]:
        return [k for k, why in self.differ.items() if why == "unexplained"]

    def counts(self) -> dict[str, int]:
        return dict(Counter(self.differ.values()))


def _cross(decision: Mapping | None) -> bool:
    return bool(decision) and not CROSS_ACCOUNT_REASONS.isdisjoint(decision.get("reasons") or ())


def compare(expected: Iterable[Mapping], got: Iterable[Mapping], events: Iterable[Mapping]) -> Comparison:
    """Compare two decision lists of the stream `events` (dicts as decoded from JSON Lines).

    >>> ev = [{"event_id": "1", "account_id": "A", "session_id": "s"},
    ...       {"event_id": "2", "account_id": "A", "session_id": "s"}]
    >>> a = [{"event_id": "1", "decision": "challenge", "reasons": ["ip_shared_across_accounts"]},
    ...      {"event_id": "2", "decision": "hold"}]
    >>> b = [{"event_id": "1", "decision": "challenge", "reasons": []},
    ...      {"event_id": "2", "decision": "allow"}]
    >>> compare(a, b, ev).differ
    {'1': 'cross_account_reason', '2': 'cross_account_session'}
    """
    want = {d["event_id"]: d for d in expected}
    have = {d["event_id"]: d for d in got}
    result = Comparison(
        decisions=len(want),
        missing=[k for k in want if k not in have],
        extra=[k for k in have if k not in want],
    )
    doubted_sessions: set[str] = set()
    differed_accounts: set[str] = set()
    for e in events:
        k = e.get("event_id")
        a, b = want.get(k), have.get(k)
        if a is None or b is None:
            continue
        account, session = e.get("account_id"), e.get("session_id")
        crossed = _cross(a) or _cross(b)
        if crossed and session:
            doubted_sessions.add(session)
        if a == b:
            continue
        reasons_a, reasons_b = set(a.get("reasons") or ()), set(b.get("reasons") or ())
        if not CROSS_ACCOUNT_REASONS.isdisjoint(reasons_a ^ reasons_b):
            why = "cross_account_reason"
        elif not BUDGET_REASONS.isdisjoint(reasons_a ^ reasons_b):
            why = "friction_budget"
        elif session in doubted_sessions:
            why = "cross_account_session"
        elif account in differed_accounts:
            why = "downstream"
        else:
            why = "unexplained"
        result.differ[k] = why
        if account:
            differed_accounts.add(account)
    return result
