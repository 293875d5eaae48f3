"""Cases against ground truth: attribution, case coverage, damage and the FSA table, per generator.

    .venv/bin/python bench/cases.py                      # kozaguard's simulator and altsim, seeds 1 2
    .venv/bin/python bench/cases.py --seeds 3 --customers 1000 --gen sim

Each run writes a stream (with labels), replays it through the engine, runs `kozaguard cases build`
with the engine's decisions only (system attribution; labels are not read), exports the cases and the
FSA table, and compares them with what the labels say, computed here directly from the events:
- attacker fills attributed %, and of the attributed fills the % that were the customer's own;
- accounts with an `unrecognized_trade` report that have a case;
- cases whose damage equals a direct computation from the labels (to the yen);
- FSA rows equal to the labels' counts;
- cases confirmed unauthorized on accounts where the labels have no attacker event at all.
One Markdown row per run for bench/README.md; with --explain, the missed and wrong fills and why.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

JST = timezone(timedelta(hours=9))
HERE = Path(__file__).parent
KOZAGUARD = [str(Path(sys.executable).parent / "kozaguard")]


def sh(*args: str) -> None:
    subprocess.run([*KOZAGUARD, *args], check=True, capture_output=True)


def generate(gen: str, seed: int, customers: int, days: int, folder: Path) -> None:
    if gen == "sim":
        sh(
            "simulate",
            "--customers",
            str(customers),
            "--days",
            str(days),
            "--warmup-days",
            str(days - 4),
            "--seed",
            str(seed),
            "--out",
            str(folder),
        )
    else:
        profile = gen.split("-", 1)[1] if "-" in gen else "default"
        subprocess.run(
            [
                sys.executable,
                str(HERE / "altsim"),
                "--out",
                str(folder),
                "--seed",
                str(seed),
                "--customers",
                str(customers),
                "--days",
                str(days),
                "--warmup-days",
                str(days - 4),
                "--profile",
                profile,
            ],
            check=True,
            capture_output=True,
        )
    sh("replay", str(folder / "events.jsonl"), "-o", str(folder / "decisions.jsonl"))


def d(x) -> Decimal:
    return Decimal(str(x))


def yen(x: Decimal) -> int:
    return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def day_of(ts: str) -> date:
    return datetime.fromisoformat(ts).astimezone(JST).date()


class Truth:
    """What the labels say, computed straight from the events (independent of kozaguard.cases)."""

    def __init__(self, folder: Path) -> None:
        labelled = {
            json.loads(x)["event_id"] for x in (folder / "labels.jsonl").read_text().splitlines() if x
        }
        self.attacker_orders: set[tuple[str, str]] = set()
        self.fills: dict[str, list[dict]] = defaultdict(list)  # by account, with fx and attacker flag
        self.holdings: dict[str, dict[str, Decimal]] = {}
        self.reported: set[str] = set()
        self.access: dict[str, set[str]] = defaultdict(set)  # month -> accounts
        self.withdrawn: dict[str, Decimal] = defaultdict(Decimal)
        self.closes: dict[str, dict[date, Decimal]] = defaultdict(dict)
        self.bar_days: set[tuple[str, date]] = set()
        self.fx_day: dict[str, dict[date, Decimal]] = defaultdict(dict)
        self.currency: dict[str, str] = {}
        self.order_why: dict[str, str] = {}
        self.touched: set[str] = set()  # accounts with any attacker-caused event
        rate: dict[str, Decimal] = {}
        with open(folder / "events.jsonl", encoding="utf-8") as f:
            for line in f:
                e = json.loads(line)
                kind = e["type"]
                if kind == "fx.rate":
                    rate[e["pair"][:3]] = d(e["rate"])
                    self.fx_day[e["pair"][:3]][day_of(e["ts"])] = d(e["rate"])
                elif kind == "market.bar":
                    day = date.fromisoformat(e["date"])
                    self.closes[e["symbol"]][day] = d(e["close"])
                    self.bar_days.add((e["symbol"], day))
                elif kind == "market.quote":
                    day = day_of(e["ts"])
                    if (e["symbol"], day) not in self.bar_days:
                        self.closes[e["symbol"]][day] = d(e["last"])
                elif kind == "instrument":
                    self.currency[e["symbol"]] = e["currency"]
                elif kind == "account.snapshot":
                    self.holdings[e["account_id"]] = {p["symbol"]: d(p["qty"]) for p in e["positions"]}
                elif kind == "customer.report" and e["kind"] == "unrecognized_trade":
                    self.reported.add(e["account_id"])
                elif kind == "order.fill":
                    cur = self.currency.get(e["symbol"], "JPY")
                    fx = Decimal(1) if cur == "JPY" else rate.get(cur)
                    bad = (e["account_id"], e["order_id"]) in self.attacker_orders
                    self.fills[e["account_id"]].append(dict(e, fx=fx, cur=cur, bad=bad))
                if e["event_id"] in labelled and "account_id" in e:
                    self.touched.add(e["account_id"])
                if e["event_id"] in labelled and "session_id" in e:
                    if kind != "auth.login" or e.get("result") == "password_ok":
                        self.access[day_of(e["ts"]).strftime("%Y-%m")].add(e["account_id"])
                    if kind == "order.new":
                        self.attacker_orders.add((e["account_id"], e["order_id"]))
                    if kind == "cash.withdrawal":
                        self.withdrawn[e["account_id"]] += d(e["amount_jpy"])

    def close(self, symbol: str, t: date) -> Decimal:
        return self.closes[symbol][max(k for k in self.closes[symbol] if k <= t)]

    def fx(self, cur: str, t: date) -> Decimal:
        return Decimal(1) if cur == "JPY" else self.fx_day[cur][max(k for k in self.fx_day[cur] if k <= t)]

    def damage(self, account: str, t: date) -> dict[str, int]:
        """Buy and sell loss, fees, restoration of the labelled fills; the customer's resales at his price."""
        cost = proceeds = bfee = sfee = resold_value = Decimal(0)
        own = defaultdict(Decimal, self.holdings.get(account, {}))
        bought, sold = defaultdict(Decimal), defaultdict(Decimal)
        for f in self.fills[account]:
            q, px, fee, fx = d(f["qty"]), d(f["price"]), d(f["fee_jpy"]), f["fx"]
            s = f["symbol"]
            if f["bad"] and f["side"] == "buy":
                cost += q * px * fx + fee
                bfee += fee
                bought[s] += q
            elif f["bad"]:
                proceeds += q * px * fx - fee
                sfee += fee
                sold[s] += q
                own[s] = max(Decimal(0), own[s] - q)
            elif f["side"] == "buy":
                own[s] += q
            else:
                take = min(q, own[s])
                own[s] -= take
                r = min(q - take, bought[s])
                bought[s] -= r
                resold_value += r * px * fx
        held = sum(
            (q * self.close(s, t) * self.fx(self.currency.get(s, "JPY"), t) for s, q in bought.items() if q),
            Decimal(0),
        )
        gone = sum(
            (q * self.close(s, t) * self.fx(self.currency.get(s, "JPY"), t) for s, q in sold.items()),
            Decimal(0),
        )
        lb, ls = cost - held - resold_value, gone - proceeds
        return {
            "buy_loss": yen(lb),
            "sell_loss": yen(ls),
            "fees": yen(bfee + sfee),
            "restoration": yen(lb + ls),
            "withdrawn": yen(self.withdrawn.get(account, Decimal(0))),
        }

    def fsa(self) -> dict[str, dict]:
        months: dict[str, dict] = defaultdict(
            lambda: {"traded": set(), "sell": Decimal(0), "buy": Decimal(0)}
        )
        for account, fills in self.fills.items():
            for f in fills:
                if f["bad"]:
                    m = months[day_of(f["ts"]).strftime("%Y-%m")]
                    m["traded"].add(account)
                    m[f["side"]] += d(f["qty"]) * d(f["price"]) * f["fx"]
        out = {}
        for month in sorted(set(months) | set(self.access)):
            m = months[month]
            out[month] = {
                "month": month,
                "accounts_accessed": len(self.access.get(month, ())),
                "accounts_traded": len(m["traded"]),
                "sell_notional_jpy": yen(m["sell"]),
                "buy_notional_jpy": yen(m["buy"]),
            }
        return out


