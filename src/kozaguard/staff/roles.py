"""Roles and what each may do: the one table every console view, endpoint and action is checked against.

Three roles, each a superset of the one before: an `analyst` works the queues (reviews held actions,
unlocks verified customers, builds cases and proposes payouts); a `supervisor` also approves and pays
payouts and restricts or lifts symbols; an `admin` also manages staff accounts. Four-eyes is apart
from roles: whoever proposed a payout cannot approve it, whatever their role (cases domain).

docs/staff.md shows this table; a test checks the two agree. Pure: no I/O.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ANALYST = "analyst"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Permission(StrEnum):
    DASHBOARD_VIEW = "dashboard.view"
    ALERTS_VIEW = "alerts.view"
    ALERTS_REVIEW = "alerts.review"  # release or reject a held action
    ALERTS_LOCK = "alerts.lock"  # reject it and lock the account
    CUSTOMERS_VIEW = "customers.view"
    CUSTOMERS_UNLOCK = "customers.unlock"  # after out-of-band verification
    CAMPAIGNS_VIEW = "campaigns.view"
    CAMPAIGNS_RESTRICT = "campaigns.restrict"  # restrict or lift a symbol
    CASES_VIEW = "cases.view"
    CASES_WORK = "cases.work"  # take ownership, move, attribute, join alerts
    CASES_PROPOSE = "cases.propose"
    CASES_APPROVE = "cases.approve"  # approve, send back, record the payment
    PHISHING_CHECK = "phishing.check"
    STAFF_MANAGE = "staff.manage"


_ANALYST = frozenset(
    {
        Permission.DASHBOARD_VIEW,
        Permission.ALERTS_VIEW,
        Permission.ALERTS_REVIEW,
        Permission.ALERTS_LOCK,
        Permission.CUSTOMERS_VIEW,
        Permission.CUSTOMERS_UNLOCK,
        Permission.CAMPAIGNS_VIEW,
        Permission.CASES_VIEW,
        Permission.CASES_WORK,
        Permission.CASES_PROPOSE,
        Permission.PHISHING_CHECK,
    }
)
_SUPERVISOR = _ANALYST | {Permission.CAMPAIGNS_RESTRICT, Permission.CASES_APPROVE}

#: role -> what it may do.
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ANALYST: _ANALYST,
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
    Role.ADMIN: frozenset(_SUPERVISOR | {Permission.STAFF_MANAGE}),
}


def allowed(role: Role | str, permission: Permission) -> bool:
    """Whether `role` may do `permission` (an unknown role may do nothing).

    >>> allowed("analyst", Permission.CASES_PROPOSE), allowed("analyst", Permission.CASES_APPROVE)
    (True, False)
    >>> allowed("guest", Permission.DASHBOARD_VIEW)
    False
    """
    try:
        return permission in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def parse_role(text: str) -> Role:
    """A role from its name, or a ValueError naming the choices."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise ValueError(f"role {text!r}: use one of {', '.join(r.value for r in Role)}") from None
