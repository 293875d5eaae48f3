"""The `cases`, `report` and `audit` command groups: staff work on cases from the shell."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from kozaguard.cases.case import CaseError
from kozaguard.cases.policy import PolicyError
from kozaguard.cases.prices import JST, MissingPrice
from kozaguard.cases.store import CaseStore, StoreError

cases_app = typer.Typer(
    help="Cases: victims, evidence, attribution, damage, compensation.", no_args_is_help=True
)
report_app = typer.Typer(help="Reports for the regulator.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)

Db = Annotated[str, typer.Option("--db", help="Cases database: sqlite:PATH or postgresql://user@host/db.")]
Staff = Annotated[
    str, typer.Option("--staff", envvar="KOZAGUARD_STAFF", help="Your staff id (or KOZAGUARD_STAFF).")
]
ValDate = Annotated[str | None, typer.Option("--valuation-date", help="Value at this date (YYYY-MM-DD).")]


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"kozaguard: {message}", err=True)
    return typer.Exit(code)


def now() -> datetime:
    return datetime.now(JST)


def open_store(db: str) -> CaseStore:
    try:
        store = CaseStore(db)
        store.migrate()
    except StoreError as err:
        raise fail(str(err)) from None
    return store


def parse_day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"{option} {text!r}: write a date as YYYY-MM-DD, e.g. 2025-04-30") from None


def _run(fn, *args, **kwargs):
    """Run a use case; domain refusals become one clear line and exit code 2 (never a traceback)."""
    try:
        return fn(*args, **kwargs)
    except (CaseError, PolicyError, StoreError, MissingPrice, ValueError) as err:
        raise fail(str(err)) from None


@cases_app.command("build")
def build_cmd(
    events: Annotated[Path, typer.Option("--events", help="Event stream (JSON Lines, v1).")],
    db: Db,
    decisions: Annotated[
        Path | None, typer.Option("--decisions", help="The engine's decisions on it.")
    ] = None,
    labels: Annotated[
        Path | None, typer.Option("--labels", help="Simulator labels: take attribution from them (testing).")
    ] = None,
) -> None:
    """Open and update cases from a stream (idempotent: the same stream twice gives the same cases)."""
    from kozaguard.cases.build import build, load_decisions, load_labels
    from kozaguard.engine.network import address_block, ip_info
    from kozaguard.events.codec import InvalidLine

    for path in (events, decisions, labels):
        if path is not None and not path.is_file():
            raise fail(f"{path}: no such file; check the path")
    store = open_store(db)

    def locate(ip: str) -> tuple[str, str, bool]:
        info = ip_info(ip)
        return info.country, info.network, info.hosting

    def lines():
        return open(events, "rb")

    bar = None
    if sys.stderr.isatty():
        from rich.progress import Progress

        bar = Progress(transient=True)
        bar.start()
    task = None

    def progress(name: str) -> None:
        nonlocal task
        if bar is not None:
            if task is not None:
                bar.update(task, completed=1)
            task = bar.add_task(name, total=1)

    try:
        from kozaguard.cases.service import save_build

        ds, ls = {}, None
        if decisions:
            with open(decisions, "rb") as f:
                ds = load_decisions(f, str(decisions))
        if labels:
            with open(labels, "rb") as f:
                ls = load_labels(f, str(labels))
        built = build(
            lines, ds, locate=locate, block=address_block, source=str(events), labels=ls, progress=progress
        )
        summary = _run(save_build, store, built, at=now())
    except InvalidLine as err:
        raise fail(str(err)) from None
    finally:
        if bar is not None:
            bar.stop()
    typer.echo(
        f"cases: {len(built.files):,} accounts ({summary.opened:,} opened, {summary.updated:,} updated, "
        f"{summary.unchanged:,} unchanged), {summary.confirmed:,} confirmed unauthorized, "
        f"from {built.events:,} events",
        err=True,
    )
    if built.unresolved_fx:
        typer.echo(
            f"cases: {len(built.unresolved_fx)} fills have no fx rate in the stream: "
            f"{', '.join(built.unresolved_fx[:5])}",
            err=True,
        )


@cases_app.command("export")
def export_cmd(
    db: Db,
    output: Annotated[str, typer.Option("-o", "--output", help="JSON Lines file, or - for stdout.")] = "-",
    valuation_date: ValDate = None,
) -> None:
    """Every case as one JSON line: status, attribution, damage and the payout under every policy."""
    from kozaguard.cases.service import export

    store = open_store(db)
    rows = _run(export, store, parse_day(valuation_date, "--valuation-date"))
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if output == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as err:
            raise fail(f"{output}: cannot write ({err.strerror}); check the folder exists") from None
        typer.echo(f"cases: {len(rows):,} cases -> {output}", err=True)


@cases_app.command("list")
def list_cmd(db: Db) -> None:
    """One line per case: id, account, status, who opened it."""
    from kozaguard.cases.service import list_cases

    for r in _run(list_cases, open_store(db)):
        typer.echo(f"{r['case_id']}  {r['account_id']}  {r['status']:<24} {','.join(r['opened_by'])}")


@cases_app.command("show")
def show_cmd(
    case_id: Annotated[str, typer.Argument(help="Case id, e.g. C000001.")],
    db: Db,
    valuation_date: ValDate = None,
    timeline: Annotated[bool, typer.Option(help="Include the full timeline of events.")] = False,
) -> None:
    """A case as JSON: damage, payouts, sessions, orders, the customer's security posture, audit."""
    from kozaguard.cases.service import show

    out = _run(show, open_store(db), case_id, parse_day(valuation_date, "--valuation-date"))
    if not timeline:
        out["timeline"] = f"{len(out['timeline'])} events (--timeline to list them)"
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))


