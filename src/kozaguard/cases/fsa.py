"""The FSA's monthly table: accounts with confirmed unauthorized access and trades, and the notional.

Per calendar month in Japan time: an account counts for *access* when a login or action on a
session attributed to the attacker falls in the month, and for *trades* when an unauthorized fill
does. Notional is `qty × price` of each unauthorized fill in yen at its day's rate, fees excluded;
sums are rounded half up at the end. Only cases whose finding is `unauthorized` count.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from kozaguard.cases import tables as t
from kozaguard.cases.damage import yen
from kozaguard.cases.prices import JST
from kozaguard.cases.store import CaseStore

COLUMNS = ("month", "accounts_accessed", "accounts_traded", "sell_notional_jpy", "buy_notional_jpy")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def parse_months(text: str | None) -> tuple[str, str] | None:
    """`YYYY-MM` or `YYYY-MM..YYYY-MM` as an inclusive (first, last); None means every month.

    >>> parse_months("2025-04"), parse_months("2025-03..2025-05")
    (('2025-04', '2025-04'), ('2025-03', '2025-05'))
    """
    if text is None:
        return None
    first, _, last = text.partition("..")
    last = last or first
    for m in (first, last):
        if not _MONTH.match(m):
            raise ValueError(f"{m!r} is not a month; write YYYY-MM or YYYY-MM..YYYY-MM, e.g. 2025-04")
    if last < first:
        raise ValueError(f"{text}: the range ends before it starts; write the earlier month first")
    return first, last


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def table(store: CaseStore, months: tuple[str, str] | None) -> list[dict]:
    """One row per month (every month of the range, zeros included)."""
    accessed: dict[str, set[str]] = defaultdict(set)
    traded: dict[str, set[str]] = defaultdict(set)
    notional: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    with store.unit() as u:
        for case in u.case_rows():
            if case.finding != "unauthorized":
                continue
            for s in u.rows(t.case_sessions, case.case_id):
                if s.unauthorized:
                    for day in json.loads(s.access_days):
                        accessed[day[:7]].add(case.account_id)
            orders = [o for o in u.rows(t.case_orders, case.case_id) if o.unauthorized]
            for o in orders:  # placing an order is an action on the account
                accessed[datetime.fromisoformat(o.ts).astimezone(JST).strftime("%Y-%m")].add(case.account_id)
            bad = {o.order_id for o in orders}
            for f in u.rows(t.case_fills, case.case_id):
                if f.order_id in bad:
                    month = datetime.fromisoformat(f.ts).astimezone(JST).strftime("%Y-%m")
                    traded[month].add(case.account_id)
                    notional[(month, f.side)] += Decimal(f.qty) * Decimal(f.price) * Decimal(f.fx)
    seen = sorted(set(accessed) | set(traded))
    span = _months(*months) if months else (_months(seen[0], seen[-1]) if seen else [])
    return [
        {
            "month": m,
            "accounts_accessed": len(accessed.get(m, ())),
            "accounts_traded": len(traded.get(m, ())),
            "sell_notional_jpy": yen(notional.get((m, "sell"), Decimal(0))),
            "buy_notional_jpy": yen(notional.get((m, "buy"), Decimal(0))),
        }
        for m in span
    ]


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def chart(rows: list[dict], path: Path) -> None:
    """Bars of accounts (accessed, traded) and lines of notional (¥ million), Japanese labels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kozaguard.cases.fonts import japanese_font

    font = japanese_font()
    months = [r["month"] for r in rows]
    x = range(len(months))
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=120)
    w = 0.3
    ax.bar(
        [i - w / 2 for i in x],
        [r["accounts_accessed"] for r in rows],
        w,
        label="不正アクセス口座数",
        color="#4c72b0",
    )
    ax.bar(
        [i + w / 2 for i in x],
        [r["accounts_traded"] for r in rows],
        w,
        label="不正取引口座数",
        color="#dd8452",
    )
    ax.set_ylabel("口座数", fontproperties=font)
    ax.set_xticks(list(x), months)
    ax2 = ax.twinx()
    ax2.plot(
        list(x),
        [r["sell_notional_jpy"] / 1e6 for r in rows],
        "o-",
        color="#55a868",
        label="売却金額（百万円）",
    )
    ax2.plot(
        list(x),
        [r["buy_notional_jpy"] / 1e6 for r in rows],
        "s-",
        color="#c44e52",
        label="買付金額（百万円）",
    )
    ax2.set_ylabel("金額（百万円）", fontproperties=font)
    ax.set_xlim(-0.8, len(months) - 0.2)
    ax2.set_ylim(bottom=0)
    ax.set_ylim(0, max([r["accounts_accessed"] for r in rows] + [1]) * 1.25)
    ax.set_title("不正アクセス・不正取引の月次状況", fontproperties=font)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    labels = ax.get_legend_handles_labels()[1] + ax2.get_legend_handles_labels()[1]
    ax.legend(handles, labels, prop=font, loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
