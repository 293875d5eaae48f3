"""Customer pages in Japanese: log in (password, passkey or phone call), enrol, see activity.

Pages render on the server; htmx swaps small fragments; `static/passkey.js` runs the WebAuthn
ceremonies against the JSON API. Nothing is loaded from another site. The account's own pages
(security checkup, password, SMS, recovery codes, logout) are in `account.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from kozaguard.account_security.step_up import Action
from kozaguard.entrypoints.api.identity import SESSION_COOKIE, login_context, set_session_cookie
from kozaguard.identity.errors import IdentityError
from kozaguard.identity.notices import jst
from kozaguard.identity.service import IdentityService

HERE = Path(__file__).parent
HTMX = "htmx-2.0.11.min.js"
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["jst"] = jst
templates.env.globals["htmx"] = HTMX

router = APIRouter(prefix="/identity/pages", include_in_schema=False)

_FACTOR_JA = {
    "passkey": "パスキー",
    "totp": "認証アプリ",
    "sms": "SMS",
    "email_otp": "メール",
    "recovery_code": "リカバリーコード",
    "phone_call": "電話番号認証",
}
_OUTCOME_JA = {
    "success": "成功",
    "password_bad": "パスワード誤り",
    "factor_bad": "追加認証の失敗",
    "locked": "ロック中",
}
_LEVEL_JA = {
    "any": "追加認証",
    "registered": "ご自身で登録する追加認証(SMS・認証アプリ・パスキーなど)",
    "app": "認証アプリまたはパスキー",
    "passkey": "パスキー",
}
templates.env.globals.update(factor_ja=_FACTOR_JA, outcome_ja=_OUTCOME_JA, level_ja=_LEVEL_JA)


def install(app: FastAPI) -> None:
    from kozaguard.entrypoints.web import account

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)
    app.include_router(account.router)


#: The step-ups a page may start, by the action it protects.
STEP_UP_ACTIONS = {a.value: a for a in (Action.FACTOR_ENROLMENT, Action.PASSWORD_CHANGE)}


def _step_action(action: str) -> Action:
    """The action a page's step-up protects (factor enrolment unless the page names another)."""
    return STEP_UP_ACTIONS.get(action, Action.FACTOR_ENROLMENT)


def _svc(request: Request) -> IdentityService:
    return request.app.state.identity


def _token(request: Request, *, enrolling: bool = False) -> str | None:
    """The session cookie when it is live (and, unless `enrolling`, not held for enrolment)."""
    token = request.cookies.get(SESSION_COOKIE)
    try:
        _svc(request).session(token, enrolling=enrolling)
    except IdentityError:
        return None
    return token


def _to_login(request: Request) -> RedirectResponse:
    """To the login page, or to enrolment when the policy holds the session for it."""
    where = "/identity/pages/enrol" if _token(request, enrolling=True) else "/identity/pages/login"
    return RedirectResponse(where, status_code=303)


def _page(request: Request, name: str, **ctx) -> HTMLResponse:
    origins = request.app.state.settings.identity.origins
    ctx.setdefault("passkey_origin", origins[0] if origins else "")
    return templates.TemplateResponse(request, name, ctx)


@router.get("/login")
def login_page(request: Request, logged_out: bool = False) -> HTMLResponse:
    return _page(request, "login.html", logged_out=logged_out)


@router.post("/login")
def login_submit(
    request: Request,
    response: Response,
    login_id: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
) -> HTMLResponse:
    ctx = login_context(request, response)
    d = _svc(request).login(login_id, password, ctx)
    page = _page(request, "_login_step.html", d=d, error=None)
    for key, value in response.headers.items():
        if key == "set-cookie":
            page.headers.append(key, value)
    return page


@router.post("/login/verify")
def login_verify(
    request: Request,
    ticket: Annotated[str, Form(max_length=128)],
    method: Annotated[str, Form(max_length=20)],
    code: Annotated[str, Form(max_length=32)] = "",
) -> HTMLResponse:
    svc = _svc(request)
    try:
        d = svc.verify_login(ticket, method, code=code or None)
    except IdentityError as exc:
        retry = exc.code not in ("account_locked", "ticket_invalid")
        if method == "phone_call" and retry:  # still waiting for the call: the same step again
            return _page(request, "_phone_call.html", ticket=ticket, call=None, error=exc.message_ja)
        return _page(
            request,
            "_code_form.html",
            ticket=ticket if retry else None,
            methods=[method],
            error=exc.message_ja or exc.message,
        )
    next_page = "enrol" if "enrolment_required" in d.reasons else "activity"
    out = HTMLResponse("", headers={"HX-Redirect": f"/identity/pages/{next_page}"})
    set_session_cookie(request, out, d.session)
    return out


