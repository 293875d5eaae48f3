"""Staff HTTP doors for cases: the same use cases as `kozaguard cases …`, behind API keys.

Reading needs `cases:read`; changing a case, its attribution or proposing a payout `cases:write`;
approving, sending back and recording a payment `cases:approve`. The acting staff member is the one
the key names (`kozaguard apikey create --staff ID`); a key naming nobody cannot change anything.
Four-eyes holds here as in the shell: the domain refuses an approval by the proposer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from kozaguard.apikeys import Principal, Scope
from kozaguard.cases import service
from kozaguard.cases.case import CaseError, FourEyesViolation
from kozaguard.cases.policy import PolicyError
from kozaguard.cases.prices import JST, MissingPrice
from kozaguard.cases.status import IllegalTransition
from kozaguard.cases.store import CaseStore, Conflict, StoreError
from kozaguard.entrypoints.api import errors
from kozaguard.entrypoints.api.auth import require_scope
from kozaguard.entrypoints.api.errors import ApiError

router = APIRouter(prefix="/v1", tags=["cases"], responses=errors.responses(401, 403, 404, 409, 422))

Reader = Annotated[Principal, Depends(require_scope(Scope.CASES_READ))]
Writer = Annotated[Principal, Depends(require_scope(Scope.CASES_WRITE))]
Approver = Annotated[Principal, Depends(require_scope(Scope.CASES_APPROVE))]


def cases_store(request: Request) -> CaseStore:
    """The cases database the settings name, opened (and migrated) on first use."""
    store = getattr(request.app.state, "cases", None)
    if store is None:
        store = CaseStore(request.app.state.settings.http.cases_store)
        store.migrate()
        request.app.state.cases = store
    return store


def staff_of(who: Principal) -> str:
    if not who.staff_id:
        raise ApiError(
            403,
            "key_names_no_staff",
            "This key names no staff member, so it cannot change a case.",
            message_ja="このAPIキーには担当者が登録されていないため、案件を変更できません。",
            fix="Use a key created with `kozaguard apikey create --staff ID`.",
        )
    return who.staff_id


def _day(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError(
            422, "invalid_date", f"{text!r} is not a date.", field=field, fix="Write YYYY-MM-DD."
        ) from None


def run(fn, *args, **kwargs):
    """A use case; its refusals become the API's error shape (never a 500)."""
    try:
        return fn(*args, **kwargs)
    except FourEyesViolation as err:
        raise ApiError(
            403,
            "four_eyes",
            str(err),
            message_ja="起案者は承認できません（四つの目の原則）。",
            fix="Ask another staff member to approve.",
        ) from None
    except (IllegalTransition, Conflict) as err:
        raise ApiError(
            409, "conflict", str(err), fix="Reload the case and choose a legal next step."
        ) from None
    except StoreError as err:
        status = 404 if str(err).startswith("no case") else 409
        raise ApiError(status, "not_found" if status == 404 else "store", str(err)) from None
    except (CaseError, PolicyError, MissingPrice) as err:
        raise ApiError(422, "refused", str(err)) from None


def now() -> datetime:
    return datetime.now(JST)


class Move(BaseModel):
    status: str = Field(description="Target status, e.g. `investigating`.")
    reason: str | None = Field(
        None, description="Written reason (required for `rejected`, `not_unauthorized`)."
    )


class AttributionChange(BaseModel):
    order_ids: list[str] = Field(min_length=1)
    unauthorized: bool = True
    reason: str = Field(description="Why (required): goes to the audit log.")


class ReductionIn(BaseModel):
    id: str
    reason: str


class ProposalIn(BaseModel):
    policy_id: str
    reductions: list[ReductionIn] = []
    settle: str | None = None
    valuation_date: str | None = None


class Reason(BaseModel):
    reason: str


class Payment(BaseModel):
    reference: str | None = None


def _case(case) -> dict:
    p = case.proposal
    return {
        "case_id": case.case_id,
        "status": str(case.status),
        "attribution": case.attribution,
        "proposal": None
        if p is None
        else {
            "policy_id": p.policy_id,
            "amount": p.amount,
            "settle": p.settle,
            "proposed_by": p.proposed_by,
            "approved_by": p.approved_by,
            "paid_by": p.paid_by,
        },
    }


@router.get("/cases", summary="Every case: id, account, status, who opened it")
def list_cases(request: Request, _: Reader) -> list[dict]:
    return run(service.list_cases, cases_store(request))


