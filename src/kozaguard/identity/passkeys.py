"""Passkeys (WebAuthn / FIDO2) with py_webauthn: registration and authentication ceremonies.

A passkey is bound to the relying party: the browser signs the origin it really is on, and the
authenticator only answers for its RP ID, so a phishing site cannot relay it (JSDA's
"phishing-resistant" MFA). We require user verification (biometrics or device PIN), check RP ID
and origin, and refuse a signature counter that went backwards (a cloned authenticator).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    bytes_to_base64url,
    options_to_json_dict,
    parse_authentication_credential_json,
    parse_authenticator_data,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from kozaguard.identity.catalogue import refusal
from kozaguard.identity.errors import FactorRejected

TIMEOUT_MS = 120_000


@dataclass(frozen=True)
class RelyingParty:
    """Who we are to the browser: RP ID (a registrable domain) and the exact origins we serve."""

    rp_id: str
    name: str
    origins: tuple[str, ...]


@dataclass(frozen=True)
class Passkey:
    credential_id: bytes
    customer_id: str
    public_key: bytes
    sign_count: int
    name: str
    created_at: datetime
    last_used_at: datetime | None = None
    backed_up: bool = False
    transports: tuple[str, ...] = ()
    #: Added on a risky session: cannot pass a withdrawal step-up before this time.
    probation_until: datetime | None = None

    @property
    def id(self) -> str:
        """The credential ID as base64url, the form used in URLs and JSON."""
        return bytes_to_base64url(self.credential_id)


@dataclass(frozen=True)
class Verified:
    """Outcome of a passed ceremony."""

    credential_id: bytes
    public_key: bytes
    sign_count: int
    backed_up: bool


def registration_options(
    rp: RelyingParty,
    *,
    user_handle: bytes,
    login_id: str,
    display_name: str,
    existing: list[Passkey],
) -> tuple[dict[str, Any], bytes]:
    """Options for navigator.credentials.create() and the challenge to remember.

    Discoverable credential (resident key) so the customer can later log in without typing an ID;
    the customer's existing passkeys are excluded so one authenticator is not registered twice.
    """
    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=rp.name,
        user_name=login_id,
        user_id=user_handle,
        user_display_name=display_name,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in existing],
    )
    return options_to_json_dict(options), options.challenge


def verify_registration(rp: RelyingParty, credential: dict[str, Any] | str, challenge: bytes) -> Verified:
    """Check the authenticator's answer; raise `FactorRejected(passkey_rejected)` with the cause."""
    try:
        v = verify_registration_response(
            credential=_as_json(credential),
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=list(rp.origins),
            require_user_verification=True,
        )
    except Exception as exc:  # py_webauthn raises many kinds on malformed answers: all are a refusal
        raise _rejected(exc) from exc
    return Verified(v.credential_id, v.credential_public_key, v.sign_count, v.credential_backed_up)


def authentication_options(rp: RelyingParty, allowed: list[Passkey] | None) -> tuple[dict[str, Any], bytes]:
    """Options for navigator.credentials.get(); `allowed=None` lets the browser offer any passkey."""
    options = generate_authentication_options(
        rp_id=rp.rp_id,
        timeout=TIMEOUT_MS,
        allow_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in allowed or []],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json_dict(options), options.challenge


def credential_id_of(credential: dict[str, Any] | str) -> bytes:
    """The credential ID an authentication response claims, to look up the stored passkey."""
    try:
        return parse_authentication_credential_json(_as_json(credential)).raw_id
    except Exception as exc:
        raise _rejected(exc) from exc


def verify_authentication(
    rp: RelyingParty, credential: dict[str, Any] | str, challenge: bytes, passkey: Passkey
) -> Verified:
    """Check an assertion against the stored passkey; the counter must move forward.

    Authenticators that keep no counter (always 0, as synced passkeys do) are accepted while both
    stored and new counters are 0.
    """
    try:
        parsed = parse_authentication_credential_json(_as_json(credential))
        auth_data = parse_authenticator_data(parsed.response.authenticator_data)
    except Exception as exc:
        raise _rejected(exc) from exc
    if (auth_data.sign_count or passkey.sign_count) and auth_data.sign_count <= passkey.sign_count:
        raise refusal(
            "passkey_counter_regressed",
            field="credential",
            new=auth_data.sign_count,
            stored=passkey.sign_count,
        )
    try:
        v = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=list(rp.origins),
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except Exception as exc:
        raise _rejected(exc) from exc
    return Verified(v.credential_id, passkey.public_key, v.new_sign_count, v.credential_backed_up)


def _as_json(credential: dict[str, Any] | str) -> str:
    return credential if isinstance(credential, str) else json.dumps(credential)


def _rejected(exc: Exception) -> FactorRejected:
    return refusal("passkey_rejected", field="credential", cause=exc)
