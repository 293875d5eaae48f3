"""`kozaguard demo --serve`: the demo's data in the console, on localhost, with a staff and a customer login.

After simulate → replay → evaluate → cases, everything the demo wrote is put where the app reads it:
the stream and its decisions into the console's ledger (alert queue, campaigns, timelines), the
evaluation's figures onto the dashboard, and the cases database as it is; the engine itself starts
afresh in memory, so what is tried live is decided live. Two staff members (an admin and an analyst,
for four-eyes) and one customer are created afresh each run, with passwords made for the run; the
customer is one
of the simulated account holders (his orders are on his checkup page). Codes mailed to the customer
land in a development outbox, and the demo prints them on the terminal (there is no mail server).
"""

from __future__ import annotations

import json
import secrets
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

STAFF = (("demo-admin", "admin", "デモ管理者"), ("demo-analyst", "analyst", "デモ分析担当"))
CUSTOMER = "demo-customer"


@dataclass(frozen=True)
class DemoLogin:
    login_id: str
    password: str
    role: str = "customer"
    totp_secret: str | None = None


def _password() -> str:
    return "-".join(secrets.token_hex(3) for _ in range(4))


def demo_settings(out: Path, host: str, port: int):
    from kozaguard.config import load_settings
    from kozaguard.entrypoints import serving

    where = out / "serve"
    settings = load_settings(
        None,
        # the engine starts afresh in memory: the console's views read the ledger, not the engine
        engine={"state": "memory"},
        http={
            "store": "sqlite",
            "db_path": str(where / "identity.sqlite"),
            "cases_db": f"sqlite:{out / 'cases.db'}",
            "console_db": str(where / "console.sqlite"),
            "api_keys": f"sqlite:{where / 'apikeys.sqlite'}",
        },
        notifier={"kind": "dev-outbox", "outbox_path": str(where / "outbox.jsonl")},
    )
    return serving.served_settings(settings, host, port)


def _evaluation(report: dict) -> dict:
    """The dashboard's figures from the evaluation report."""
    a, loss = report["attacks"], report["loss"]
    ow = report["friction"]["orders_and_withdrawals"]
    stopped = sum(ow.get(f"{k}_per_1000", 0.0) for k in ("held", "denied", "locked"))
    return {
        "attacks": a["total"],
        "attacks_stopped": a["stopped"],
        "loss_prevented_jpy": round(loss["prevented_jpy"]),
        "loss_jpy": round(loss["attack_loss_jpy"]),
        "friction_per_1000": round(stopped, 2),
    }


def _customer_account(ledger) -> str:
    """A simulated holder with orders and nothing held or refused (his login is his own)."""
    rows = ledger._rows(
        "SELECT account_id, COUNT(*) AS n FROM activity WHERE type = 'order.new' AND account_id NOT IN "
        "(SELECT account_id FROM activity WHERE decision IN ('hold', 'deny', 'lock') "
        "AND account_id IS NOT NULL) GROUP BY account_id ORDER BY n DESC, account_id LIMIT 1"
    )
    if not rows:
        raise ValueError("the demo stream has no account with orders; run the demo with more customers")
    return rows[0]["account_id"]


def prepare(out: Path, host: str = "127.0.0.1", port: int = 8000):
    """The app over the demo's data in `out`, and the logins made for it: (app, staff, customer)."""
    from kozaguard.entrypoints.api.app import create_app
    from kozaguard.identity.models import Customer

    where = out / "serve"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    app = create_app(demo_settings(out, host, port))
    ledger = app.state.ledger
    with open(out / "events.jsonl", "rb") as ev, open(out / "decisions.jsonl", "rb") as de:
        ledger.import_stream(ev, de, source=str(out / "events.jsonl"))
    ledger.set_meta("evaluation", _evaluation(json.loads((out / "report.json").read_text())))
    staff = []
    for staff_id, role, name in STAFF:
        password = _password()
        new = app.state.staff.create(
            staff_id,
            password,
            role,
            email=f"{staff_id}@broker.example.jp",
            phone="03-1234-5678",
            name=name,
            by="demo",
        )
        staff.append(DemoLogin(staff_id, password, role, new.totp_secret))
    svc = app.state.identity
    password = _password()
    # the identity's customer id is the account id the broker's events carry: a simulated holder's
    customer = Customer(
        customer_id=_customer_account(ledger),
        login_id=CUSTOMER,
        password_hash=svc.passwords.hash(password),
        email="demo-customer@example.jp",
        phone="090-0000-0000",
        display_name="デモ 太郎",
        user_handle=secrets.token_bytes(32),
        created_at=svc.clock(),
    )
    svc.store.add_customer(customer)
    return app, staff, DemoLogin(CUSTOMER, password)


def echo_codes(outbox: Path, stop: threading.Event, write) -> threading.Thread:
    """Print each message mailed to a customer as it lands in the outbox (the demo's mailbox)."""

    def run() -> None:
        seen = 0
        while not stop.is_set():
            if outbox.exists():
                lines = outbox.read_text(encoding="utf-8").splitlines()
                for line in lines[seen:]:
                    m = json.loads(line)
                    first = next(
                        (x for x in m.get("body", "").splitlines() if "コード" in x), m.get("subject", "")
                    )
                    write(f"[demo mail to {m.get('to')}] {first}")
                seen = len(lines)
            stop.wait(0.5)

    thread = threading.Thread(target=run, daemon=True, name="demo-mail")
    thread.start()
    return thread


def banner(base: str, staff: list[DemoLogin], customer: DemoLogin) -> list[str]:
    lines = [
        "",
        f"kozaguard demo: serving the console with this run's data at {base}/staff/  (Ctrl-C stops)",
    ]
    for s in staff:
        lines.append(
            f"  staff ({s.role}): {base}/staff/login  login {s.login_id}  password {s.password}  "
            f"TOTP secret {s.totp_secret}  (current code: kozaguard staff totp-code {s.totp_secret})"
        )
    lines.append(
        f"  customer: {base}/identity/pages/login  login {customer.login_id}  password {customer.password}"
        "  (the code mailed to him is printed here)"
    )
    lines.append(f"  API docs: {base}/docs   health: {base}/healthz   metrics: {base}/metrics")
    return lines


def serve_demo(out: Path, host: str, port: int, write) -> None:
    """Prepare the app over the demo's data, print the logins, serve until stopped."""
    from kozaguard.entrypoints import serving

    app, staff, customer = prepare(out, host, port)
    shown = "localhost" if serving._is_loopback(host) else host
    for line in banner(f"http://{shown}:{port}", staff, customer):
        write(line)
    stop = threading.Event()
    echo_codes(Path(app.state.settings.notifier.outbox_path), stop, write)
    try:
        serving.run(app, host, port, log_level="warning")
    finally:
        stop.set()
