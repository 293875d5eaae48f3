"""Request and response models of the HTTP API (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from kozaguard.account_security.step_up import Action

Method = Literal["passkey", "totp", "sms", "email_otp", "phone_call", "recovery_code"]


class RegisterIn(BaseModel):
    login_id: str = Field(min_length=3, max_length=64, examples=["taro.yamada"])
    password: str = Field(min_length=1, max_length=256)
    email: str = Field(max_length=254, examples=["taro@example.jp"])
    phone: str = Field(max_length=20, examples=["090-1234-5678"])
    display_name: str = Field("", max_length=64)


class CustomerOut(BaseModel):
    customer_id: str
    login_id: str


class LoginIn(BaseModel):
    login_id: str = Field(max_length=64)
    password: str = Field(max_length=256)


class LoginDecisionOut(BaseModel):
    """`decision`: allow | challenge | deny | lock. `factor` (challenge only): passkey | otp."""

    decision: Literal["allow", "challenge", "deny", "lock"]
    reasons: list[str]
    factor: Literal["passkey", "otp"] | None = None
    methods: list[str] = []
    ticket: str | None = Field(None, description="Pass it to /identity/login/verify within 10 minutes.")
    session: str | None = Field(None, description="Session token (also set as the kz_session cookie).")
    attempts_left: int | None = None
    risk: float = 0.0
    code_sent_to: str | None = Field(None, description="Masked contact a login code was sent to.")


class FactorProofIn(BaseModel):
    method: Method
    code: str | None = Field(None, max_length=32, description="TOTP, SMS/e-mail or recovery code.")
    credential: dict[str, Any] | None = Field(None, description="navigator.credentials.get() result as JSON.")
    challenge_id: str | None = Field(None, max_length=64)


class LoginVerifyIn(FactorProofIn):
    ticket: str = Field(max_length=128)


class LoginCodeIn(BaseModel):
    ticket: str = Field(max_length=128)
    method: Literal["sms", "email_otp"]


class CodeSentOut(BaseModel):
    sent_to: str


class PasskeyLoginOptionsIn(BaseModel):
    ticket: str | None = Field(None, max_length=128, description="Omit for a usernameless passkey login.")


class PasskeyOptionsOut(BaseModel):
    challenge_id: str
    options: dict[str, Any] = Field(description="publicKey options for navigator.credentials.create/get.")


class PasskeyLoginIn(BaseModel):
    challenge_id: str = Field(max_length=64)
    credential: dict[str, Any]


class UnlockIn(BaseModel):
    login_id: str = Field(max_length=64)
    recovery_code: str = Field(max_length=32)


class StatusOut(BaseModel):
    status: str


class MeOut(BaseModel):
    customer_id: str
    login_id: str
    display_name: str
    email: str
    phone: str
    factors: list[str]
    recovery_codes_left: int
    contact_changed_at: datetime | None
    withdrawals_held_until: datetime | None


class PasswordIn(BaseModel):
    new_password: str = Field(max_length=256)


class ContactIn(BaseModel):
    field: Literal["email", "phone"]
    value: str = Field(max_length=254)


class ContactOut(BaseModel):
    field: str
    cooling_off_until: datetime


class TotpEnrolOut(BaseModel):
    secret: str = Field(description="Base32 secret, for manual entry in the app.")
    uri: str = Field(description="otpauth:// provisioning URI (the QR code's content).")
    qr_svg: str = Field(description="The QR code as inline SVG.")


class CodeIn(BaseModel):
    code: str = Field(max_length=32)


class PasskeyRegisterIn(BaseModel):
    challenge_id: str = Field(max_length=64)
    credential: dict[str, Any] = Field(description="navigator.credentials.create() result as JSON.")
    name: str = Field("", max_length=40)


class PasskeyOut(BaseModel):
    id: str = Field(description="Credential ID, base64url.")
    name: str
    created_at: datetime
    last_used_at: datetime | None
    sign_count: int
    backed_up: bool


class RecoveryCodesOut(BaseModel):
    codes: list[str] = Field(description="Shown once: store them offline.")


class StepUpIn(BaseModel):
    action: Action


class StepUpOut(BaseModel):
    action: Action
    factor: Literal["passkey", "otp"]
    accepted: list[str]
    reason: str
    challenge_id: str | None = None
    passkey_options: dict[str, Any] | None = None
    code_sent_to: str | None = None


class StepUpVerifyIn(FactorProofIn):
    action: Action


class StepUpGrantOut(BaseModel):
    action: Action
    valid_until: datetime


class ActionDecisionOut(BaseModel):
    action: Action
    decision: Literal["allow", "challenge", "hold"]
    factor: Literal["passkey", "otp"] | None
    reasons: list[str]
    held_until: datetime | None = None


class LoginRecordOut(BaseModel):
    at: datetime
    ip: str
    device: str
    outcome: str
    factor: str | None
    new_device: bool


class DeviceOut(BaseModel):
    description: str
    first_seen: datetime
    last_seen: datetime
    last_ip: str


class DecisionOut(BaseModel):
    """The engine's answer to one decision-bearing event (fields at their default are left out)."""

    event_id: str = Field(description="The event's id as the caller sent it.")
    decision: Literal["allow", "challenge", "hold", "deny", "lock"]
    score: float = Field(ge=0, le=1)
    reasons: list[str] = Field([], description="Reason codes, see docs/reasons.md.")
    actions: list[str] = []
    factor: Literal["otp", "passkey"] | None = Field(None, description="With `challenge` only.")


class PhoneCallIn(BaseModel):
    ticket: str = Field(max_length=128)


class PhoneCallOut(BaseModel):
    """Call `call` from the registered phone (`from`, masked) before `until`."""

    call: str
    from_: str = Field(alias="from")
    until: datetime


class TelephonyOut(BaseModel):
    status: str


class EnrolmentOut(BaseModel):
    """`must_enrol`: the level this session must enrol before anything else (None: free)."""

    must_enrol: str | None
    level: str | None
    deadline: date | None
    factors: list[str]
    accepted: list[str]


class PasskeyOnlyIn(BaseModel):
    on: bool
