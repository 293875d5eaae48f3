"""Every refusal the identity service gives, in one place: English, Japanese and the fix, by key.

The key is the stable code callers see in `error` unless an entry names another `code` (several
texts can share one code, e.g. `not_found`). Texts are `str.format` templates; `refusal()` fills
them and builds the refusal of the entry's kind (HTTP status follows the kind unless `status` says).
"""

from __future__ import annotations

from dataclasses import dataclass

from kozaguard.identity.errors import (
    AccountLocked,
    Conflict,
    FactorRejected,
    IdentityError,
    NotAuthenticated,
    NotFound,
    RateLimited,
    StepUpRequired,
    WeakPassword,
)


@dataclass(frozen=True)
class Text:
    kind: type[IdentityError]
    en: str
    ja: str
    fix: str
    code: str | None = None
    status: int | None = None


_SIGN_IN_AGAIN = (
    "Log in again (POST /identity/login) and send 'Authorization: Bearer <session>' or the kz_session cookie."
)

CATALOGUE: dict[str, Text] = {
    # registration and contacts
    "invalid_login_id": Text(
        IdentityError,
        "Login ID must be 3-64 letters, digits, '.', '_' or '-'.",
        "ログインIDは半角英数字と . _ - で3〜64文字にしてください。",
        "Use 3-64 characters from A-Z, a-z, 0-9, '.', '_', '-'.",
        status=422,
    ),
    "invalid_email": Text(
        IdentityError,
        "E-mail address is not valid.",
        "メールアドレスの形式が正しくありません。",
        "Give an address of the form name@domain.",
        status=422,
    ),
    "invalid_phone": Text(
        IdentityError,
        "Phone number is not valid.",
        "電話番号の形式が正しくありません。",
        "Give 10-16 digits, e.g. 090-1234-5678 or +819012345678.",
        status=422,
    ),
    "login_id_taken": Text(
        Conflict,
        "Login ID is already registered.",
        "このログインIDは既に登録されています。",
        "Choose another login ID.",
    ),
    "invalid_field": Text(
        IdentityError,
        "Unknown contact field {field_name!r}.",
        "変更できる連絡先はメールアドレスと電話番号です。",
        "Use 'email' or 'phone'.",
        status=422,
    ),
    "new_email_invalid": Text(
        IdentityError,
        "New email is not valid.",
        "新しい連絡先の形式が正しくありません。",
        "Give name@domain for e-mail.",
        code="invalid_email",
        status=422,
    ),
    "new_phone_invalid": Text(
        IdentityError,
        "New phone is not valid.",
        "新しい連絡先の形式が正しくありません。",
        "Give 10-16 digits for phone.",
        code="invalid_phone",
        status=422,
    ),
    # passwords
    "password_too_short": Text(
        WeakPassword,
        "Password is shorter than {min_length} characters.",
        "パスワードは{min_length}文字以上にしてください。",
        "Use at least {min_length} characters; a phrase of several unrelated words works well.",
    ),
    "password_too_long": Text(
        WeakPassword,
        "Password is longer than {max_length} characters.",
        "パスワードは{max_length}文字以下にしてください。",
        "Use at most {max_length} characters.",
    ),
    "password_common": Text(
        WeakPassword,
        "Password is among the most common passwords and is tried first by attackers.",
        "このパスワードはよく使われるパスワードの一覧に含まれているため使用できません。",
        "Choose a password you use nowhere else, e.g. several unrelated words.",
    ),
    "password_weak": Text(
        WeakPassword,
        "Password is too easy to guess (strength {score}/4, {min_score} needed).{hint}",
        "パスワードが推測されやすいため使用できません(強度 {score}/4、{min_score}以上が必要です)。"
        "ログインIDや生年月日、他のサービスと同じパスワードは避けてください。",
        "Make it longer or add unrelated words; avoid names, dates and your login ID.",
    ),
    # sessions, tickets, customers
    "not_authenticated": Text(
        NotAuthenticated, "Not logged in, or the session expired.", "ログインしてください。", _SIGN_IN_AGAIN
    ),
    "ticket_invalid": Text(
        NotAuthenticated,
        "Login ticket is unknown or expired.",
        "ログインの有効期限が切れました。もう一度ログインしてください。",
        "Start again with POST /identity/login.",
    ),
    "customer_not_found": Text(
        NotFound,
        "No such customer.",
        "お客様情報が見つかりません。",
        "Check the customer ID.",
        code="not_found",
    ),
    # the lock
    "locked_by_failures": Text(
        AccountLocked,
        "Too many failed attempts: the account is locked.",
        "認証に続けて失敗したため、ログインをロックしました。",
        "Unlock with a recovery code or call customer support.",
        code="account_locked",
    ),
    "account_locked": Text(
        AccountLocked,
        "The account is locked.",
        "ログインはロックされています。",
        "Unlock with a recovery code or call customer support.",
    ),
    "not_locked": Text(
        Conflict,
        "The account is not locked.",
        "このアカウントはロックされていません。",
        "Nothing to unlock; check the customer ID.",
    ),
    "unlock_invalid": Text(
        FactorRejected,
        "Login ID or recovery code is wrong.",
        "ログインIDまたはリカバリーコードが正しくありません。",
        "Type one unused recovery code exactly as printed; or call customer support.",
        code="recovery_code_invalid",
    ),
    "rate_limited": Text(
        RateLimited,
        "Too many {what}: try again in {retry_after} s.",
        "試行回数が多すぎます。{retry_after}秒後にもう一度お試しください。",
        "Wait {retry_after} seconds (Retry-After) before trying again.",
    ),
    # factors
    "method_not_accepted": Text(
        FactorRejected,
        "Method {method!r} is not accepted here.",
        "この認証方法はご利用いただけません。",
        "Use one of: {accepted}.",
    ),
    "missing_field": Text(FactorRejected, "'{name}' is required.", "入力が不足しています。", "{fix}"),
    "totp_digits": Text(
        FactorRejected,
        "A TOTP code has {digits} digits.",
        "認証コードは{digits}桁の数字です。",
        "Type the {digits} digits shown in your authenticator app.",
        code="totp_invalid",
    ),
    "totp_invalid": Text(
        FactorRejected,
        "Wrong TOTP code.",
        "認証コードが正しくありません。",
        "Enter the current code from the authenticator app registered for this account.",
    ),
    "totp_out_of_sync": Text(
        FactorRejected,
        "The code belongs to another time: the device clock is off.",
        "端末の時刻がずれています。時刻を自動設定にしてから、新しいコードを入力してください。",
        "Set the phone's clock to automatic and enter a fresh code.",
    ),
    "totp_replayed": Text(
        FactorRejected,
        "This code was already used.",
        "このコードは使用済みです。次のコードが表示されるまでお待ちください。",
        "Wait for the next code (up to 30 seconds) and enter it.",
    ),
    "totp_already_enrolled": Text(
        Conflict,
        "An authenticator app is already registered.",
        "認証アプリは既に登録されています。",
        "Remove it first (DELETE /identity/totp, needs step-up), then enrol again.",
    ),
    "totp_enrolment_missing": Text(
        NotFound,
        "No authenticator app enrolment in progress.",
        "認証アプリの登録を開始してください。",
        "Call POST /identity/totp/enrol first and scan the QR code.",
        code="not_found",
    ),
    "code_missing": Text(
        FactorRejected,
        "No code was sent for this step, or it was already used.",
        "認証コードが見つかりません。もう一度送信してください。",
        "Request a new code and enter it within 5 minutes.",
    ),
    "code_invalid": Text(
        FactorRejected,
        "Wrong code.",
        "認証コードが正しくありません(残り{left}回)。",
        "Enter the 6 digits from the latest message.",
    ),
    "code_expired": Text(
        FactorRejected, "The code expired.", "認証コードの有効期限が切れました。", "Request a new code."
    ),
    "code_exhausted": Text(
        FactorRejected,
        "Too many wrong codes: this code is void.",
        "入力回数の上限に達しました。",
        "Request a new code.",
    ),
    "recovery_code_invalid": Text(
        FactorRejected,
        "Recovery code is wrong or already used.",
        "リカバリーコードが正しくないか、使用済みです。",
        "Type one unused recovery code exactly as printed.",
    ),
    "passkey_rejected": Text(
        FactorRejected,
        "Passkey rejected: {cause}",
        "パスキーによる認証に失敗しました。",
        "Start again from the options endpoint on this site's own address, and verify with "
        "fingerprint, face or device PIN.",
    ),
    "passkey_counter_regressed": Text(
        FactorRejected,
        "Passkey signature counter went backwards ({new} <= {stored}): the authenticator may be a clone.",
        "パスキーの検証に失敗しました。お客様サポートまでご連絡ください。",
        "Use the original authenticator; if this persists, remove the passkey and register it again.",
    ),
    "passkey_unknown": Text(
        FactorRejected,
        "This passkey is not registered for this account.",
        "このパスキーは登録されていません。",
        "Use a passkey registered on this site, or log in with your password.",
    ),
    "passkey_already_registered": Text(
        Conflict,
        "This passkey is already registered.",
        "このパスキーは既に登録されています。",
        "Use another authenticator.",
    ),
    "passkey_not_found": Text(
        NotFound,
        "No such passkey.",
        "パスキーが見つかりません。",
        "List passkeys with GET /identity/passkeys.",
        code="not_found",
    ),
    "invalid_credential_id": Text(
        IdentityError,
        "credential_id is not base64url.",
        "パスキーの指定が正しくありません。",
        "Use the id returned by GET /identity/passkeys.",
        status=422,
    ),
    "passkey_on_probation": Text(
        FactorRejected,
        "This passkey was added on a risky session and cannot approve withdrawals yet.",
        "このパスキーは登録直後のため、出金の承認にはまだ使えません。",
        "Use it for withdrawals after {until}, or another passkey.",
    ),
    "challenge_invalid": Text(
        FactorRejected,
        "Unknown, used or expired passkey challenge.",
        "認証の有効期限が切れました。もう一度お試しください。",
        "Ask for new options and answer them once, within 10 minutes.",
    ),
    "factor_enrolment_refused": Text(
        FactorRejected,
        "A new factor cannot be added from this session.",
        "このセッションからは認証手段を追加できません。お客様サポートにお問い合わせください。",
        "Log in again from a device you use, or call customer support.",
        status=403,
    ),
    # the authentication policy (docs/authentication-policy.md)
    "enrolment_required": Text(
        StepUpRequired,
        "The broker's policy needs a {level} factor: enrol one before anything else.",
        "お取引を続けるには、追加認証の登録が必要です。登録画面の案内に沿って登録してください。",
        "Enrol a factor of level {level} (POST /identity/totp/enrol, /identity/sms/enrol or "
        "/identity/passkeys/options, after the factor_enrolment step-up); GET /identity/enrolment says what.",
        code="enrolment_required",
    ),
    "passkey_only": Text(
        FactorRejected,
        "Passkey-only mode: one-time codes and recovery codes are turned off for this account.",
        "このお客様はパスキー専用に設定されています。認証コードはご利用いただけません。",
        "Use a registered passkey; without one, call customer support (staff verify and unlock).",
        status=403,
    ),
    "passkey_only_needs_passkey": Text(
        Conflict,
        "Passkey-only mode needs at least one registered passkey.",
        "パスキー専用にするには、先にパスキーを登録してください。",
        "Register a passkey (POST /identity/passkeys/options), then turn passkey-only on.",
    ),
    "last_passkey_in_passkey_only": Text(
        Conflict,
        "The last passkey cannot be removed in passkey-only mode.",
        "パスキー専用のため、最後のパスキーは削除できません。",
        "Register another passkey first, or turn passkey-only off (needs a passkey step-up).",
    ),
    # phone-number authentication and its telephony webhook
    "phone_call_off": Text(
        FactorRejected,
        "Phone-number authentication is not offered for this login.",
        "電話番号認証はご利用いただけません。",
        "Use one of the methods the login answer lists.",
        status=403,
    ),
    "phone_call_waiting": Text(
        Conflict,
        "No call from the registered phone has arrived yet.",
        "ご登録の電話番号からの発信をまだ確認できていません。",
        "Call the number shown from the registered phone, then try again within the window.",
        status=409,
    ),
    "telephony_off": Text(
        IdentityError,
        "The telephony webhook is not configured.",
        "電話番号認証は設定されていません。",
        "Set identity.telephony_secret (KOZAGUARD_IDENTITY_TELEPHONY_SECRET) to the carrier's secret.",
        status=403,
    ),
    "webhook_signature_invalid": Text(
        NotAuthenticated,
        "Webhook signature missing or wrong.",
        "署名が正しくありません。",
        "Sign '<timestamp>.<nonce>.<body>' with HMAC-SHA256 and the shared secret; send it hex in "
        "X-Kozaguard-Signature with X-Kozaguard-Timestamp and X-Kozaguard-Nonce.",
    ),
    "webhook_stale": Text(
        NotAuthenticated,
        "Webhook timestamp is {age} s from the server clock (at most {skew} s).",
        "通知の時刻が古すぎます。",
        "Send the request when it is signed; keep the carrier's clock synchronised (NTP).",
    ),
    "webhook_replayed": Text(
        Conflict,
        "This webhook nonce was already used.",
        "この通知は処理済みです。",
        "Sign every request with a fresh random nonce.",
    ),
    "call_not_matched": Text(
        NotFound,
        "No login waits for a call from this number within its window.",
        "該当するログインはありません。",
        "The caller must be the registered phone, within the window the login page showed.",
        code="call_not_matched",
    ),
    "step_up_required": Text(
        StepUpRequired,
        "'{action}' needs a fresh step-up with {factor}.",
        "この操作には追加認証が必要です。",
        "POST /identity/step-up with action '{action}', then POST /identity/step-up/verify.",
    ),
}


def refusal(key: str, *, field: str | None = None, details: dict | None = None, **values) -> IdentityError:
    """The refusal `key` names, its texts filled with `values`.

    >>> r = refusal("code_invalid", field="code", left=2)
    >>> r.code, r.status, r.message_ja
    ('code_invalid', 401, '認証コードが正しくありません(残り2回)。')
    """
    t = CATALOGUE[key]
    return t.kind(
        t.en.format(**values),
        message_ja=t.ja.format(**values),
        field=field,
        fix=t.fix.format(**values),
        code=t.code or key,
        status=t.status,
        details=details,
    )
