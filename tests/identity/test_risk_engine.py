"""Risk-based login: the identity service asks the detection engine about each password check."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors import default_detectors
from kozaguard.engine.door import EngineDoor
from kozaguard.engine.engine import Engine
from kozaguard.identity.models import LoginContext
from kozaguard.identity.service import IdentityService

PASSWORD = "kumo-hashiru-7-sakana"
HOME = LoginContext(ip="126.10.20.30", user_agent="Mozilla/5.0 (iPhone) Safari/604.1", device_id="dev-home")
ABROAD = LoginContext(ip="8.8.8.8", user_agent="Mozilla/5.0 (X11; Linux x86_64)", device_id="dev-x")


@pytest.fixture
def door():
    return EngineDoor(Engine(memory_state(), default_detectors()))


@pytest.fixture
def rba(store, notifier, settings, clock, door):
    svc = IdentityService(
        store, notifier, replace(settings, mfa_at_login=False), clock=clock, risk_engine=door
    )
    svc.register("taro", PASSWORD, "taro@example.jp", "090-1234-5678", "山田太郎")
    return svc


def test_familiar_login_is_allowed_without_a_code(rba, clock):
    rba.login("taro", PASSWORD, HOME)  # first login: no history, nothing to compare
    clock.advance(hours=20)
    d = rba.login("taro", PASSWORD, HOME)
    assert d.decision == "allow" and d.session


def test_new_device_on_a_foreign_hosting_network_is_challenged(rba, clock):
    rba.login("taro", PASSWORD, HOME)
    clock.advance(hours=20)
    d = rba.login("taro", PASSWORD, ABROAD)
    assert d.decision == "challenge"
    assert {"new_device", "foreign_ip", "hosting_network", "risk_based_challenge"} <= set(d.reasons)


def test_engine_sees_failed_passwords_too(rba, door, clock):
    rba.login("taro", PASSWORD, HOME)
    rba.login("taro", "wrong-password-1", HOME)
    customer = rba.store.find_customer("taro")
    assert door.engine.state.accounts.get(customer.customer_id).failures == 1
