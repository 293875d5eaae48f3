"""Staff accounts: the product's own identity service on a store of their own, plus each one's role.

A staff member is an identity account in a separate store (never a customer: a customer's login ID
or session means nothing here), with a role record beside it. Staff log in with password and TOTP
(or a passkey): one-time codes by e-mail are off for staff, so a stolen mailbox is not a way in.
The TOTP secret is made when the account is created and shown once to whoever creates it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import msgspec

from kozaguard.identity import otp
from kozaguard.identity.errors import IdentityError
from kozaguard.identity.service import IdentityService
from kozaguard.staff.roles import Permission, Role, allowed, parse_role

NS = "staff"


class StaffMember(msgspec.Struct, frozen=True, kw_only=True):
    """One staff account's role. `staff_id` is the login ID: it names the actor in the audit log."""

    customer_id: str
    staff_id: str
    name: str
    role: Role
    created_at: datetime
    created_by: str
    disabled: bool = False

    def may(self, permission: Permission) -> bool:
        return not self.disabled and allowed(self.role, permission)


@dataclass(frozen=True)
class NewStaff:
    member: StaffMember
    totp_secret: str
    totp_uri: str


class StaffError(ValueError):
    """A staff-directory refusal, with the fix in its message."""


class StaffDirectory:
    def __init__(self, identity: IdentityService) -> None:
        self.identity = identity

    @property
    def store(self):
        return self.identity.store

    def create(
        self,
        staff_id: str,
        password: str,
        role: Role | str,
        *,
        email: str,
        phone: str,
        name: str = "",
        by: str,
    ) -> NewStaff:
        """Register the account (password strength checked), turn e-mail codes off, enrol TOTP."""
        role = parse_role(str(role))
        svc = self.identity
        customer = svc.register(staff_id, password, email, phone, name)
        customer = replace(customer, email_otp_enabled=False)
        svc.store.save_customer(customer)
        secret = otp.new_secret()
        svc.store.save_totp(customer.customer_id, otp.TotpEnrolment(secret, confirmed=True))
        member = StaffMember(
            customer_id=customer.customer_id,
            staff_id=staff_id,
            name=name or staff_id,
            role=role,
            created_at=svc.clock(),
            created_by=by,
        )
        svc.store.save_record(NS, customer.customer_id, member)
        uri = otp.provisioning_uri(secret, staff_id, f"{svc.settings.totp_issuer} staff")
        return NewStaff(member, secret, uri)

    def member(self, customer_id: str) -> StaffMember | None:
        return self.store.get_record(NS, customer_id, StaffMember)

    def find(self, staff_id: str) -> StaffMember | None:
        customer = self.store.find_customer(staff_id)
        return None if customer is None else self.member(customer.customer_id)

    def members(self) -> list[StaffMember]:
        return sorted(self.store.records(NS, StaffMember), key=lambda m: m.staff_id)

    def set_role(self, staff_id: str, role: Role | str, *, disabled: bool | None = None) -> StaffMember:
        member = self.find(staff_id)
        if member is None:
            raise StaffError(f"no staff member {staff_id!r}; list them with `kozaguard staff list`")
        changed = msgspec.structs.replace(
            member, role=parse_role(str(role)), disabled=member.disabled if disabled is None else disabled
        )
        if changed.disabled:
            self.store.revoke_sessions(member.customer_id)
        self.store.save_record(NS, member.customer_id, changed)
        return changed

    def of_session(self, token: str | None) -> StaffMember | None:
        """The staff member a live session belongs to; None for no, an expired or a customer's session."""
        try:
            session = self.identity.session(token)
        except IdentityError:
            return None
        member = self.member(session.customer_id)
        return None if member is None or member.disabled else member
