"""The customer's own account pages (Japanese): security checkup, password, SMS, recovery codes, logout.

- **Security checkup** (`/identity/pages/checkup`): which factors are on, a nudge to passkeys (the
  JSDA guideline of 2025), the advice every broker gives (bookmark the official site, never use a
  link in mail or SMS, report trades you do not recognise), and a one-click "this wasn't me" on each
  recent login and trade. The report goes to the engine as a `customer.report` event
  (`unrecognized_login` / `unrecognized_trade`), which stops the account's actions until staff have
  verified the customer out of band; the customer's other sessions are ended at once.
- **Password change**, **SMS enrolment** and **recovery codes** (make them; use one to unlock a
  locked login) each pass the step-up their action needs first, on the same page.
- **Logout** ends the session on the server and clears the cookie.

The pages call the identity service only; a refusal is shown in Japanese with the service's text.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime
from typing import Annotated

import msgspec
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kozaguard.account_security.step_up import Factor
from kozaguard.entrypoints.api.identity import SESSION_COOKIE, login_context
from kozaguard.entrypoints.web import pages as _web
from kozaguard.events.codec import decode_event
from kozaguard.identity.errors import IdentityError

router = APIRouter(prefix="/identity/pages", include_in_schema=False)
_LOGIN_REQUIRED = "<p class='error'>ログインしてください。</p>"


def _pages():
    return _web


def _error(exc: IdentityError) -> str:
    return exc.message_ja or exc.message


def _message(request: Request, *, message: str | None = None, error: str | None = None, status=200):
    return _pages().templates.TemplateResponse(
        request, "_message.html", {"message": message, "error": error}, status_code=status
    )


@router.post("/logout")
def logout(request: Request) -> Response:
    """End the session (server side) and drop the cookie; back to the login page."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with contextlib.suppress(IdentityError):  # already over: the cookie goes all the same
            request.app.state.identity.logout(token)
    target = "/identity/pages/login?logged_out=1"
    out: Response
    if "hx-request" in request.headers:
        out = Response(status_code=204, headers={"HX-Redirect": target})
    else:
        out = RedirectResponse(target, status_code=303)
    out.delete_cookie(SESSION_COOKIE)
    return out


# ----- security checkup and "this wasn't me" ---------------------------------------------------------
def _trades(request: Request, account_id: str, limit: int = 20) -> list[dict]:
    """The account's recent orders as the console's ledger holds them (the broker's own events)."""
    out = []
    for a in request.app.state.ledger.timeline(account_id, limit=200):
        if a.type == "order.new":
            d = a.detail
            out.append(
                {
                    "event_id": a.event_id,
                    "ts": datetime.fromisoformat(a.ts),
                    "order_id": d.get("order_id"),
                    "symbol": d.get("symbol"),
                    "side": d.get("side"),
                    "qty": d.get("qty"),
                    "price": d.get("limit_price"),
                }
            )
            if len(out) >= limit:
                break
    return out


@router.get("/checkup")
def checkup(request: Request) -> Response:
    pages = _pages()
    token = pages._token(request)
    if token is None:
        return pages._to_login(request)
    svc = pages._svc(request)
    customer = svc.customer_of(token)
    factors = [str(f) for f in svc.enrolled(customer)]
    return pages._page(
        request,
        "checkup.html",
        customer=customer,
        factors=factors,
        has_passkey=str(Factor.PASSKEY) in factors,
        has_mfa=any(f in factors for f in ("passkey", "totp", "sms")),
        recovery_left=svc.recovery_codes_left(token),
        logins=svc.recent_logins(token, 10),
        trades=_trades(request, customer.customer_id),
    )