@cases_app.command("move")
def move_cmd(
    case_id: str,
    status: Annotated[str, typer.Argument(help="Target status, e.g. confirmed_unauthorized.")],
    db: Db,
    staff: Staff = "",
    reason: Annotated[str | None, typer.Option(help="Written reason (required for some moves).")] = None,
) -> None:
    """Move a case to another status (legal moves only)."""
    from kozaguard.cases.service import move

    case = _run(move, open_store(db), case_id, status, actor=staff, reason=reason, at=now())
    typer.echo(f"{case.case_id}: {case.status}")


@cases_app.command("attribute")
def attribute_cmd(
    case_id: str,
    orders: Annotated[list[str], typer.Argument(help="Order ids.")],
    db: Db,
    staff: Staff = "",
    reason: Annotated[str, typer.Option(help="Why (required): goes to the audit log.")] = "",
    own: Annotated[bool, typer.Option("--own", help="Mark them as the customer's own instead.")] = False,
) -> None:
    """Change the attribution: mark orders unauthorized (or the customer's own with --own)."""
    from kozaguard.cases.service import attribute

    case = _run(
        attribute, open_store(db), case_id, orders, unauthorized=not own, actor=staff, reason=reason, at=now()
    )
    typer.echo(f"{case.case_id}: {len(orders)} orders marked {'own' if own else 'unauthorized'}")


@cases_app.command("propose")
def propose_cmd(
    case_id: str,
    db: Db,
    policy: Annotated[str, typer.Option("--policy", help="Policy id, e.g. sbi-rakuten-2025.")],
    staff: Staff = "",
    reduction: Annotated[
        list[str] | None, typer.Option("--reduction", help="ID=REASON: apply a policy reduction, with why.")
    ] = None,
    settle: Annotated[str | None, typer.Option(help="cash or in_kind (restore policies).")] = None,
    valuation_date: ValDate = None,
) -> None:
    """Propose the payout of a confirmed case under a policy."""
    from kozaguard.cases.service import propose

    applied = []
    for item in reduction or []:
        rid, sep, why = item.partition("=")
        if not sep or not why.strip():
            raise fail(
                f"--reduction {item!r}: write ID=REASON, e.g. --reduction mfa_refused='MFA declined 3 times'"
            )
        applied.append((rid.strip(), why.strip()))
    case = _run(
        propose,
        open_store(db),
        case_id,
        policy,
        actor=staff,
        at=now(),
        reductions=applied,
        settle=settle,
        valuation_date=parse_day(valuation_date, "--valuation-date"),
    )
    assert case.proposal is not None
    typer.echo(f"{case.case_id}: proposed ¥{case.proposal.amount:,} under {policy} by {staff}")


@cases_app.command("approve")
def approve_cmd(case_id: str, db: Db, staff: Staff = "") -> None:
    """Approve a proposed payout (not by its proposer)."""
    from kozaguard.cases.service import approve

    case = _run(approve, open_store(db), case_id, actor=staff, at=now())
    typer.echo(f"{case.case_id}: approved by {staff}")


@cases_app.command("send-back")
def send_back_cmd(case_id: str, db: Db, staff: Staff = "", reason: str = "") -> None:
    """Return a proposal to be redone, with a reason."""
    from kozaguard.cases.service import send_back

    case = _run(send_back, open_store(db), case_id, actor=staff, reason=reason, at=now())
    typer.echo(f"{case.case_id}: {case.status}")


@cases_app.command("pay")
def pay_cmd(case_id: str, db: Db, staff: Staff = "", reference: str | None = None) -> None:
    """Record that an approved payout was paid."""
    from kozaguard.cases.service import pay

    case = _run(pay, open_store(db), case_id, actor=staff, at=now(), reference=reference)
    typer.echo(f"{case.case_id}: paid, recorded by {staff}")


