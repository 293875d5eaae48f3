"""Damage: fx of the fill's day and at T, partial fills, shares the customer sold afterwards, in kind."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from kozaguard.cases.damage import Trade, assess
from kozaguard.cases.prices import JST, MissingPrice, PriceBook, dec

T = date(2025, 4, 30)
T0 = datetime(2025, 4, 21, 10, tzinfo=JST)


def trade(n, symbol, side, qty, price, fee=0, fx=1, bad=True, minutes=0):
    return Trade(
        f"f{n}",
        f"O{n}",
        T0 + timedelta(minutes=minutes),
        symbol,
        side,
        dec(qty),
        dec(price),
        dec(fee),
        dec(fx),
        bad,
    )


def book(**closes) -> PriceBook:
    p = PriceBook()
    for symbol, close in closes.items():
        p.add_close(symbol, T, close)
    return p


def test_partial_fills_add_up_and_round_once_at_the_end():
    # one order of 3 shares at ¥100.5 filled as 1 + 2 with fees of ¥0.25 each
    fills = [trade(1, "X", "buy", 1, "100.5", "0.25"), trade(1, "X", "buy", 2, "100.5", "0.25", minutes=1)]
    d = assess(fills, {}, book(X=50), T)
    assert d.buy_cost == Decimal("302.0")
    assert d.figures()["buy_loss"] == 152  # 302.0 − 150
    assert d.figures()["fees"] == 1  # 0.5 rounds half up once, not 0.25 + 0.25 each rounded to 0
    assert d.figures()["buy_loss_ex_fees"] == 152  # 151.5 rounds half up


def test_foreign_fill_uses_its_days_rate_and_values_at_the_rate_of_T():
    p = book(AAPL=200)
    p.currency["AAPL"] = "USD"
    p.add_fx("USD", date(2025, 4, 29), 140)
    p.add_fx("USD", T, 145)
    # bought 10 at $210 when the dollar was ¥150, fee ¥300; worth 10 × $200 × ¥145 at T
    d = assess([trade(1, "AAPL", "buy", 10, 210, 300, fx=150)], {}, p, T)
    assert d.figures()["buy_loss"] == 10 * 210 * 150 + 300 - 10 * 200 * 145
    assert d.figures()["buy_loss_ex_fees"] == 10 * 210 * 150 - 10 * 200 * 145


def test_value_at_T_needs_a_rate_on_or_before_it():
    p = book(AAPL=200)
    p.currency["AAPL"] = "USD"
    p.add_fx("USD", date(2025, 5, 2), 145)
    with pytest.raises(MissingPrice, match="no USDJPY rate on or before 2025-04-30"):
        assess([trade(1, "AAPL", "buy", 10, 210, fx=150)], {}, p, T)


def test_shares_the_customer_sold_afterwards_count_at_his_price():
    fills = [
        trade(1, "X", "buy", 20_000, 140, 1_500),  # the attacker
        trade(2, "X", "sell", 5_000, 90, 800, bad=False, minutes=60 * 24),  # the customer sells some, at ¥90
    ]
    d = assess(fills, {}, book(X=60), T)
    # 15,000 still held at ¥60, 5,000 at his ¥90
    assert d.figures()["buy_loss"] == 2_801_500 - (15_000 * 60 + 5_000 * 90)
    assert d.give_up_shares == {"X": Decimal(15_000)}
    assert d.resold_cash == Decimal(450_000)


def test_a_customer_selling_his_own_shares_is_not_a_resale_of_the_attackers():
    fills = [
        trade(1, "X", "buy", 1_000, 140),  # the attacker buys 1,000 X
        trade(2, "X", "sell", 500, 90, bad=False, minutes=60),  # the customer sells 500 of the 800 he had
    ]
    d = assess(fills, {"X": 800}, book(X=60), T)
    assert d.figures()["buy_loss"] == 140_000 - 1_000 * 60
    assert d.resold_cash == 0


def test_restore_in_kind_matches_cash_restoration():
    fills = [trade(1, "A", "sell", 1_000, 2_950, 1_000), trade(2, "X", "buy", 20_000, 140, 1_500, minutes=5)]
    p = book(A=3_100, X=60)
    d = assess(fills, {"A": 1_000}, p, T)
    assert d.return_shares == {"A": Decimal(1_000)}
    assert d.give_up_shares == {"X": Decimal(20_000)}
    assert d.net_cash == Decimal(147_500)
    value = 1_000 * 3_100 - 20_000 * 60 - d.net_cash
    assert value == d.restoration == Decimal(1_752_500)


def test_sell_loss_may_be_negative():
    d = assess([trade(1, "A", "sell", 100, 3_000, 500)], {"A": 100}, book(A=2_000), T)
    assert d.figures()["sell_loss"] == 200_000 - 299_500
    assert d.figures()["sell_loss_ex_fees"] == 200_000 - 300_000


def test_customer_fills_alone_are_no_damage():
    d = assess([trade(1, "A", "buy", 100, 3_000, bad=False)], {}, book(A=2_000), T)
    assert d.figures()["restoration"] == 0