@router.get("/cases/export", summary="Every case as in `kozaguard cases export`")
def export_cases(request: Request, _: Reader, valuation_date: str | None = None) -> list[dict]:
    return run(service.export, cases_store(request), _day(valuation_date, "valuation_date"))


@router.get("/cases/{case_id}", summary="A case with its evidence, posture and audit entries")
def show_case(request: Request, case_id: str, _: Reader, valuation_date: str | None = None) -> dict:
    return run(service.show, cases_store(request), case_id, _day(valuation_date, "valuation_date"))


@router.post("/cases/{case_id}/move", summary="Move a case to another status (legal moves only)")
def move_case(request: Request, case_id: str, body: Move, who: Writer) -> dict:
    case = run(
        service.move,
        cases_store(request),
        case_id,
        body.status,
        actor=staff_of(who),
        reason=body.reason,
        at=now(),
    )
    return _case(case)


@router.post("/cases/{case_id}/attribution", summary="Change which orders were unauthorized, with a reason")
def change_attribution(request: Request, case_id: str, body: AttributionChange, who: Writer) -> dict:
    case = run(
        service.attribute,
        cases_store(request),
        case_id,
        body.order_ids,
        unauthorized=body.unauthorized,
        actor=staff_of(who),
        reason=body.reason,
        at=now(),
    )
    return _case(case)


@router.post("/cases/{case_id}/proposal", summary="Propose the payout under a policy")
def propose(request: Request, case_id: str, body: ProposalIn, who: Writer) -> dict:
    case = run(
        service.propose,
        cases_store(request),
        case_id,
        body.policy_id,
        actor=staff_of(who),
        at=now(),
        reductions=[(r.id, r.reason) for r in body.reductions],
        settle=body.settle,
        valuation_date=_day(body.valuation_date, "valuation_date"),
    )
    return _case(case)


@router.post("/cases/{case_id}/approval", summary="Approve the proposed payout (not by its proposer)")
def approve(request: Request, case_id: str, who: Approver) -> dict:
    return _case(run(service.approve, cases_store(request), case_id, actor=staff_of(who), at=now()))


@router.post("/cases/{case_id}/send-back", summary="Return the proposal to be redone, with a reason")
def send_back(request: Request, case_id: str, body: Reason, who: Approver) -> dict:
    return _case(
        run(
            service.send_back,
            cases_store(request),
            case_id,
            actor=staff_of(who),
            reason=body.reason,
            at=now(),
        )
    )


@router.post("/cases/{case_id}/payment", summary="Record that the approved payout was paid")
def pay(request: Request, case_id: str, body: Payment, who: Approver) -> dict:
    return _case(
        run(
            service.pay,
            cases_store(request),
            case_id,
            actor=staff_of(who),
            at=now(),
            reference=body.reference,
        )
    )


@router.get(
    "/cases/{case_id}/letter",
    summary="The customer's letter (Japanese), HTML or PDF",
    response_class=Response,
)
def letter(
    request: Request,
    case_id: str,
    _: Reader,
    format: Annotated[str, Query(pattern="^(html|pdf)$")] = "html",
    policy: str | None = None,
    valuation_date: str | None = None,
) -> Response:
    from kozaguard.cases.letter import letter_data, render_html, render_pdf

    data = run(letter_data, cases_store(request), case_id, policy, _day(valuation_date, "valuation_date"))
    if format == "pdf":
        return Response(render_pdf(data), media_type="application/pdf")
    return HTMLResponse(render_html(data))


@router.get(
    "/reports/fsa",
    summary="The FSA's monthly table as CSV",
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def fsa(request: Request, _: Reader, month: str | None = None) -> PlainTextResponse:
    from kozaguard.cases.fsa import parse_months, table, to_csv

    try:
        months = parse_months(month)
    except ValueError as err:
        raise ApiError(
            422, "invalid_month", str(err), field="month", fix="Write YYYY-MM or YYYY-MM..YYYY-MM."
        ) from None
    return PlainTextResponse(to_csv(run(table, cases_store(request), months)), media_type="text/csv")


@router.get("/audit/verify", summary="Check the audit log's hash chain")
def audit_verify(request: Request, _: Reader) -> dict:
    from kozaguard.audit.chain import verify

    with cases_store(request).unit() as u:
        entries, head = u.audit_entries(), u.audit_head()
    problems = verify(entries, head)
    return {"entries": len(entries), "intact": not problems, "problems": problems}
