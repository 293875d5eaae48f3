"""Both stores keep the same records the same way."""

from __future__ import annotations

from datetime import timedelta

from kozaguard.account_security.lock import LockState
from kozaguard.account_security.step_up import Factor
from kozaguard.identity.codes import Channel, issue
from kozaguard.identity.models import Challenge, Customer, Device, LoginContext, LoginRecord, Session
from kozaguard.identity.otp import TotpEnrolment
from kozaguard.identity.passkeys import Passkey
from kozaguard.identity.recovery import generate
from kozaguard.identity.sqlite_store import SqliteIdentityStore


def test_round_trips(store, clock):
    now = clock()
    c = Customer("c1", "taro", "h", "t@example.jp", "090-1234-5678", "太郎", b"\x01" * 32, now)
    assert store.add_customer(c) and not store.add_customer(c)
    assert store.find_customer("taro") == c and store.get_customer("nobody") is None
    state = LockState(3, 1, now.timestamp(), None, failing_devices=("d1",))
    store.save_lockout("c1", state)
    assert store.get_lockout("c1") == state and store.get_lockout("c2") == LockState()
    store.save_totp("c1", TotpEnrolment("SECRET", True, 42))
    assert store.get_totp("c1").last_step == 42
    store.save_totp("c1", None)
    assert store.get_totp("c1") is None
    _, code = issue(Channel.SMS, "login", now)
    store.save_code("c1", "login", code)
    assert store.get_code("c1", "login") == code and store.get_code("c1", "other") is None
    pk1 = Passkey(b"id1", "c1", b"pub", 0, "a", now)
    pk2 = Passkey(b"id2", "c1", b"pub", 0, "b", now)
    store.save_passkey(pk1)
    store.save_passkey(pk2)
    store.save_passkey(Passkey(b"id1", "c1", b"pub", 5, "a", now))
    assert [(p.name, p.sign_count) for p in store.list_passkeys("c1")] == [("a", 5), ("b", 0)]
    store.delete_passkey(b"id1")
    assert store.get_passkey(b"id1") is None and store.get_passkey(b"id2") == pk2
    _, codes = generate()
    store.save_recovery_codes("c1", codes)
    assert store.get_recovery_codes("c1") == codes
    store.save_challenge("k", Challenge(b"ch", "login", None, now))
    assert store.pop_challenge("k").challenge == b"ch" and store.pop_challenge("k") is None
    s = Session(
        "th",
        "c1",
        now,
        now + timedelta(hours=1),
        LoginContext("1.2.3.4"),
        Factor.PASSKEY,
        {"withdrawal": (Factor.PASSKEY, now)},
    )
    store.save_session(s)
    assert store.get_session("th") == s
    store.delete_session("th")
    assert store.get_session("th") is None
    for i in range(60):
        store.add_login(LoginRecord("c1", now + timedelta(minutes=i), "1.2.3.4", "PC", "d", "success"))
    assert len(store.recent_logins("c1", 100)) == 50 and store.recent_logins("c1", 1)[
        0
    ].at == now + timedelta(minutes=59)
    store.save_device("c1", Device("d", "PC", now, now, "1.2.3.4"))
    assert [d.device_id for d in store.devices("c1")] == ["d"]


def test_sqlite_survives_reopen(tmp_path, clock):
    path = tmp_path / "db" / "identity.sqlite"
    a = SqliteIdentityStore(path)
    a.add_customer(Customer("c1", "taro", "h", "t@example.jp", "090", "太郎", b"\x02", clock()))
    a.close()
    assert SqliteIdentityStore(path).find_customer("taro").customer_id == "c1"
