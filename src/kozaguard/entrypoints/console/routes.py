"""The staff console's pages and actions under /staff/. Access: `auth.require(permission)` on each.

Pages render on the server (Jinja2); htmx posts the actions and swaps the answer in. A release or
reject of a held action goes to the engine as `review.decided`, a restriction change as
`symbol.restriction` (docs/events.md), and both, like every other staff action, to the audit log.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import msgspec
from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from kozaguard.account_security import lock
from kozaguard.cases import service as cases
from kozaguard.cases.case import CaseError, FourEyesViolation
from kozaguard.cases.policy import PolicyError
from kozaguard.cases.prices import JST, MissingPrice
from kozaguard.cases.status import IllegalTransition, Status
from kozaguard.cases.store import Conflict, StoreError
from kozaguard.console.ledger import Ledger, LedgerError
from kozaguard.entrypoints.api.cases import cases_store
from kozaguard.entrypoints.api.identity import login_context
from kozaguard.entrypoints.console import charts, i18n
from kozaguard.entrypoints.console.auth import (
    COOKIE,
    Staff,
    StaffRefusal,
    audit,
    current_staff,
    directory,
    require,
)
from kozaguard.entrypoints.web.pages import HTMX
from kozaguard.identity import adoption
from kozaguard.identity.errors import IdentityError
from kozaguard.staff.directory import StaffError
from kozaguard.staff.roles import PERMISSIONS, Permission, Role

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals.update(htmx=HTMX, Permission=Permission, roles=[r.value for r in Role])

router = APIRouter(prefix="/staff", include_in_schema=False)
P = Permission


def _(message: str) -> str:
    """Mark a message for the catalogue (translated when rendered)."""
    return message


#: Names shown for engine outcomes and review outcomes (translated in templates).
OUTCOME_NAMES = {
    "allow": _("allowed"),
    "challenge": _("challenged"),
    "hold": _("held"),
    "deny": _("denied"),
    "lock": _("locked"),
    "released": _("released"),
    "rejected": _("rejected"),
    "locked": _("rejected and locked"),
}

#: Names translated where they are shown: roles and case statuses.
_NAMES = (
    _("analyst"),
    _("supervisor"),
    _("admin"),
    _("reported"),
    _("investigating"),
    _("confirmed_unauthorized"),
    _("not_unauthorized"),
    _("compensation_proposed"),
    _("approved"),
    _("paid"),
    _("closed"),
    _("rejected"),
)


def ledger(request: Request) -> Ledger:
    return request.app.state.ledger


def lang_of(request: Request) -> str:
    return i18n.pick(request.cookies.get(i18n.COOKIE))


def page(request: Request, name: str, status: int = 200, **ctx) -> HTMLResponse:
    """Render a template in the caller's language, with the staff member and CSRF token."""
    lang = lang_of(request)
    t = i18n.translations(lang)
    staff = getattr(request.state, "staff", None) or current_staff(request)
    ctx.update(
        _=t.gettext,
        lang=lang,
        staff=staff,
        csrf=staff.csrf if staff else "",
        yen=lambda v: i18n.yen(v, lang),
        jst=lambda v: i18n.jst(v, lang),
        num=lambda v: i18n.number(v, lang),
        outcome=lambda o: t.gettext(OUTCOME_NAMES.get(o, o)),
        may=(lambda p: staff is not None and staff.member.may(p)),
        pct=lambda v: f"{100 * v:.1f}%",
        factor_name=lambda f: t.gettext(FACTOR_NAMES.get(f, f)),
    )
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def notice(request: Request, message: str, *, error: bool = False, status: int = 200) -> HTMLResponse:
    return page(request, "_notice.html", status=status, message=message, error=error)


def install(app: FastAPI) -> None:
    app.mount("/staff/static", StaticFiles(directory=HERE / "static"), name="console-static")
    app.include_router(router)

    @app.exception_handler(StaffRefusal)
    async def refused(request: Request, exc: StaffRefusal) -> Response:
        if exc.status == 401:
            if request.method == "GET" and "hx-request" not in request.headers:
                return RedirectResponse("/staff/login", status_code=303)
            return Response(exc.message, status_code=401, headers={"HX-Redirect": "/staff/login"})
        return page(request, "refused.html", status=exc.status, code=exc.code, message=exc.message)