def check(folder: Path, explain: bool = False) -> dict:
    db = folder / "cases.db"
    db.unlink(missing_ok=True)
    sh(
        "cases",
        "build",
        "--events",
        str(folder / "events.jsonl"),
        "--decisions",
        str(folder / "decisions.jsonl"),
        "--db",
        f"sqlite:{db}",
    )
    sh("cases", "export", "--db", f"sqlite:{db}", "-o", str(folder / "cases.jsonl"))
    sh("report", "fsa", "--db", f"sqlite:{db}", "--csv", str(folder / "fsa.csv"))
    cases = [json.loads(x) for x in (folder / "cases.jsonl").read_text().splitlines()]
    truth = Truth(folder)
    by_account = {c["account_id"]: c for c in cases}
    attributed = {(c["account_id"], o) for c in cases for o in c["unauthorized_order_ids"]}
    fills = [(a, f) for a, fs in truth.fills.items() for f in fs]
    attacker = [(a, f) for a, f in fills if f["bad"]]
    hit = [(a, f) for a, f in attacker if (a, f["order_id"]) in attributed]
    claimed = [(a, f) for a, f in fills if (a, f["order_id"]) in attributed]
    wrong = [(a, f) for a, f in claimed if not f["bad"]]
    victims = {a for a, _ in attacker}
    t = None
    exact = 0
    mismatched = []
    for a in sorted(victims):
        c = by_account.get(a)
        if c is None or not c.get("damage"):
            mismatched.append((a, "no case" if c is None else "no damage"))
            continue
        t = date.fromisoformat(c["damage"]["valuation_date"])
        want = truth.damage(a, t)
        got = {k: c["damage"][k] for k in want}
        if got == want:
            exact += 1
        else:
            mismatched.append((a, f"want {want} got {got}"))
    false_cases = [
        c["account_id"]
        for c in cases
        if c["status"] == "confirmed_unauthorized" and c["account_id"] not in truth.touched
    ]
    fsa_rows = {r["month"]: r for r in _csv(folder / "fsa.csv")}
    want_fsa = truth.fsa()
    fsa_equal = sum(1 for m, r in want_fsa.items() if fsa_rows.get(m) == r)
    row = {
        "attacker fills": len(attacker),
        "attributed %": 100.0 * len(hit) / len(attacker) if attacker else 100.0,
        "own among attributed %": 100.0 * len(wrong) / len(claimed) if claimed else 0.0,
        "reported accounts with a case": f"{len(truth.reported & set(by_account))}/{len(truth.reported)}",
        "exact damage": f"{exact}/{len(victims)}",
        "FSA months equal": f"{fsa_equal}/{len(want_fsa)}",
        "cases": len(cases),
        "confirmed without an attacker event": len(false_cases),
    }
    if explain:
        missed = [(a, f) for a, f in attacker if (a, f["order_id"]) not in attributed]
        for name, some in (("missed", missed), ("wrong", wrong)):
            per = defaultdict(int)
            for a, _ in some:
                per[a] += 1
            print(f"  {name} fills ({len(some)}):", *[f"{a}×{n}" for a, n in per.items()], file=sys.stderr)
        print(f"  confirmed without an attacker event: {' '.join(false_cases[:30])}", file=sys.stderr)
        for a, why in mismatched[:10]:
            print(f"  damage {a}: {why}", file=sys.stderr)
        for m, r in want_fsa.items():
            if fsa_rows.get(m) != r:
                print(f"  fsa {m}: want {r} got {fsa_rows.get(m)}", file=sys.stderr)
    return row


def _csv(path: Path) -> list[dict]:
    import csv

    with open(path, encoding="utf-8") as f:
        return [{k: (v if k == "month" else int(v)) for k, v in r.items()} for r in csv.DictReader(f)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--customers", type=int, default=1000)
    ap.add_argument("--days", type=int, default=12)
    ap.add_argument("--gen", action="append", help="sim, alt, alt-noisy, alt-mobile, alt-sparse")
    ap.add_argument("--folder", type=Path, help="Check an existing folder (events, decisions, labels) only.")
    ap.add_argument("--explain", action="store_true")
    args = ap.parse_args()
    if args.folder:
        print(json.dumps(check(args.folder, args.explain), ensure_ascii=False))
        return
    gens = args.gen or ["sim", "alt"]
    header = None
    for gen in gens:
        for seed in args.seeds:
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                generate(gen, seed, args.customers, args.days, folder)
                row = check(folder, args.explain)
            if header is None:
                header = ["generator", "seed", *row]
                print("| " + " | ".join(header) + " |")
                print("|" + "---|" * len(header))
            cells = [gen, str(seed)] + [f"{v:.2f}" if isinstance(v, float) else str(v) for v in row.values()]
            print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
