"""Damage through `cases build` + `cases export`: a foreign stock, partial fills and a resale."""

from __future__ import annotations

import json

from casekit import export, ok

HOME = {
    "account_id": "K7",
    "ip": "203.0.113.10",
    "user_agent": "Mozilla/5.0 Safari/17",
    "device_id": "d-own",
    "channel": "app",
}
EVIL = {
    "account_id": "K7",
    "ip": "198.51.100.66",
    "user_agent": "Mozilla/5.0 Chrome/120",
    "device_id": "d-bad",
    "channel": "web",
}


def stream() -> list[dict]:
    ev: list[dict] = []

    def add(type_: str, ts: str, **fields) -> None:
        ev.append({"event_id": f"e{len(ev) + 1}", "type": type_, "ts": ts, **fields})

    add(
        "instrument",
        "2025-04-01T08:00:00+09:00",
        symbol="ZZZ",
        name="Zed Corp",
        market="NASDAQ",
        currency="USD",
        lot_size=1,
    )
    add(
        "account.opened",
        "2025-04-01T08:00:00+09:00",
        account_id="K7",
        birth_year=1970,
        prefecture="大阪府",
        margin_enabled=False,
        foreign_enabled=True,
        factors=["sms"],
    )
    add("account.snapshot", "2025-04-01T08:00:00+09:00", account_id="K7", cash_jpy=3_000_000, positions=[])
    add("auth.login", "2025-04-01T20:00:00+09:00", session_id="s1", result="password_ok", **HOME)
    add("fx.rate", "2025-04-02T09:00:00+09:00", pair="USDJPY", rate=150.5)
    add("auth.login", "2025-04-02T22:30:00+09:00", session_id="s2", result="password_ok", **EVIL)
    add(
        "order.new",
        "2025-04-02T22:31:00+09:00",
        session_id="s2",
        order_id="B1",
        symbol="ZZZ",
        side="buy",
        qty=100,
        order_type="limit",
        limit_price=12.5,
        account_type="cash",
        **EVIL,
    )
    # one order, three partial fills, at the rate of the fill's day (150.5)
    add(
        "order.fill",
        "2025-04-02T22:31:05+09:00",
        order_id="B1",
        account_id="K7",
        symbol="ZZZ",
        side="buy",
        qty=30,
        price=12.25,
        fee_jpy=0,
    )
    add(
        "order.fill",
        "2025-04-02T22:35:00+09:00",
        order_id="B1",
        account_id="K7",
        symbol="ZZZ",
        side="buy",
        qty=50,
        price=12.5,
        fee_jpy=0,
    )
    add("fx.rate", "2025-04-03T09:00:00+09:00", pair="USDJPY", rate=149.75)
    add(
        "order.fill",
        "2025-04-03T22:31:00+09:00",
        order_id="B1",
        account_id="K7",
        symbol="ZZZ",
        side="buy",
        qty=20,
        price=12.5,
        fee_jpy=1_250,
    )
    add(
        "market.bar",
        "2025-04-04T06:00:00+09:00",
        symbol="ZZZ",
        date="2025-04-03",
        open=12,
        high=12.5,
        low=8,
        close=8.5,
        volume=10_000,
    )
    add(
        "customer.report",
        "2025-04-04T12:00:00+09:00",
        account_id="K7",
        kind="unrecognized_trade",
        text="外国株を買った覚えがありません",
    )
    # the customer sells 40 of the attacker's shares himself, at $8.0 with the dollar at ¥149.75
    add("auth.login", "2025-04-04T21:00:00+09:00", session_id="s3", result="password_ok", **HOME)
    add(
        "order.new",
        "2025-04-04T21:01:00+09:00",
        session_id="s3",
        order_id="S1",
        symbol="ZZZ",
        side="sell",
        qty=40,
        order_type="market",
        account_type="cash",
        **HOME,
    )
    add(
        "order.fill",
        "2025-04-04T22:31:00+09:00",
        order_id="S1",
        account_id="K7",
        symbol="ZZZ",
        side="sell",
        qty=40,
        price=8.0,
        fee_jpy=500,
    )
    add("fx.rate", "2025-04-07T09:00:00+09:00", pair="USDJPY", rate=146.0)
    add(
        "market.bar",
        "2025-04-08T06:00:00+09:00",
        symbol="ZZZ",
        date="2025-04-07",
        open=7,
        high=7,
        low=6,
        close=6.5,
        volume=9_000,
    )
    return ev


def test_fx_partial_fills_and_a_resale(tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in stream()), encoding="utf-8")
    db = f"sqlite:{tmp_path / 'c.db'}"
    ok("cases", "build", "--events", str(events), "--db", db)
    [case] = export(db)
    assert case["unauthorized_order_ids"] == ["B1"]
    d = case["damage"]
    assert d["valuation_date"] == "2025-04-07"
    cost = (
        30 * 12.25 * 150.5 + 50 * 12.5 * 150.5 + 20 * 12.5 * 149.75 + 1_250
    )  # 55,308.75 + 94,062.5 + 37,437.5
    held = 60 * 6.5 * 146.0  # 60 shares still held, at T's close and rate
    resold = 40 * 8.0 * 149.75  # 40 shares at the customer's own price and rate
    assert cost - held - resold == 83_198.75  # exact in binary too
    assert d["buy_loss"] == 83_199  # rounded half up once
    assert d["fees"] == 1_250
    assert d["buy_loss_ex_fees"] == 81_949  # 81,948.75
    assert d["sell_loss"] == 0
    assert case["payouts"]["sbi-rakuten-2025"] == 40_974 + 1_250 + 10_000  # 40,974.375 + ...
    # valued earlier, before the customer's sale, the resale still counts at his price (it happened)
    [early] = export(db, "--valuation-date", "2025-04-03")
    assert early["damage"]["buy_loss"] == int(cost - 60 * 8.5 * 149.75 - resold + 0.5)  # 63,768.75
