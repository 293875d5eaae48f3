"""Policy files: every preset loads and names its source; a wrong key or value is an error naming it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kozaguard.account_security import auth_policy
from kozaguard.account_security.auth_policy import PolicyError, decide, parse
from kozaguard.account_security.step_up import Action, Factor, required_factor
from kozaguard.identity.policies import PRESETS, load, loads, preset_text

VALID = """
name = "t"
[channels.web.login]
factor = "registered"
from = 2025-06-01
grace_days = 10
"""


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_loads_and_names_its_source(name):
    p = load(name)
    assert p.name == name and p.source
    assert "# Source:" in preset_text(name)  # the announcement modelled, in a comment
    assert any(ch.login is not None for ch in p.channels.values())


def test_the_presets_model_their_announcements():
    jsda = load("jsda-2025-10-15")
    for action in (Action.LOGIN, Action.WITHDRAWAL, Action.BANK_ACCOUNT_CHANGE):
        assert jsda.rule("web", action).factor == "passkey"
        assert jsda.rule("web", action).since == date(2025, 10, 15)
    nomura = load("nomura-2025")
    assert nomura.rule("web", Action.TRADE).since == date(2025, 6, 28)
    assert load("matsui-2025").phone_call and load("mizuho-2025").email_fallback
    assert load("monex-2025").rule("web", Action.LOGIN).since == date(2025, 5, 30)
    assert load("sbi-2025").passkey_only == "with_passkey"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (VALID.replace("factor =", "facter ="), ["channels.web.login.facter", "factor, from"]),
        (
            VALID.replace('"registered"', '"strong"'),
            ["channels.web.login.factor", "'strong'", "any, registered"],
        ),
        (
            VALID.replace("grace_days = 10", "grace_days = -3"),
            ["channels.web.login.grace_days", "-3", ">= 0"],
        ),
        (VALID.replace("grace_days = 10", 'grace_days = "ten"'), ["grace_days", "'ten'", "whole number"]),
        (
            VALID.replace("from = 2025-06-01", 'from = "June"'),
            ["channels.web.login.from", "'June'", "2025-06-01"],
        ),
        (VALID.replace("from = 2025-06-01\n", ""), ["channels.web.login.from", "missing"]),
        (
            VALID.replace("[channels.web.login]", "[channels.mobile.login]"),
            ["channels.mobile", "web, app, api"],
        ),
        (
            VALID.replace("[channels.web.login]", "[channels.web.logon]"),
            ["channels.web.logon", "login, trading"],
        ),
        (
            VALID.replace('name = "t"', 'name = "t"\npasskey_only = "yes"'),
            ["passkey_only", "'yes'", "with_passkey"],
        ),
        (
            VALID.replace('name = "t"', 'name = "t"\nemail_fallbak = true'),
            ["email_fallbak", "email_fallback"],
        ),
        (VALID.replace('name = "t"\n', ""), ["`name`", "missing"]),
        ("name = ", ["not valid TOML"]),
    ],
)
def test_a_wrong_key_or_value_is_an_error_naming_it(text, names):
    with pytest.raises(PolicyError) as err:
        loads(text, "broker.toml")
    message = str(err.value)
    assert message.startswith("broker.toml")
    for name in names:
        assert name in message, (name, message)


def test_a_file_and_an_unknown_preset(tmp_path):
    f = tmp_path / "broker.toml"
    f.write_text(VALID, encoding="utf-8")
    assert load(str(f)).rule("web", Action.LOGIN).grace_days == 10
    with pytest.raises(PolicyError, match="the presets are monex-2025"):
        load("monex-2026")


FACTORS = st.lists(st.sampled_from(list(Factor)), unique=True)


@given(
    factors=FACTORS,
    level=st.sampled_from(auth_policy.LEVELS),
    action=st.sampled_from(list(Action)),
    offset=st.integers(-60, 60),
    grace=st.integers(0, 30),
    fallback=st.booleans(),
)
def test_a_policy_requires_more_never_less(factors, level, action, offset, grace, fallback):
    """Whatever the policy, the factors it accepts are among those the risk-based rule accepts."""
    actions = {
        name: {"factor": level, "from": "2025-06-01", "grace_days": grace} for name in auth_policy.ACTIONS
    }
    p = parse({"name": "t", "email_fallback": fallback, "channels": {"web": actions}})
    day = date(2025, 6, 1).fromordinal(date(2025, 6, 1).toordinal() + offset)
    o = decide(p, "web", action, factors, day)
    base = required_factor(action, factors)
    assert set(o.requirement.accepted) <= set(base.accepted)
    if o.must_enrol:
        assert not any(f in auth_policy.MEETS[level] for f in factors)


def test_the_settings_check_the_policy_when_they_load(tmp_path):
    from kozaguard.config import ConfigError, load_settings

    assert load_settings(None, env={}, identity={"auth_policy": "jsda-2025-10-15"}).identity.auth_policy
    with pytest.raises(
        ConfigError, match=r"identity\.auth_policy: policy 'monex-2026': no such file and no such preset"
    ):
        load_settings(None, env={}, identity={"auth_policy": "monex-2026"})
    bad = tmp_path / "p.toml"
    bad.write_text(VALID.replace("grace_days = 10", "grace_days = -1"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"channels\.web\.login\.grace_days"):
        load_settings(None, env={"KOZAGUARD_IDENTITY_AUTH_POLICY": str(bad)})
