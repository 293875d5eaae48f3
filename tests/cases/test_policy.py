"""Policies: the presets load, bad files are refused naming the key and the fix, payouts follow the rules."""

from __future__ import annotations

from datetime import date

import pytest

from kozaguard.cases.damage import Damage
from kozaguard.cases.policy import PRESETS, AppliedReduction, PolicyError, load_policy, parse_policy, preset
from kozaguard.cases.prices import dec

GOOD = """
id = "firm-x"
[window]
from = 2025-01-01
to = 2025-12-31
[method]
kind = "share"
rate_buy = 0.5
rate_sell = 0.25
refund_fees = true
fixed_jpy = 5000
[[reductions]]
id = "mfa_refused"
percent = 60
label_ja = "多要素認証の未設定"
[[reductions]]
id = "password_reused"
percent = 70
"""


def worked() -> Damage:
    return Damage(
        date(2025, 4, 30),
        buy_cost=dec(2_801_500),
        bought_value=dec(1_200_000),
        buy_fees=dec(1_500),
        sold_value=dec(3_100_000),
        sell_proceeds=dec(2_949_000),
        sell_fees=dec(1_000),
    )


def test_presets_load_and_match_the_worked_example():
    d = worked()
    got = {p: preset(p).payout(d, incident=date(2025, 4, 21), reported=True) for p in PRESETS}
    assert got == {"sbi-rakuten-2025": 812_500, "matsui-2025": 877_500, "restore": 1_752_500}
    assert preset("restore").settle == ("cash", "in_kind")


def test_share_policy_with_fixed_sum_and_capped_reductions():
    p = parse_policy(GOOD)
    d = worked()
    # 0.5 × 1,600,000 + 0.25 × 150,000 + 2,500 + 5,000
    assert p.payout(d, incident=date(2025, 4, 21), reported=True) == 845_000
    one = (AppliedReduction("mfa_refused", "二要素認証を3回案内したが設定されなかった"),)
    assert p.payout(d, incident=date(2025, 4, 21), reported=True, applied=one) == 338_000
    both = (*one, AppliedReduction("password_reused", "他社と同じパスワードだと申告"))
    assert p.payout(d, incident=date(2025, 4, 21), reported=True, applied=both) == 0  # 130% capped at 100%


def test_window_and_requires_report():
    p = parse_policy("requires_report = 2025-06-29\n" + GOOD)
    d = worked()
    assert p.payout(d, incident=date(2024, 12, 31), reported=True) == 0
    assert p.payout(d, incident=date(2026, 1, 1), reported=True) == 0
    assert p.payout(d, incident=date(2025, 6, 28), reported=False) == 845_000
    assert p.payout(d, incident=date(2025, 6, 29), reported=False) == 0
    assert "reported" in p.coverage(date(2025, 7, 1), False)
    assert p.payout(d, incident=date(2025, 7, 1), reported=True) == 845_000


def test_reduction_needs_a_reason_and_a_known_id():
    p = parse_policy(GOOD)
    with pytest.raises(PolicyError, match="needs a written reason"):
        p.payout(
            worked(),
            incident=date(2025, 4, 21),
            reported=True,
            applied=(AppliedReduction("mfa_refused", ""),),
        )
    with pytest.raises(
        PolicyError, match="no reduction `careless`; its reductions are: mfa_refused, password_reused"
    ):
        p.reduction_rate((AppliedReduction("careless", "why"),))


def test_restore_pays_nothing_for_a_gain_and_adds_withdrawals():
    p = preset("restore")
    gain = Damage(date(2025, 4, 30), sold_value=dec(100), sell_proceeds=dec(500))
    assert p.payout(gain, incident=date(2025, 4, 21), reported=True) == 0
    gain.withdrawn = dec(300_000)
    assert p.payout(gain, incident=date(2025, 4, 21), reported=True) == 300_000


def test_rounding_is_half_up_at_the_end():
    p = parse_policy(
        GOOD.replace("rate_buy = 0.5", "rate_buy = 0.333").replace("fixed_jpy = 5000", "fixed_jpy = 0")
    )
    d = Damage(date(2025, 4, 30), buy_cost=dec("1501.5"), bought_value=dec(0))  # 0.333 × 1501.5 = 499.9995
    assert p.payout(d, incident=date(2025, 4, 21), reported=True) == 500


BAD = [
    ("id = 3\n[method]\nkind='restore'", "key `id`", 'id = "..."'),
    ('id = "a b"\n[method]\nkind="restore"', "key `id`", "letters, digits"),
    ('id = "x"', "key `method`", 'kind = "restore"'),
    ('id = "x"\n[method]\nkind = "half"', "key `method.kind`", 'use "restore" or "share"'),
    ('id = "x"\n[method]\nkind = "share"\nrate_sell = 0.5', "key `method.rate_buy`", "rate_buy = 0.5"),
    (
        'id = "x"\n[method]\nkind = "share"\nrate_buy = 1.5\nrate_sell = 0',
        "key `method.rate_buy`",
        "from 0 to 1",
    ),
    (
        'id = "x"\n[method]\nkind = "share"\nrate_buy = "half"\nrate_sell = 0',
        "key `method.rate_buy`",
        "a number",
    ),
    (
        'id = "x"\n[method]\nkind = "share"\nrate_buy = 0.5\nrate_sell = 0\nfixed_jpy = 99.5',
        "key `method.fixed_jpy`",
        "whole number",
    ),
    ('id = "x"\n[method]\nkind = "restore"\nrate_buy = 0.5', "key `method.rate_buy`", "only to kind = share"),
    ('id = "x"\n[method]\nkind = "restore"\nsettle = ["cheque"]', "key `method.settle`", '"in_kind"'),
    (
        'id = "x"\nwindow = { from = "2025-01-01" }\n[method]\nkind = "restore"',
        "key `window.from`",
        "TOML date",
    ),
    (
        'id = "x"\n[window]\nfrom = 2025-06-01\nto = 2025-01-01\n[method]\nkind = "restore"',
        "key `window.to`",
        "swap",
    ),
    (
        'id = "x"\nrequires_report = "yes"\n[method]\nkind = "restore"',
        "key `requires_report`",
        "true, false or",
    ),
    ('id = "x"\nratebuy = 1\n[method]\nkind = "restore"', "key `ratebuy`", "allowed here"),
    (
        'id = "x"\n[method]\nkind = "restore"\n[[reductions]]\nid = "a"',
        "key `reductions[0].percent`",
        "percent = 50",
    ),
    (
        'id = "x"\n[method]\nkind = "restore"\n[[reductions]]\nid = "a"\npercent = 150',
        "key `reductions[0].percent`",
        "from 0 to 100",
    ),
    (
        'id = "x"\n[method]\nkind = "restore"\n[[reductions]]\nid = "a"\npercent = 5\n'
        '[[reductions]]\nid = "a"\npercent = 6',
        "key `reductions[1].id`",
        "its own id",
    ),
]


@pytest.mark.parametrize(("text", "key", "fix"), BAD, ids=[b[1] for b in BAD])
def test_bad_policy_names_the_key_and_the_fix(text, key, fix):
    with pytest.raises(PolicyError) as err:
        parse_policy(text, "firm.toml")
    message = str(err.value)
    assert message.startswith("firm.toml: ") and key in message and fix in message


def test_toml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('id = "x"\n[method\nkind = "restore"\n')
    with pytest.raises(PolicyError, match=r"p\.toml: not valid TOML .*line 2"):
        load_policy(path)
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "missing.toml")