@router.post("/login/phone")
def login_phone(request: Request, ticket: Annotated[str, Form(max_length=128)]) -> HTMLResponse:
    """Phone-number authentication: show the number to call from the registered phone."""
    try:
        call = _svc(request).begin_phone_call(ticket)
    except IdentityError as exc:
        return _page(request, "_message.html", error=exc.message_ja or exc.message)
    return _page(request, "_phone_call.html", call=call, ticket=ticket)


@router.get("/enrol")
def enrol_page(request: Request) -> Response:
    """Enrolment at login: the policy's deadline passed; nothing else answers until it is done."""
    token = _token(request, enrolling=True)
    if token is None:
        return RedirectResponse("/identity/pages/login", status_code=303)
    status = _svc(request).enrolment_status(token)
    if not status["must_enrol"]:
        return RedirectResponse("/identity/pages/activity", status_code=303)
    return _page(request, "enrol.html", status=status)


@router.post("/step-up")
def step_up_send(request: Request, action: Annotated[str, Form(max_length=40)] = "") -> HTMLResponse:
    """Send the code of the step-up a page's action needs (adding a factor, changing the password)."""
    token = _token(request, enrolling=True)
    if token is None:
        return HTMLResponse("<p class='error'>ログインしてください。</p>", status_code=401)
    try:
        c = _svc(request).begin_step_up(token, _step_action(action))
    except IdentityError as exc:
        return _page(request, "_message.html", error=exc.message_ja or exc.message)
    if c.code_sent_to is None:
        return _page(request, "_message.html", error="登録済みのパスキーまたは認証アプリで確認してください。")
    return _page(request, "_message.html", message=f"認証コードを {c.code_sent_to} に送信しました。")


@router.post("/step-up/verify")
def step_up_verify(
    request: Request,
    code: Annotated[str, Form(max_length=32)],
    action: Annotated[str, Form(max_length=40)] = "",
) -> HTMLResponse:
    token = _token(request, enrolling=True)
    if token is None:
        return HTMLResponse("<p class='error'>ログインしてください。</p>", status_code=401)
    svc = _svc(request)
    step = _step_action(action)
    try:
        method = svc.begin_step_up_method(token, step)
        svc.verify_step_up(token, step, method, code=code)
    except IdentityError as exc:
        return _page(request, "_message.html", error=exc.message_ja or exc.message)
    done = "変更" if step is Action.PASSWORD_CHANGE else "登録"
    return _page(request, "_message.html", message=f"確認しました。5分以内に{done}してください。")


@router.get("/activity")
def activity(request: Request) -> Response:
    token = _token(request)
    if token is None:
        return _to_login(request)
    svc = _svc(request)
    customer = svc.customer_of(token)
    return _page(
        request,
        "activity.html",
        customer=customer,
        logins=svc.recent_logins(token),
        devices=svc.devices(token),
        factors=svc.enrolled(customer),
    )


@router.get("/passkeys")
def passkeys_page(request: Request) -> Response:
    token = _token(request)
    if token is None:
        return _to_login(request)
    return _page(request, "passkeys.html", passkeys=_svc(request).list_passkeys(token))


@router.get("/totp")
def totp_page(request: Request) -> Response:
    if _token(request) is None:
        return _to_login(request)
    return _page(request, "totp.html")


@router.post("/totp/enrol")
def totp_enrol(request: Request) -> HTMLResponse:
    token = _token(request, enrolling=True)
    if token is None:
        return HTMLResponse("<p class='error'>ログインしてください。</p>", status_code=401)
    try:
        p = _svc(request).begin_totp(token)
    except IdentityError as exc:
        return _page(request, "_message.html", error=exc.message_ja or exc.message)
    return _page(request, "_totp_enrol.html", p=p, error=None)


@router.post("/totp/confirm")
def totp_confirm(request: Request, code: Annotated[str, Form(max_length=32)]) -> HTMLResponse:
    token = _token(request, enrolling=True)
    if token is None:
        return HTMLResponse("<p class='error'>ログインしてください。</p>", status_code=401)
    try:
        _svc(request).confirm_totp(token, code)
    except IdentityError as exc:
        return _page(request, "_totp_confirm.html", error=exc.message_ja or exc.message)
    return _page(request, "_message.html", message="認証アプリを登録しました。次回のログインから使えます。")