def engine_event(request: Request, body: dict) -> None:
    """Send one of the contract's additions to the engine (decoded and checked like any event)."""
    request.app.state.engine.decide_raw(msgspec.json.encode(body))


def _now() -> datetime:
    return datetime.now(UTC)


# ----- login, logout, language ------------------------------------------------------------------
@router.get("/login")
def login_page(request: Request) -> Response:
    if current_staff(request) is not None:
        return RedirectResponse("/staff/", status_code=303)
    return page(request, "login.html", step="password", error=None)


@router.post("/login")
def login_submit(
    request: Request,
    login_id: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
) -> HTMLResponse:
    out = HTMLResponse("")
    ctx = login_context(request, out)
    svc = directory(request).identity
    t = i18n.translations(lang_of(request))
    try:
        d = svc.login(login_id, password, ctx)
    except IdentityError as exc:
        return page(request, "login.html", step="password", error=exc.message)
    if d.decision != "challenge" or directory(request).find(login_id) is None:
        return page(request, "login.html", step="password", error=t.gettext("Login ID or password is wrong."))
    resp = page(
        request, "login.html", step="code", ticket=d.ticket, methods=[str(m) for m in d.methods], error=None
    )
    for key, value in out.headers.items():
        if key == "set-cookie":
            resp.headers.append(key, value)
    return resp


@router.post("/login/verify")
def login_verify(
    request: Request,
    ticket: Annotated[str, Form(max_length=128)],
    code: Annotated[str, Form(max_length=32)],
    method: Annotated[str, Form(max_length=20)] = "totp",
) -> Response:
    staff = directory(request)
    try:
        d = staff.identity.verify_login(ticket, method, code=code)
    except IdentityError as exc:
        retry = exc.code not in ("account_locked", "ticket_invalid", "locked_by_failures")
        return page(
            request,
            "login.html",
            step="code" if retry else "password",
            ticket=ticket,
            methods=[method],
            error=exc.message,
        )
    member = staff.member(staff.identity.session(d.session).customer_id)
    if member is None or member.disabled:
        staff.identity.logout(d.session)
        return page(request, "login.html", step="password", error="Not a staff account.")
    resp = RedirectResponse("/staff/", status_code=303)
    resp.set_cookie(
        COOKIE,
        d.session,
        max_age=int(staff.identity.settings.session_ttl.total_seconds()),
        httponly=True,
        samesite="strict",
        path="/staff",
        secure=request.app.state.settings.secure_cookies,
    )
    audit(request, member.staff_id, "staff.login", member.staff_id, {"method": method})
    return resp


@router.post("/logout")
def logout(request: Request, staff: Annotated[Staff, Depends(require(None))]) -> Response:
    directory(request).identity.logout(staff.token)
    audit(request, staff, "staff.logout", staff.id)
    resp = Response(status_code=204, headers={"HX-Redirect": "/staff/login"})
    resp.delete_cookie(COOKIE, path="/staff")
    return resp


@router.get("/lang")
def switch_language(request: Request, to: Annotated[str, Query(pattern="^(ja|en)$")], back: str = "/staff/"):
    target = back if back.startswith("/staff") and "//" not in back else "/staff/"
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(i18n.COOKIE, to, max_age=400 * 24 * 3600, samesite="lax", path="/")
    return resp


# ----- dashboard ---------------------------------------------------------------------------------
def _fsa_rows(request: Request) -> list[dict]:
    from kozaguard.cases.fsa import table

    try:
        return table(cases_store(request), None)
    except StoreError:
        return []


