"""`kozaguard staff create | list | role`: staff accounts of the console (the first admin from the shell).

Settings come from the same KOZAGUARD_* variables as `kozaguard serve` (the staff store beside the
identity database unless KOZAGUARD_HTTP_STAFF_DB names one). The TOTP secret of a new account is shown
once, with its QR code, to be scanned into the staff member's authenticator app.
"""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

staff_app = typer.Typer(
    help="Staff accounts of the console: create, list, change a role.", no_args_is_help=True
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"kozaguard staff: {message}", err=True)
    return typer.Exit(2)


def _directory():
    from kozaguard.bootstrap import staff_directory
    from kozaguard.config import load_settings

    try:
        return staff_directory(load_settings())
    except ValueError as err:  # ConfigError included
        raise _fail(str(err)) from None


def _audit(actor: str, action: str, subject: str, detail: dict) -> None:
    from datetime import datetime

    from kozaguard.cases.prices import JST
    from kozaguard.cases.store import CaseStore
    from kozaguard.config import load_settings

    store = CaseStore(load_settings().http.cases_store)
    store.migrate()
    with store.unit() as u:
        u.audit(actor, action, subject, detail, datetime.now(JST))
    store.close()


@staff_app.command("create")
def create(
    staff_id: Annotated[
        str, typer.Argument(help="Login ID of the staff member (3-64 of A-Z a-z 0-9 . _ -).")
    ],
    role: Annotated[str, typer.Option(help="analyst, supervisor or admin.")],
    email: Annotated[str, typer.Option(help="Work e-mail (login notices).")],
    phone: Annotated[str, typer.Option(help="Work phone, e.g. 03-1234-5678.")],
    name: Annotated[str, typer.Option(help="Name shown in the console.")] = "",
    by: Annotated[str, typer.Option(help="Who creates it (for the audit log).")] = "shell",
) -> None:
    """Create a staff account: password (asked, or KOZAGUARD_STAFF_PASSWORD), TOTP shown once."""
    from kozaguard.identity.errors import IdentityError

    password = os.environ.get("KOZAGUARD_STAFF_PASSWORD") or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    try:
        new = _directory().create(staff_id, password, role, email=email, phone=phone, name=name, by=by)
    except IdentityError as exc:
        raise _fail(f"{exc.field or staff_id}: {exc.message} {exc.fix or ''}".strip()) from None
    except ValueError as exc:
        raise _fail(f"--role: {exc}") from None
    _audit(by, "staff.created", staff_id, {"role": str(new.member.role)})
    import segno

    typer.echo(f"created {staff_id} ({new.member.role}). Scan this into the authenticator app (shown once):")
    segno.make(new.totp_uri, error="m").terminal(compact=True)
    typer.echo(f"TOTP secret: {new.totp_secret}\n{new.totp_uri}")


@staff_app.command("list")
def list_staff(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Staff accounts and their roles (never a secret)."""
    rows = [
        {"staff_id": m.staff_id, "name": m.name, "role": str(m.role), "disabled": m.disabled}
        for m in _directory().members()
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        typer.echo(f"{r['staff_id']}\t{r['role']}\t{r['name']}" + ("\tdisabled" if r["disabled"] else ""))


@staff_app.command("role")
def set_role(
    staff_id: str,
    role: Annotated[str, typer.Option(help="analyst, supervisor or admin.")],
    disabled: Annotated[bool, typer.Option("--disabled/--enabled")] = False,
    by: Annotated[str, typer.Option(help="Who changes it (for the audit log).")] = "shell",
) -> None:
    """Change a staff member's role, or disable the account (its sessions end)."""
    from kozaguard.staff.directory import StaffError

    try:
        m = _directory().set_role(staff_id, role, disabled=disabled)
    except (StaffError, ValueError) as exc:
        raise _fail(str(exc)) from None
    _audit(by, "staff.role_changed", staff_id, {"role": str(m.role), "disabled": m.disabled})
    typer.echo(f"{staff_id}: {m.role}" + (" (disabled)" if m.disabled else ""))


@staff_app.command("totp-code")
def totp_code(
    secret: Annotated[str, typer.Argument(help="A TOTP secret (base32), as `staff create` showed it.")],
) -> None:
    """The current code of a TOTP secret, as an authenticator app shows it (the demo's staff logins)."""
    import time

    from kozaguard.identity import otp

    try:
        code = otp.code_at(secret.strip().replace(" ", "").upper(), time.time())
    except (ValueError, TypeError) as exc:
        raise _fail(f"{secret!r} is not a base32 TOTP secret ({exc}); copy it as shown") from None
    left = otp.INTERVAL - int(time.time()) % otp.INTERVAL
    typer.echo(f"{code}  (valid for {left} more seconds)")
