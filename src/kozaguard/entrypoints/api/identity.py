"""Identity endpoints under /identity: registration, login decisions, factors, step-up."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from webauthn.helpers import base64url_to_bytes

from kozaguard.account_security.auth_policy import CHANNELS
from kozaguard.account_security.step_up import Action, Factor
from kozaguard.apikeys import Scope
from kozaguard.entrypoints.api import schemas as s
from kozaguard.entrypoints.api.auth import require_scope
from kozaguard.entrypoints.api.errors import ErrorBody
from kozaguard.entrypoints.api.proxies import client_ip
from kozaguard.identity import telephony
from kozaguard.identity.catalogue import refusal
from kozaguard.identity.models import LoginContext
from kozaguard.identity.service import IdentityService, LoginDecision, mask

SESSION_COOKIE = "kz_session"
DEVICE_COOKIE = "kz_device"
_DECISION_STATUS = {"allow": 200, "challenge": 200, "deny": 401, "lock": 423}
_ERRORS = {
    400: {"model": ErrorBody},
    401: {"model": ErrorBody},
    403: {"model": ErrorBody},
    404: {"model": ErrorBody},
    409: {"model": ErrorBody},
    422: {"model": ErrorBody},
    423: {"model": ErrorBody},
    429: {"model": ErrorBody},
}

#: Login answers: a decision (deny 401, lock 423) or a refusal, both with these statuses.
_DECISION_RESPONSES = {
    401: {"model": s.LoginDecisionOut | ErrorBody},
    423: {"model": s.LoginDecisionOut | ErrorBody},
}

router = APIRouter(prefix="/identity", tags=["identity"], responses=_ERRORS)


def service(request: Request) -> IdentityService:
    return request.app.state.identity


def session_token(
    request: Request, authorization: Annotated[str | None, Header(include_in_schema=False)] = None
) -> str:
    """The session token from `Authorization: Bearer ...` or the kz_session cookie."""
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise refusal("not_authenticated", field="session")
    return token


Service = Annotated[IdentityService, Depends(service)]
Token = Annotated[str, Depends(session_token)]


def login_context(request: Request, response: Response) -> LoginContext:
    """Client address, User-Agent and device id (X-Device-Id header or kz_device cookie, set if absent)."""
    device = request.headers.get("x-device-id") or request.cookies.get(DEVICE_COOKIE)
    if not device:
        device = secrets.token_urlsafe(16)
        response.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=400 * 24 * 3600,
            httponly=True,
            samesite="strict",
            secure=request.app.state.settings.secure_cookies,
        )
    channel = request.headers.get("x-kozaguard-channel", "web")
    return LoginContext(
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", "")[:512],
        device_id=device[:128],
        channel=channel if channel in CHANNELS else "web",
    )


Context = Annotated[LoginContext, Depends(login_context)]


def decision_out(request: Request, response: Response, d: LoginDecision) -> s.LoginDecisionOut:
    response.status_code = _DECISION_STATUS[d.decision]
    if d.session:
        set_session_cookie(request, response, d.session)
    return s.LoginDecisionOut(
        decision=d.decision,
        reasons=list(d.reasons),
        factor=d.factor,
        methods=[str(m) for m in d.methods],
        ticket=d.ticket,
        session=d.session,
        attempts_left=d.attempts_left,
        risk=d.risk,
        code_sent_to=d.code_sent_to,
    )


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    ttl = int(request.app.state.identity.settings.session_ttl.total_seconds())
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=ttl,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
    )


# ----- customers and login ------------------------------------------------------------------------
@router.post(
    "/customers",
    status_code=201,
    summary="Register a customer and set the password (broker systems: API key, customers:write)",
    dependencies=[Depends(require_scope(Scope.CUSTOMERS_WRITE))],
)
def register(body: s.RegisterIn, svc: Service) -> s.CustomerOut:
    c = svc.register(body.login_id, body.password, body.email, body.phone, body.display_name)
    return s.CustomerOut(customer_id=c.customer_id, login_id=c.login_id)


@router.post(
    "/login",
    summary="Check the password and decide: challenge, deny or lock",
    responses=_DECISION_RESPONSES,
)
def login(
    body: s.LoginIn, request: Request, response: Response, ctx: Context, svc: Service
) -> s.LoginDecisionOut:
    return decision_out(request, response, svc.login(body.login_id, body.password, ctx))


@router.post("/login/code", summary="Send (again) a login code by SMS or e-mail")
def login_code(body: s.LoginCodeIn, svc: Service) -> s.CodeSentOut:
    return s.CodeSentOut(sent_to=svc.send_login_code(body.ticket, Factor(body.method)))


@router.post(
    "/login/verify",
    summary="Pass the second factor of a login and get a session",
    responses=_DECISION_RESPONSES,
)
def login_verify(
    body: s.LoginVerifyIn, request: Request, response: Response, svc: Service
) -> s.LoginDecisionOut:
    d = svc.verify_login(
        body.ticket, body.method, code=body.code, credential=body.credential, challenge_id=body.challenge_id
    )
    return decision_out(request, response, d)


@router.post(
    "/login/phone", summary="Phone-number authentication: the number to call from the registered phone"
)
def login_phone(body: s.PhoneCallIn, svc: Service) -> s.PhoneCallOut:
    return s.PhoneCallOut.model_validate(svc.begin_phone_call(body.ticket))


@router.post(
    "/telephony/calls",
    summary="Carrier webhook: a call arrived (HMAC-signed with timestamp and nonce)",
)
async def telephony_call(request: Request, svc: Service) -> s.TelephonyOut:
    body = await request.body()
    h = request.headers
    result = await run_in_threadpool(  # the store blocks: parallel calls really run in parallel
        svc.telephony_call,
        body,
        h.get(telephony.TIMESTAMP, ""),
        h.get(telephony.NONCE, ""),
        h.get(telephony.SIGNATURE, ""),
    )
    return s.TelephonyOut(**result)


@router.post("/login/passkey/options", summary="Passkey options for login (with a ticket, or usernameless)")
def login_passkey_options(body: s.PasskeyLoginOptionsIn, svc: Service) -> s.PasskeyOptionsOut:
    cid, options = svc.login_passkey_options(body.ticket)
    return s.PasskeyOptionsOut(challenge_id=cid, options=options)


@router.post(
    "/login/passkey",
    summary="Log in with a passkey alone (phishing-resistant)",
    responses=_DECISION_RESPONSES,
)
def login_passkey(
    body: s.PasskeyLoginIn, request: Request, response: Response, ctx: Context, svc: Service
) -> s.LoginDecisionOut:
    return decision_out(request, response, svc.login_with_passkey(body.challenge_id, body.credential, ctx))


@router.post("/logout", summary="End the session")
def logout(response: Response, token: Token, svc: Service) -> s.StatusOut:
    svc.logout(token)
    response.delete_cookie(SESSION_COOKIE)
    return s.StatusOut(status="logged_out")


@router.post("/unlock", summary="Unlock a locked account with a recovery code")
def unlock(body: s.UnlockIn, ctx: Context, svc: Service) -> s.StatusOut:
    svc.unlock_with_recovery_code(body.login_id, body.recovery_code, ctx)
    return s.StatusOut(status="unlocked")


# ----- the customer's own data ------------------------------------------------------------------
@router.get("/me", summary="The logged-in customer, factors and holds")
def me(token: Token, svc: Service) -> s.MeOut:
    c = svc.customer_of(token)
    held = c.contact_changed_at + svc.settings.cooling_off if c.contact_changed_at else None
    return s.MeOut(
        customer_id=c.customer_id,
        login_id=c.login_id,
        display_name=c.display_name,
        email=mask(c.email),
        phone=mask(c.phone),
        factors=[str(f) for f in svc.enrolled(c)],
        recovery_codes_left=svc.recovery_codes_left(token),
        contact_changed_at=c.contact_changed_at,
        withdrawals_held_until=held if held and held > svc.clock() else None,
    )


@router.get(
    "/enrolment", summary="What the policy needs this session to enrol (answers in the must-enrol state)"
)
def enrolment(token: Token, svc: Service) -> s.EnrolmentOut:
    return s.EnrolmentOut(**svc.enrolment_status(token))


@router.put("/passkey-only", summary="Turn passkey-only mode on or off (needs a passkey and a step-up)")
def passkey_only(body: s.PasskeyOnlyIn, token: Token, svc: Service) -> s.StatusOut:
    svc.set_passkey_only(token, body.on)
    return s.StatusOut(status="on" if body.on else "off")


@router.put("/password", summary="Change the password (needs step-up for password_change)")
def change_password(body: s.PasswordIn, token: Token, svc: Service) -> s.StatusOut:
    svc.change_password(token, body.new_password)
    return s.StatusOut(status="changed")


@router.put("/contact", summary="Change e-mail or phone: step-up, notice to the old contact, cooling-off")
def change_contact(body: s.ContactIn, token: Token, svc: Service) -> s.ContactOut:
    until = svc.change_contact(token, body.field, body.value)
    return s.ContactOut(field=body.field, cooling_off_until=until)


@router.get("/logins", summary="Recent logins, newest first")
def logins(token: Token, svc: Service, limit: int = 20) -> list[s.LoginRecordOut]:
    return [
        s.LoginRecordOut(
            at=r.at, ip=r.ip, device=r.device, outcome=r.outcome, factor=r.factor, new_device=r.new_device
        )
        for r in svc.recent_logins(token, min(max(limit, 1), 50))
    ]


@router.get("/devices", summary="Devices that logged in, most recent first")
def devices(token: Token, svc: Service) -> list[s.DeviceOut]:
    return [
        s.DeviceOut(
            description=d.description, first_seen=d.first_seen, last_seen=d.last_seen, last_ip=d.last_ip
        )
        for d in svc.devices(token)
    ]


# ----- factors ----------------------------------------------------------------------------------
@router.post("/totp/enrol", summary="Start TOTP enrolment: secret, otpauth URI and QR code")
def totp_enrol(token: Token, svc: Service) -> s.TotpEnrolOut:
    p = svc.begin_totp(token)
    return s.TotpEnrolOut(secret=p.secret, uri=p.uri, qr_svg=p.qr_svg)


@router.post("/totp/confirm", summary="Confirm TOTP enrolment with a first code")
def totp_confirm(body: s.CodeIn, token: Token, svc: Service) -> s.StatusOut:
    svc.confirm_totp(token, body.code)
    return s.StatusOut(status="enrolled")


@router.delete("/totp", summary="Remove the authenticator app (needs step-up for factor_removal)")
def totp_remove(token: Token, svc: Service) -> s.StatusOut:
    svc.remove_totp(token)
    return s.StatusOut(status="removed")


@router.post("/sms/enrol", summary="Send a code to the registered phone to turn on SMS authentication")
def sms_enrol(token: Token, svc: Service) -> s.CodeSentOut:
    return s.CodeSentOut(sent_to=svc.begin_sms(token))


@router.post("/sms/confirm", summary="Confirm SMS authentication with the code received")
def sms_confirm(body: s.CodeIn, token: Token, svc: Service) -> s.StatusOut:
    svc.confirm_sms(token, body.code)
    return s.StatusOut(status="enrolled")


@router.post("/passkeys/options", summary="Passkey registration options (navigator.credentials.create)")
def passkey_options(token: Token, svc: Service) -> s.PasskeyOptionsOut:
    cid, options = svc.passkey_registration_options(token)
    return s.PasskeyOptionsOut(challenge_id=cid, options=options)


@router.post("/passkeys", status_code=201, summary="Register a passkey from the authenticator's answer")
def passkey_register(body: s.PasskeyRegisterIn, token: Token, svc: Service) -> s.PasskeyOut:
    return _passkey_out(svc.register_passkey(token, body.challenge_id, body.credential, body.name))


@router.get("/passkeys", summary="The customer's passkeys")
def passkey_list(token: Token, svc: Service) -> list[s.PasskeyOut]:
    return [_passkey_out(p) for p in svc.list_passkeys(token)]


@router.delete("/passkeys/{credential_id}", summary="Remove a passkey (needs step-up for factor_removal)")
def passkey_remove(credential_id: str, token: Token, svc: Service) -> s.StatusOut:
    try:
        raw = base64url_to_bytes(credential_id)
    except Exception as exc:
        raise refusal("invalid_credential_id", field="credential_id") from exc
    svc.remove_passkey(token, raw)
    return s.StatusOut(status="removed")


@router.post("/recovery-codes", summary="Generate 10 recovery codes, shown once")
def recovery_codes(token: Token, svc: Service) -> s.RecoveryCodesOut:
    return s.RecoveryCodesOut(codes=svc.generate_recovery_codes(token))


# ----- step-up and actions ------------------------------------------------------------------------
@router.post("/step-up", summary="Start a step-up for an action: what it needs, options or code sent")
def step_up(body: s.StepUpIn, token: Token, svc: Service) -> s.StepUpOut:
    c = svc.begin_step_up(token, body.action)
    r = c.requirement
    return s.StepUpOut(
        action=body.action,
        factor=r.challenge,
        accepted=[str(f) for f in r.accepted],
        reason=r.reason,
        challenge_id=c.challenge_id,
        passkey_options=c.passkey_options,
        code_sent_to=c.code_sent_to,
    )


@router.post("/step-up/verify", summary="Pass the step-up factor; the session may then do the action")
def step_up_verify(body: s.StepUpVerifyIn, token: Token, svc: Service) -> s.StepUpGrantOut:
    until = svc.verify_step_up(
        token,
        body.action,
        body.method,
        code=body.code,
        credential=body.credential,
        challenge_id=body.challenge_id,
    )
    return s.StepUpGrantOut(action=body.action, valid_until=until)


@router.post(
    "/actions/authorize",
    summary="Decide an action now: allow, challenge (step-up) or hold",
    status_code=status.HTTP_200_OK,
)
def authorize(body: s.StepUpIn, token: Token, svc: Service) -> s.ActionDecisionOut:
    d = svc.authorize(token, Action(body.action))
    return s.ActionDecisionOut(
        action=body.action,
        decision=d.decision,
        factor=d.factor,
        reasons=list(d.reasons),
        held_until=None if d.held_until is None else datetime.fromtimestamp(d.held_until, UTC),
    )


def _passkey_out(p) -> s.PasskeyOut:
    return s.PasskeyOut(
        id=p.id,
        name=p.name,
        created_at=p.created_at,
        last_used_at=p.last_used_at,
        sign_count=p.sign_count,
        backed_up=p.backed_up,
    )