@router.get("/")
def dashboard(request: Request, _s: Annotated[Staff, Depends(require(P.DASHBOARD_VIEW))]) -> HTMLResponse:
    led = ledger(request)
    totals = led.outcome_totals()
    decided = sum(totals.values())
    fsa = _fsa_rows(request)
    return page(
        request,
        "dashboard.html",
        totals=totals,
        decided=decided,
        accounts=led.accounts_seen(),
        open_alerts=len(led.alerts()),
        restricted=led.restrictions(active_only=True),
        campaigns=led.campaigns(),
        evaluation=led.meta("evaluation"),
        fsa=fsa[-1] if fsa else None,
        latest=led.latest(),
        adoption=adoption.dashboard(request.app.state.identity),
    )


@router.get("/charts/decisions.svg")
def chart_decisions(request: Request, _s: Annotated[Staff, Depends(require(P.DASHBOARD_VIEW))]) -> Response:
    slots, series = ledger(request).decisions_per_hour()
    t = i18n.translations(lang_of(request))
    labels = {o: t.gettext(OUTCOME_NAMES[o]) for o in OUTCOME_NAMES}
    return Response(charts.decisions_per_hour(slots, series, labels), media_type="image/svg+xml")


@router.get("/charts/fsa.svg")
def chart_fsa(request: Request, _s: Annotated[Staff, Depends(require(P.DASHBOARD_VIEW))]) -> Response:
    rows = _fsa_rows(request)[-6:]
    t = i18n.translations(lang_of(request))
    names = [f"{r['month']} {t.gettext(_('accessed'))}" for r in rows] + [
        f"{r['month']} {t.gettext(_('traded'))}" for r in rows
    ]
    values = [r["accounts_accessed"] for r in rows] + [r["accounts_traded"] for r in rows]
    return Response(charts.bars(names, values), media_type="image/svg+xml")


#: Factor names on the adoption panel (translated in templates).
FACTOR_NAMES = {
    "passkey": _("passkey"),
    "totp": _("authenticator app"),
    "sms": _("SMS"),
    "email_otp": _("e-mail code"),
}


@router.get("/charts/adoption.svg")
def chart_adoption(request: Request, _s: Annotated[Staff, Depends(require(P.DASHBOARD_VIEW))]) -> Response:
    a = adoption.dashboard(request.app.state.identity)
    t = i18n.translations(lang_of(request))
    names = [t.gettext(FACTOR_NAMES[f]) for f in a["per_factor"]] + [t.gettext(_("without MFA"))]
    values = [*a["per_factor"].values(), len(a["without_mfa"])]
    return Response(charts.bars(names, values, colour="#2b7a3d"), media_type="image/svg+xml")


