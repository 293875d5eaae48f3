"""Checks every registered detector passes, run automatically over the whole registry."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest

from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detector import Detector
from kozaguard.engine.detectors import REGISTRY, default_detectors
from kozaguard.engine.engine import Engine
from kozaguard.events.schema import DECISION_BEARING, Login
from scenarios import ABROAD, HOME, history
from streams import at, buy, ev, login, sell

DOCUMENTED = set(
    re.findall(r"^\| `([a-z0-9_]+)` \|", (Path(__file__).parents[2] / "docs/reasons.md").read_text(), re.M)
)


def scenario():
    """Ordinary and hostile actions touching every decision-bearing type."""
    out = history(factors=("sms", "passkey"), days=12)
    bot = {"ip": "45.1.2.3", "device_id": None, "user_agent": "python-requests/2.31"}
    out += [
        login(at(13, 2, i), account_id=f"X{i}", session_id=f"b{i}", result="password_bad", **bot)
        for i in range(6)
    ]
    out += [
        login(at(13, 3), account_id="X1", session_id="b9", **bot),
        login(at(13, 8, 0), session_id="H", **HOME),
        login(at(13, 8, 40), session_id="T", device_id="d-home", ip="8.8.8.8"),
        ev("customer.report", at(13, 8, 50), account_id="A1", kind="phishing_message"),
        login(at(13, 8, 55), session_id="P", **ABROAD),
    ]
    out += [login(at(14, 4, i), result="password_bad", session_id="F", **HOME) for i in range(3)]
    out += [login(at(14, 4, 5), session_id="F", **HOME)]
    out += [login(at(14, 9, i), result="password_bad", session_id="F", **ABROAD) for i in range(6)]
    out += [
        ev("customer.report", at(14, 10), account_id="A1", kind="locked_out"),
        login(at(15, 9), account_id="B2", session_id="B", **ABROAD),
        login(at(15, 9, 5), session_id="R", **ABROAD),
        ev("profile.change", at(15, 9, 6), session_id="R", field="email", **ABROAD),
        ev("auth.factor", at(15, 9, 7), session_id="R", factor="passkey", action="removed", **ABROAD),
        sell(at(15, 9, 8), "7203", 300, session_id="R", **ABROAD),
        buy(at(15, 9, 9), "9999", 30_000, 120, session_id="R", **ABROAD),
        ev(
            "cash.withdrawal",
            at(15, 9, 10),
            session_id="R",
            amount_jpy=10_000,
            bank_account_id="B9",
            **ABROAD,
        ),
        sell(at(15, 9, 11), "7203", 100, session_id="H3", **HOME),
        buy(at(15, 9, 12), "9999", 100, 85, session_id="H3", device_id="d-home", ip="8.8.4.4"),
        buy(at(15, 9, 12), "7203", 2000, 2500, session_id="H3", device_id="d-home", ip="2400:4050::1"),
        ev(
            "auth.factor",
            at(15, 9, 12),
            session_id="H3",
            factor="totp",
            action="enrolled",
            device_id="d-home",
            ip="2400:4050::1",
        ),
        ev(
            "profile.change",
            at(15, 9, 12),
            session_id="H3",
            field="bank_account",
            device_id="d-home",
            ip="2400:4050::1",
        ),
        buy(at(15, 9, 13), "9999", 100, 85, session_id="NEVER", **ABROAD),
    ]
    out += [  # the customer reports a code he did not ask for, then a trade he does not recognise
        ev("customer.report", at(16, 8), account_id="A1", kind="unsolicited_code"),
        login(at(16, 9), session_id="U", **ABROAD),
        ev("customer.report", at(16, 10), account_id="A1", kind="unrecognized_trade"),
        sell(at(16, 10, 5), "7203", 100, session_id="H3", **HOME),
    ]
    crew = {
        "device_id": "d-crew",
        "ip": "45.9.9.9",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/124",
    }
    held = sell(at(17, 9, 1), "7203", 200, session_id="Z", **crew)
    out += [  # a stranger sells the holdings (held); staff reject it; the crew comes back
        login(at(17, 9), session_id="Z", **crew),
        held,
        ev(
            "review.decided",
            at(17, 10),
            account_id="A1",
            reviewed_event_id=held.event_id,
            outcome="rejected",
            staff_id="st-1",
        ),
        sell(at(17, 10, 1), "7203", 100, session_id="Z", **crew),
        login(at(17, 11), session_id="Z2", **crew),
    ]
    out.append(ev("symbol.restriction", at(15, 10, 12), symbol="9999", action="imposed", by="staff"))
    out += [  # hijacked sessions (never seen logging in) pumping the thin symbol
        buy(at(15, 10, 10 + i), "9999", 5000, 100, account_id=f"V{i}", session_id=f"v{i}", **HOME)
        for i in range(4)
    ]
    out.append(sell(at(15, 11), "7203", 100, account_id="V9", session_id="v9", **HOME))  # the crew's client
    return out


def snapshot(ctx) -> bytes:
    """Everything the engine keeps that a detector can reach, encoded (the memory twin's dicts)."""
    state = ctx.state
    repos = [state.accounts, state.sessions, state.symbols, state.fx, state.watch]
    return msgspec.msgpack.encode([sorted(r._items.items()) for r in repos])


class Spy(Detector):
    """Wraps a detector, checks that assess does not change the account, and keeps its findings."""

    def __init__(self, inner: Detector) -> None:
        self.inner, self.findings = inner, []
        self.assesses, self.observes = inner.assesses, inner.observes

    def assess(self, event, ctx):
        before = snapshot(ctx)
        finding = self.inner.assess(event, ctx)
        assert snapshot(ctx) == before, "assess must not change any state (account, session, symbols, watch)"
        if finding is not None:
            self.findings.append(finding)
        return finding

    def observe(self, event, ctx):
        self.inner.observe(event, ctx)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_detector_contract(name):
    cls = REGISTRY[name]
    assert re.fullmatch(r"[a-z][a-z0-9_]*", name) and cls.name == name
    assert cls.__doc__ is None or cls.__module__  # documented through its module
    assert (__import__(cls.__module__, fromlist=["x"]).__doc__ or "").strip(), "module docstring says why"
    assert cls.assesses and set(cls.assesses) <= set(DECISION_BEARING)
    spy = Spy(cls())
    others = [] if cls.alone else [d for d in default_detectors() if d.name != name]
    engine = Engine(memory_state(), [spy, *others])
    for e in scenario():
        engine.process(e)
    assert spy.findings, f"{name} found nothing in a scenario built to trigger every detector"
    for f in spy.findings:
        assert 0.0 <= f.score <= 1.0
        assert f.reasons, "a finding says why"
        undocumented = set(f.reasons) - DOCUMENTED
        assert not undocumented, f"document {undocumented} in docs/reasons.md"


def test_registry_builds_with_settings_and_rejects_unknown_names():
    lock = default_detectors({"lockout": {"max_failures": 3}})[0]
    assert lock.max_failures == 3
    with pytest.raises(ValueError, match="unknown detector"):
        default_detectors({"no_such": {}})


def test_full_engine_on_scenario_uses_only_documented_reasons():
    engine = Engine(memory_state(), default_detectors())
    for e in scenario():
        d = engine.process(e)
        if d is not None:
            assert set(d.reasons) <= DOCUMENTED
            assert isinstance(e, DECISION_BEARING)
            assert not (isinstance(e, Login) and e.result == "password_bad") or d.decision == "lock"