@cases_app.command("policy-add")
def policy_add_cmd(path: Path, db: Db, staff: Staff = "") -> None:
    """Install a policy from its TOML file (validated first; replaces one with the same id)."""
    from kozaguard.cases.service import add_policy

    policy = _run(add_policy, open_store(db), path, actor=staff, at=now())
    typer.echo(f"policy {policy.id}: installed")


@cases_app.command("policy-check")
def policy_check_cmd(paths: list[Path]) -> None:
    """Validate policy files without installing them."""
    from kozaguard.cases.policy import load_policy

    for path in paths:
        policy = _run(load_policy, path)
        typer.echo(f"{path}: ok ({policy.id}, {policy.kind})")


@cases_app.command("letter")
def letter_cmd(
    case_id: str,
    db: Db,
    output: Annotated[Path, typer.Option("-o", "--output", help="File: .html or .pdf.")],
    policy: Annotated[str | None, typer.Option(help="Policy (default: the proposal's).")] = None,
    valuation_date: ValDate = None,
) -> None:
    """The customer's letter (Japanese): the breakdown and the policy's reasoning, as HTML or PDF."""
    from kozaguard.cases.letter import letter_data, render_html, render_pdf

    store = open_store(db)
    data = _run(letter_data, store, case_id, policy, parse_day(valuation_date, "--valuation-date"))
    try:
        if output.suffix.lower() == ".pdf":
            output.write_bytes(render_pdf(data))
        else:
            output.write_text(render_html(data), encoding="utf-8")
    except OSError as err:
        raise fail(f"{output}: cannot write ({err.strerror}); check the folder exists") from None
    typer.echo(f"{case_id}: letter -> {output}", err=True)


@report_app.command("fsa")
def fsa_cmd(
    db: Db,
    month: Annotated[str | None, typer.Option(help="YYYY-MM, or a range YYYY-MM..YYYY-MM.")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the table here (default: stdout).")] = None,
    png: Annotated[Path | None, typer.Option("--png", help="Also draw the chart here.")] = None,
) -> None:
    """The FSA's monthly table of unauthorized access and trades, as CSV (and a PNG chart)."""
    from kozaguard.cases.fsa import chart, parse_months, table, to_csv

    try:
        months = parse_months(month)
    except ValueError as err:
        raise fail(f"--month: {err}") from None
    rows = _run(table, open_store(db), months)
    text = to_csv(rows)
    if csv is None:
        sys.stdout.write(text)
    else:
        csv.write_text(text, encoding="utf-8")
        typer.echo(f"fsa: {len(rows)} months -> {csv}", err=True)
    if png is not None:
        chart(rows, png)
        typer.echo(f"fsa: chart -> {png}", err=True)


@audit_app.command("verify")
def verify_cmd(db: Db) -> None:
    """Check the audit log's hash chain: names every edited, removed or reordered entry."""
    from kozaguard.audit.chain import verify

    store = open_store(db)
    with store.unit() as u:
        entries, head = u.audit_entries(), u.audit_head()
    problems = verify(entries, head)
    for p in problems:
        typer.echo(f"audit: {p}", err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo(f"audit: {len(entries):,} entries, chain intact (head {head[1][:12]})")


def demo_totals(events: Path, decisions: Path, db: Path) -> list[str]:
    """What `kozaguard demo` adds: the stream's cases opened, and the victims, damage and payouts."""
    from kozaguard.cases.build import build, load_decisions
    from kozaguard.cases.service import export, save_build
    from kozaguard.engine.network import address_block, ip_info

    db.unlink(missing_ok=True)
    store = CaseStore(f"sqlite:{db}")
    store.migrate()
    with open(decisions, "rb") as f:
        ds = load_decisions(f, str(decisions))

    def locate(ip: str) -> tuple[str, str, bool]:
        info = ip_info(ip)
        return info.country, info.network, info.hosting

    def lines():
        return open(events, "rb")

    built = build(lines, ds, locate=locate, block=address_block, source=str(events))
    save_build(store, built, at=now())
    rows = export(store)
    store.close()
    victims = [r for r in rows if r["damage"]]
    # restoration D is signed: an account the pump left above its value before the fraud has D < 0
    # and nothing to restore (the payouts count max(0, D) likewise)
    damage = sum(max(0, r["damage"]["restoration"]) for r in victims)
    above = sum(1 for r in victims if r["damage"]["restoration"] < 0)
    lines = [
        f"cases: {len(rows):,} opened, {len(victims):,} victims with unauthorized trades or access, "
        f"damage to restore ¥{damage:,} ({above:,} accounts ended above their value before)  ({db})"
    ]
    policies = sorted({p for r in victims for p in r["payouts"]})
    for p in policies:
        lines.append(f"    payout under {p}: ¥{sum(r['payouts'][p] for r in victims):,}")
    return lines