@router.get("/adoption.csv")
def adoption_csv(request: Request, staff: Annotated[Staff, Depends(require(P.CUSTOMERS_VIEW))]) -> Response:
    """One line per customer: factors, passkey, MFA (the dashboard's adoption figures add up from it)."""
    audit(request, staff, "adoption.exported", "customers")
    return Response(
        adoption.to_csv(request.app.state.identity.adoption_rows()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="adoption.csv"'},
    )


# ----- alert queue ---------------------------------------------------------------------------------
@router.get("/alerts")
def alerts(request: Request, _s: Annotated[Staff, Depends(require(P.ALERTS_VIEW))], done: bool = False):
    led = ledger(request)
    return page(request, "alerts.html", alerts=led.alerts(open_only=not done), done=done)


def _review(request: Request, staff: Staff, event_id: str, outcome: str, note: str | None) -> HTMLResponse:
    led = ledger(request)
    t = i18n.translations(lang_of(request))
    try:
        alert = led.review(event_id, outcome, staff.id, _now(), note)
    except LedgerError as err:
        return notice(request, str(err), error=True, status=409)
    engine_event(
        request,
        {
            "type": "review.decided",
            "event_id": f"review-{uuid.uuid4().hex}",
            "ts": _now().isoformat(),
            "account_id": alert.account_id,
            "reviewed_event_id": event_id,
            "outcome": "released" if outcome == "released" else "rejected",
            "staff_id": staff.id,
        },
    )
    if outcome == "locked":
        _lock_account(request, alert.account_id)
    audit(request, staff, f"alert.{outcome}", event_id, {"account_id": alert.account_id, "note": note})
    return page(request, "_alert_row.html", a=alert, message=t.gettext(OUTCOME_NAMES[outcome]))


def _lock_account(request: Request, account_id: str) -> None:
    """Lock the customer's login (when the account is one of ours) and end its sessions."""
    svc = request.app.state.identity
    if svc.store.get_customer(account_id) is not None:
        svc.staff_lock(account_id)


@router.post("/alerts/{event_id}/release")
def release(request: Request, event_id: str, staff: Annotated[Staff, Depends(require(P.ALERTS_REVIEW))]):
    return _review(request, staff, event_id, "released", None)


@router.post("/alerts/{event_id}/reject")
def reject(request: Request, event_id: str, staff: Annotated[Staff, Depends(require(P.ALERTS_REVIEW))]):
    return _review(request, staff, event_id, "rejected", None)


@router.post("/alerts/{event_id}/lock")
def reject_and_lock(
    request: Request, event_id: str, staff: Annotated[Staff, Depends(require(P.ALERTS_LOCK))]
):
    return _review(request, staff, event_id, "locked", None)


# ----- customers -----------------------------------------------------------------------------------
@router.get("/customers")
def customers(request: Request, _s: Annotated[Staff, Depends(require(P.CUSTOMERS_VIEW))], q: str = ""):
    q = q.strip()[:64]
    found: list[dict] = []
    if q:
        svc = request.app.state.identity
        for c in svc.store.find_customers(q):
            found.append({"account_id": c.customer_id, "login_id": c.login_id, "name": c.display_name})
        known = {f["account_id"] for f in found}
        for account in ledger(request).find_accounts(q):
            if account not in known:
                found.append({"account_id": account, "login_id": None, "name": None})
    return page(request, "customers.html", q=q, found=found)


def _posture(request: Request, account_id: str) -> dict:
    """Factors, lock and recent logins from the identity service; factors at opening from the event log."""
    svc = request.app.state.identity
    customer = svc.store.get_customer(account_id)
    out: dict = {"customer": customer, "factors": [], "locked": False, "logins": [], "devices": []}
    if customer is not None:
        out["factors"] = [str(f) for f in svc.enrolled(customer)]
        out["locked"] = svc.store.get_lockout(account_id).locked
        out["logins"] = svc.store.recent_logins(account_id, 20)
        out["devices"] = svc.store.devices(account_id)
    return out


@router.get("/customers/{account_id}")
def customer(request: Request, account_id: str, _s: Annotated[Staff, Depends(require(P.CUSTOMERS_VIEW))]):
    led = ledger(request)
    timeline = led.timeline(account_id)
    posture = _posture(request, account_id)
    if not timeline and posture["customer"] is None:
        return notice(request, f"no account {account_id}", error=True, status=404)
    opened = next((e for e in reversed(timeline) if e.type == "account.opened"), None)
    with cases_store(request).unit() as u:
        case_id = u.case_id_of(account_id)
    return page(
        request,
        "customer.html",
        account_id=account_id,
        timeline=timeline,
        posture=posture,
        opened_factors=opened.detail.get("factors", []) if opened else [],
        case_id=case_id,
    )


@router.post("/customers/{account_id}/unlock")
def unlock(
    request: Request,
    account_id: str,
    staff: Annotated[Staff, Depends(require(P.CUSTOMERS_UNLOCK))],
    verified_by: Annotated[str, Form(pattern="^(phone|documents|branch)$")],
    note: Annotated[str, Form(max_length=500)] = "",
) -> HTMLResponse:
    """Unlock after the customer was verified out of band (phone call-back, documents, a branch visit)."""
    t = i18n.translations(lang_of(request))
    svc = request.app.state.identity
    if svc.store.get_customer(account_id) is not None:
        try:
            svc.staff_unlock(account_id, lock.UnlockRoute.OUT_OF_BAND)
        except IdentityError as exc:
            return notice(request, exc.message, error=True, status=409)
    else:
        engine_event(
            request,
            {
                "type": "account.unlocked",
                "event_id": f"unlocked-{uuid.uuid4().hex}",
                "ts": _now().isoformat(),
                "account_id": account_id,
                "by": "staff",
                "staff_id": staff.id,
            },
        )
    audit(request, staff, "customer.unlocked", account_id, {"verified_by": verified_by, "note": note})
    return notice(request, t.gettext("Unlocked."))


# ----- campaigns and restrictions ------------------------------------------------------------------
@router.get("/campaigns")
def campaigns(request: Request, _s: Annotated[Staff, Depends(require(P.CAMPAIGNS_VIEW))], symbol: str = ""):
    if symbol.strip():
        return RedirectResponse(f"/staff/campaigns/{symbol.strip().upper()[:20]}", status_code=303)
    return page(request, "campaigns.html", campaigns=ledger(request).campaigns())


@router.get("/campaigns/{symbol}")
def campaign(request: Request, symbol: str, _s: Annotated[Staff, Depends(require(P.CAMPAIGNS_VIEW))]):
    return page(request, "campaign.html", c=ledger(request).campaign(symbol.upper()))


def _restrict(request: Request, staff: Staff, symbol: str, imposed: bool, reason: str) -> HTMLResponse:
    t = i18n.translations(lang_of(request))
    event_id = f"restriction-{uuid.uuid4().hex}"
    try:
        ledger(request).restrict(symbol, imposed, staff.id, reason, _now(), event_id)
    except LedgerError as err:
        return notice(request, str(err), error=True, status=409)
    engine_event(
        request,
        {
            "type": "symbol.restriction",
            "event_id": event_id,
            "ts": _now().isoformat(),
            "symbol": symbol.upper(),
            "action": "imposed" if imposed else "lifted",
            "by": "staff",
            "staff_id": staff.id,
            "reason": reason,
        },
    )
    audit(
        request,
        staff,
        "symbol.restricted" if imposed else "symbol.lifted",
        symbol.upper(),
        {"reason": reason},
    )
    return notice(request, t.gettext("Restricted.") if imposed else t.gettext("Restriction lifted."))


@router.post("/campaigns/{symbol}/restrict")
def restrict(
    request: Request,
    symbol: str,
    staff: Annotated[Staff, Depends(require(P.CAMPAIGNS_RESTRICT))],
    reason: Annotated[str, Form(max_length=500)] = "",
):
    return _restrict(request, staff, symbol, True, reason)


@router.post("/campaigns/{symbol}/lift")
def lift(
    request: Request,
    symbol: str,
    staff: Annotated[Staff, Depends(require(P.CAMPAIGNS_RESTRICT))],
    reason: Annotated[str, Form(max_length=500)] = "",
):
    return _restrict(request, staff, symbol, False, reason)


# ----- cases ---------------------------------------------------------------------------------------
def _case_call(request: Request, fn, *args, **kwargs):
    """A cases use case; its refusals become a notice naming the fix (never a 500)."""
    try:
        return fn(*args, **kwargs), None
    except FourEyesViolation as err:
        t = i18n.translations(lang_of(request))
        return None, notice(
            request,
            t.gettext("Four eyes: the proposer cannot approve.") + f" ({err})",
            error=True,
            status=403,
        )
    except (
        IllegalTransition,
        Conflict,
        StoreError,
        CaseError,
        PolicyError,
        MissingPrice,
        LedgerError,
    ) as err:
        return None, notice(request, str(err), error=True, status=409)


@router.get("/cases")
def case_list(request: Request, _s: Annotated[Staff, Depends(require(P.CASES_VIEW))], mine: bool = False):
    rows = cases.list_cases(cases_store(request))
    owners = ledger(request).owners()
    staff = request.state.staff
    for r in rows:
        r["owner"] = owners.get(r["case_id"])
    if mine:
        rows = [r for r in rows if r["owner"] == staff.id]
    inbox = {
        "unassigned": sum(1 for r in rows if not r["owner"] and r["status"] not in ("closed", "paid")),
        "approval": sum(1 for r in rows if r["status"] == "compensation_proposed"),
    }
    return page(request, "cases.html", rows=rows, mine=mine, inbox=inbox)


@router.get("/cases/{case_id}")
def case_detail(request: Request, case_id: str, _s: Annotated[Staff, Depends(require(P.CASES_VIEW))]):
    store = cases_store(request)
    shown, refused = _case_call(request, cases.show, store, case_id)
    if refused is not None:
        return refused
    with store.unit() as u:
        policy_ids = sorted(cases.policies(u))
    led = ledger(request)
    return page(
        request,
        "case.html",
        c=shown,
        owner=led.owners().get(case_id),
        joined=led.joined(case_id),
        candidates=[a for a in led.timeline(shown["account_id"]) if a.decision and a.decision != "allow"][
            :50
        ],
        policy_ids=policy_ids,
        statuses=[s.value for s in Status],
    )


Case = Annotated[Staff, Depends(require(P.CASES_WORK))]


def _case_done(request: Request, case_id: str, message: str) -> HTMLResponse:
    resp = notice(request, message)
    resp.headers["HX-Refresh"] = "true"
    return resp


@router.post("/cases/{case_id}/take")
def take(request: Request, case_id: str, staff: Case) -> HTMLResponse:
    _, refused = _case_call(request, ledger(request).take, case_id, staff.id, _now())
    if refused is not None:
        return refused
    audit(request, staff, "case.taken", case_id)
    return _case_done(request, case_id, i18n.translations(lang_of(request)).gettext("The case is yours."))


@router.post("/cases/{case_id}/move")
def move(
    request: Request,
    case_id: str,
    staff: Case,
    status: Annotated[str, Form(max_length=40)],
    reason: Annotated[str, Form(max_length=1000)] = "",
):
    _, refused = _case_call(
        request,
        cases.move,
        cases_store(request),
        case_id,
        status,
        actor=staff.id,
        reason=reason or None,
        at=datetime.now(JST),
    )
    return refused or _case_done(request, case_id, status)


@router.post("/cases/{case_id}/attribution")
def attribution(
    request: Request,
    case_id: str,
    staff: Case,
    order_ids: Annotated[str, Form(max_length=2000)],
    reason: Annotated[str, Form(max_length=1000)],
    unauthorized: Annotated[bool, Form()] = True,
):
    ids = [o.strip() for o in order_ids.replace(",", " ").split() if o.strip()]
    _, refused = _case_call(
        request,
        cases.attribute,
        cases_store(request),
        case_id,
        ids,
        unauthorized=unauthorized,
        actor=staff.id,
        reason=reason,
        at=datetime.now(JST),
    )
    return refused or _case_done(request, case_id, "ok")


@router.post("/cases/{case_id}/join")
def join(
    request: Request, case_id: str, staff: Case, event_ids: Annotated[list[str], Form()]
) -> HTMLResponse:
    joined, refused = _case_call(request, ledger(request).join, case_id, event_ids)
    if refused is not None:
        return refused
    audit(request, staff, "case.alerts_joined", case_id, {"event_ids": joined})
    return _case_done(request, case_id, "ok")


@router.post("/cases/{case_id}/proposal")
def propose(
    request: Request,
    case_id: str,
    staff: Annotated[Staff, Depends(require(P.CASES_PROPOSE))],
    policy_id: Annotated[str, Form(max_length=80)],
    valuation_date: Annotated[str, Form(max_length=10)] = "",
):
    try:
        day = date.fromisoformat(valuation_date) if valuation_date else None
    except ValueError:
        return notice(request, f"{valuation_date!r}: write YYYY-MM-DD", error=True, status=422)
    _, refused = _case_call(
        request,
        cases.propose,
        cases_store(request),
        case_id,
        policy_id,
        actor=staff.id,
        at=datetime.now(JST),
        valuation_date=day,
    )
    return refused or _case_done(request, case_id, "ok")


Approver = Annotated[Staff, Depends(require(P.CASES_APPROVE))]


@router.post("/cases/{case_id}/approval")
def approve(request: Request, case_id: str, staff: Approver):
    _, refused = _case_call(
        request, cases.approve, cases_store(request), case_id, actor=staff.id, at=datetime.now(JST)
    )
    return refused or _case_done(request, case_id, "ok")


@router.post("/cases/{case_id}/send-back")
def send_back(request: Request, case_id: str, staff: Approver, reason: Annotated[str, Form(max_length=1000)]):
    _, refused = _case_call(
        request,
        cases.send_back,
        cases_store(request),
        case_id,
        actor=staff.id,
        reason=reason,
        at=datetime.now(JST),
    )
    return refused or _case_done(request, case_id, "ok")


@router.post("/cases/{case_id}/payment")
def pay(
    request: Request, case_id: str, staff: Approver, reference: Annotated[str, Form(max_length=100)] = ""
):
    _, refused = _case_call(
        request,
        cases.pay,
        cases_store(request),
        case_id,
        actor=staff.id,
        at=datetime.now(JST),
        reference=reference or None,
    )
    return refused or _case_done(request, case_id, "ok")


@router.get("/cases/{case_id}/letter")
def letter(
    request: Request,
    case_id: str,
    _s: Annotated[Staff, Depends(require(P.CASES_VIEW))],
    policy: str | None = None,
) -> Response:
    from kozaguard.cases.letter import letter_data, render_html

    data, refused = _case_call(request, letter_data, cases_store(request), case_id, policy, None)
    if refused is not None:
        return refused
    # the letter is a standalone printable page with its own inline style sheet
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
    return HTMLResponse(render_html(data), headers={"Content-Security-Policy": csp})


# ----- phishing ------------------------------------------------------------------------------------
@router.get("/phishing")
def phishing(request: Request, _s: Annotated[Staff, Depends(require(P.PHISHING_CHECK))]) -> HTMLResponse:
    return page(request, "phishing.html", result=None, url="", recent=request.app.state.phishing_recent)


@router.post("/phishing")
def phishing_check(
    request: Request,
    staff: Annotated[Staff, Depends(require(P.PHISHING_CHECK))],
    url: Annotated[str, Form(max_length=2000)],
) -> HTMLResponse:
    from kozaguard.phishing.api import memory

    result = memory().check(url.strip()).to_dict()
    recent = request.app.state.phishing_recent
    recent.insert(0, {**result, "by": staff.id, "at": _now().isoformat()})
    del recent[50:]
    audit(request, staff, "phishing.checked", url.strip()[:200], {"verdict": result.get("verdict")})
    return page(request, "_phishing_result.html", result=result)


# ----- staff accounts ------------------------------------------------------------------------------
Admin = Annotated[Staff, Depends(require(P.STAFF_MANAGE))]


@router.get("/admin/staff")
def staff_list(request: Request, _s: Admin) -> HTMLResponse:
    return page(
        request, "staff.html", members=directory(request).members(), permissions=PERMISSIONS, created=None
    )


@router.post("/admin/staff")
def staff_create(
    request: Request,
    staff: Admin,
    staff_id: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(max_length=20)],
    email: Annotated[str, Form(max_length=200)],
    phone: Annotated[str, Form(max_length=20)],
    password: Annotated[str, Form(max_length=256)],
    name: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    try:
        new = directory(request).create(
            staff_id, password, role, email=email, phone=phone, name=name, by=staff.id
        )
    except (IdentityError, StaffError, ValueError) as exc:
        return notice(request, getattr(exc, "message", str(exc)), error=True, status=422)
    audit(request, staff, "staff.created", staff_id, {"role": str(new.member.role)})
    from kozaguard.identity.otp import qr_svg

    return page(request, "_staff_created.html", new=new, qr=qr_svg(new.totp_uri))


@router.post("/admin/staff/{staff_id}/role")
def staff_role(
    request: Request,
    staff_id: str,
    staff: Admin,
    role: Annotated[str, Form(max_length=20)],
    disabled: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    if staff_id == staff.id:
        return notice(request, "You cannot change your own role; ask another admin.", error=True, status=403)
    try:
        m = directory(request).set_role(staff_id, role, disabled=disabled)
    except (StaffError, ValueError) as exc:
        return notice(request, str(exc), error=True, status=422)
    audit(request, staff, "staff.role_changed", staff_id, {"role": str(m.role), "disabled": m.disabled})
    return notice(request, f"{staff_id}: {m.role}{' (disabled)' if m.disabled else ''}")
