"""Who the staff member is and whether the role allows the page or action: the one check.

Every console route depends on `require(permission)`; nothing else decides access. It finds the
staff session (cookie `kz_staff`, sent to /staff only), its staff member and role, and:

- no session, or an expired one: a page is redirected to /staff/login, anything else is 401;
- a role without the permission: 403 (a page saying so);
- a state-changing request without the session's CSRF token (`X-CSRF-Token` header, which htmx sends,
  or the `csrf` form field): 403. The token is an HMAC of the session token under a server secret, so
  it needs no storage, differs per session and cannot be derived from anything a page on another site
  can read. The browser guard's same-origin check (entrypoints/api/browser.py) comes first.

`audit()` writes each staff action to the hash-chained audit log (the cases database's).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from kozaguard.cases.prices import JST
from kozaguard.staff.directory import StaffDirectory, StaffMember
from kozaguard.staff.roles import Permission

COOKIE = "kz_staff"
CSRF_HEADER = "x-csrf-token"
_SAFE = {"GET", "HEAD", "OPTIONS"}


class StaffRefusal(Exception):
    """Raised by `require`; the console's handler turns it into a redirect, a 401 or a 403 page."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Staff:
    """The caller of a console route: the member, the session token and its CSRF token."""

    member: StaffMember
    token: str
    csrf: str

    @property
    def id(self) -> str:
        return self.member.staff_id


def directory(request: Request) -> StaffDirectory:
    return request.app.state.staff


def csrf_for(request: Request, token: str) -> str:
    key: bytes = request.app.state.csrf_key
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()[:40]


def new_csrf_key() -> bytes:
    return secrets.token_bytes(32)


def current_staff(request: Request) -> Staff | None:
    """The logged-in staff member, or None (no cookie, expired, disabled, or a customer's session)."""
    token = request.cookies.get(COOKIE)
    member = directory(request).of_session(token)
    if member is None or token is None:
        return None
    return Staff(member, token, csrf_for(request, token))


def require(permission: Permission | None) -> Callable:
    """A dependency admitting a staff session whose role holds `permission` (None: any staff)."""

    async def check(request: Request) -> Staff:
        staff = current_staff(request)
        if staff is None:
            raise StaffRefusal(401, "not_authenticated", "Log in to the staff console.")
        if request.method not in _SAFE:
            sent = request.headers.get(CSRF_HEADER)
            if sent is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            ):
                sent = (await request.form()).get("csrf")
            if not isinstance(sent, str) or not hmac.compare_digest(
                sent.encode("utf-8", "replace"), staff.csrf.encode()
            ):
                raise StaffRefusal(
                    403, "csrf", "The form's security token is missing or stale; reload the page."
                )
        if permission is not None and not staff.member.may(permission):
            raise StaffRefusal(
                403, "forbidden", f"The role {staff.member.role} may not do {permission} (docs/staff.md)."
            )
        request.state.staff = staff
        return staff

    check.permission = permission  # read by the permission tests and docs/staff.md's check
    return check


def audit(
    request: Request, staff: Staff | str, action: str, subject: str, detail: dict | None = None
) -> None:
    """One staff action into the hash-chained audit log (actor = the staff ID)."""
    from kozaguard.entrypoints.api.cases import cases_store

    actor = staff if isinstance(staff, str) else staff.id
    with cases_store(request).unit() as u:
        u.audit(actor, action, subject, detail or {}, datetime.now(JST))
