"""TOTP: RFC 6238 Appendix B vectors, the ±1 window, out-of-sync codes and replay."""

from __future__ import annotations

import base64

import pytest

from kozaguard.identity import otp
from kozaguard.identity.errors import FactorRejected

SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
# RFC 6238 Appendix B: (time, sha1, sha256, sha512), 8 digits.
VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize("t,sha1,sha256,sha512", VECTORS)
def test_rfc6238_appendix_b(t, sha1, sha256, sha512):
    for algorithm, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        secret = base64.b32encode(SEEDS[algorithm]).decode()
        assert otp.code_at(secret, t, digits=8, algorithm=algorithm) == expected


T0 = 1_744_590_000.0  # a time in April 2025


def enrolment(last_step=None):
    return otp.TotpEnrolment(base64.b32encode(SEEDS["sha1"]).decode(), True, last_step)


def code_for(offset_steps: int) -> str:
    return otp.code_at(enrolment().secret, T0 + offset_steps * otp.INTERVAL)


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_window_accepts_one_step_either_side(offset):
    assert otp.verify(enrolment(), code_for(offset), T0) == otp.time_step(T0) + offset


@pytest.mark.parametrize("offset", [-10, -2, 2, 10])
def test_codes_two_to_ten_steps_away_are_out_of_sync(offset):
    with pytest.raises(FactorRejected) as e:
        otp.verify(enrolment(), code_for(offset), T0)
    assert e.value.code == "totp_out_of_sync"


def test_wrong_and_far_codes_are_invalid():
    far = code_for(40)
    wrong = f"{(int(code_for(0)) + 1) % 10**6:06d}"
    for code in (far, wrong, "12345", "abcdef"):
        if code in {code_for(o) for o in range(-10, 11)}:
            continue
        with pytest.raises(FactorRejected) as e:
            otp.verify(enrolment(), code, T0)
        assert e.value.code == "totp_invalid"


def test_a_code_is_accepted_once():
    step = otp.verify(enrolment(), code_for(0), T0)
    with pytest.raises(FactorRejected) as e:
        otp.verify(enrolment(last_step=step), code_for(0), T0 + 5)
    assert e.value.code == "totp_replayed"


def test_an_older_code_after_a_newer_one_is_replay():
    step = otp.verify(enrolment(), code_for(1), T0)
    with pytest.raises(FactorRejected) as e:
        otp.verify(enrolment(last_step=step), code_for(0), T0)
    assert e.value.code == "totp_replayed"
    assert otp.verify(enrolment(last_step=step), code_for(2), T0 + otp.INTERVAL) == step + 1


def test_provisioning_uri_and_qr():
    secret = otp.new_secret()
    uri = otp.provisioning_uri(secret, "taro", "kozaguard 証券")
    assert uri.startswith("otpauth://totp/") and "issuer=kozaguard" in uri and f"secret={secret}" in uri
    svg = otp.qr_svg(uri)
    assert svg.startswith("<svg") and "path" in svg
    assert len(base64.b32decode(otp.new_secret())) == 20


def test_service_totp_enrol_confirm_and_replay_at_login(service, login, clock, notifier, ctx):
    token = login()
    p = service.begin_totp(token)
    assert "issuer=kozaguard" in p.uri and p.qr_svg.startswith("<svg")
    service.confirm_totp(token, otp.code_at(p.secret, clock().timestamp()))
    assert notifier.sent[-1].kind == "factor_changed"
    clock.advance(seconds=31)
    d = service.login("taro", "kumo-hashiru-7-sakana", ctx)
    assert d.decision == "challenge" and d.methods[0] == "totp" and d.factor == "otp"
    code = otp.code_at(p.secret, clock().timestamp())
    assert service.verify_login(d.ticket, "totp", code=code).decision == "allow"
    d = service.login("taro", "kumo-hashiru-7-sakana", ctx)
    with pytest.raises(FactorRejected) as e:
        service.verify_login(d.ticket, "totp", code=code)
    assert e.value.code == "totp_replayed"