@router.post("/report")
def report(
    request: Request,
    kind: Annotated[str, Form(pattern="^(unrecognized_login|unrecognized_trade)$")],
    order_id: Annotated[str, Form(max_length=100)] = "",
    about: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """One click: the customer did not make this login or trade. Reported to the engine at once."""
    pages = _pages()
    token = pages._token(request)
    if token is None:
        return HTMLResponse(_LOGIN_REQUIRED, status_code=401)
    svc = pages._svc(request)
    session = svc.session(token)
    customer = svc.customer_of(token)
    body: dict = {
        "type": "customer.report",
        "event_id": f"report-{uuid.uuid4().hex}",
        "ts": datetime.now(UTC).isoformat(),
        "account_id": customer.customer_id,
        "kind": kind,
        "text": about or None,
    }
    if kind == "unrecognized_trade" and order_id:
        body["order_ids"] = [order_id]
    event = decode_event(msgspec.json.encode(body))
    decision = request.app.state.engine.decide(event)
    request.app.state.ledger.record(event, decision)
    ended = svc.store.revoke_sessions(customer.customer_id, keep=session.token_hash)
    what = "お取引" if kind == "unrecognized_trade" else "ログイン"
    return _message(
        request,
        message=(
            f"ご報告を受け付けました(身に覚えのない{what})。安全のため、この口座のお取引・出金・登録情報の"
            f"変更を停止し、他の端末のログイン({ended}件)を終了しました。担当者からご登録の電話番号へ"
            "ご連絡します。パスワードの変更をお勧めします。"
        ),
    )


# ----- password ---------------------------------------------------------------------------------
@router.get("/password")
def password_page(request: Request) -> Response:
    pages = _pages()
    if pages._token(request) is None:
        return pages._to_login(request)
    return pages._page(request, "password.html", step_action="password_change")


@router.post("/password")
def password_change(
    request: Request,
    new_password: Annotated[str, Form(max_length=256)],
    confirm: Annotated[str, Form(max_length=256)],
) -> HTMLResponse:
    pages = _pages()
    token = pages._token(request)
    if token is None:
        return HTMLResponse(_LOGIN_REQUIRED, status_code=401)
    if new_password != confirm:
        return _message(
            request, error="確認用のパスワードが一致しません。同じパスワードを2回入力してください。"
        )
    try:
        pages._svc(request).change_password(token, new_password)
    except IdentityError as exc:
        return _message(request, error=_error(exc))
    return _message(request, message="パスワードを変更しました。他の端末のログインは終了しました。")


# ----- SMS ----------------------------------------------------------------------------------------
@router.get("/sms")
def sms_page(request: Request) -> Response:
    pages = _pages()
    token = pages._token(request, enrolling=True)
    if token is None:
        return RedirectResponse("/identity/pages/login", status_code=303)
    svc = pages._svc(request)
    customer = svc.customer_of(token) if pages._token(request) else None
    return pages._page(request, "sms.html", on=bool(customer and customer.sms_enabled))


@router.post("/sms/enrol")
def sms_enrol(request: Request) -> HTMLResponse:
    pages = _pages()
    token = pages._token(request, enrolling=True)
    if token is None:
        return HTMLResponse(_LOGIN_REQUIRED, status_code=401)
    try:
        sent_to = pages._svc(request).begin_sms(token)
    except IdentityError as exc:
        return _message(request, error=_error(exc))
    return pages._page(request, "_sms_confirm.html", sent_to=sent_to, error=None)


@router.post("/sms/confirm")
def sms_confirm(request: Request, code: Annotated[str, Form(max_length=32)]) -> HTMLResponse:
    pages = _pages()
    token = pages._token(request, enrolling=True)
    if token is None:
        return HTMLResponse(_LOGIN_REQUIRED, status_code=401)
    try:
        pages._svc(request).confirm_sms(token, code)
    except IdentityError as exc:
        return pages._page(request, "_sms_confirm.html", sent_to=None, error=_error(exc))
    return _message(request, message="SMS認証を登録しました。次回のログインから使えます。")


# ----- recovery codes -----------------------------------------------------------------------------
@router.get("/recovery")
def recovery_page(request: Request) -> Response:
    pages = _pages()
    token = pages._token(request)
    if token is None:
        return pages._to_login(request)
    return pages._page(request, "recovery.html", left=pages._svc(request).recovery_codes_left(token))


@router.post("/recovery/codes")
def recovery_codes(request: Request) -> HTMLResponse:
    pages = _pages()
    token = pages._token(request)
    if token is None:
        return HTMLResponse(_LOGIN_REQUIRED, status_code=401)
    try:
        codes = pages._svc(request).generate_recovery_codes(token)
    except IdentityError as exc:
        return _message(request, error=_error(exc))
    return pages._page(request, "_recovery_codes.html", codes=codes)


@router.get("/unlock")
def unlock_page(request: Request) -> HTMLResponse:
    """A locked customer unlocks the login with one recovery code (no session needed)."""
    return _pages()._page(request, "unlock.html")


@router.post("/unlock")
def unlock(
    request: Request,
    login_id: Annotated[str, Form(max_length=64)],
    recovery_code: Annotated[str, Form(max_length=64)],
) -> HTMLResponse:
    pages = _pages()
    out = HTMLResponse("")
    ctx = login_context(request, out)
    try:
        pages._svc(request).unlock_with_recovery_code(login_id.strip(), recovery_code.strip(), ctx)
    except IdentityError as exc:
        return _message(request, error=_error(exc))
    resp = _message(
        request,
        message="ロックを解除しました。使ったリカバリーコードは無効になりました。ログインしてください。",
    )
    for key, value in out.headers.items():
        if key == "set-cookie":
            resp.headers.append(key, value)
    return resp
