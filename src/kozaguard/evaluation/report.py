"""The evaluation report: one msgspec struct with stable keys (docs/evaluation.md), and its text forms.

`to_json` is for machines; `render` prints rich tables on a terminal and plain lines otherwise, in
three sections: Attacks, Loss, Friction.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from msgspec import Struct
from rich.console import Console
from rich.table import Table

from kozaguard.evaluation.friction import ActionFriction, Friction

SCHEMA_VERSION = 2


class CapabilityStats(Struct, kw_only=True):
    """Attacks of one capability and how many were stopped before damage."""

    total: int
    stopped: int
    stopped_pct: float | None
    stopped_at_login: int = 0


class ByCapability(Struct, kw_only=True):
    password: CapabilityStats
    otp_relay: CapabilityStats
    session: CapabilityStats


class StoppedAt(Struct, kw_only=True):
    """Attacks stopped before damage, by the kind of event whose decision stopped them."""

    login: int = 0
    factor: int = 0
    profile: int = 0
    withdrawal: int = 0
    order: int = 0


class AttackDetail(Struct, kw_only=True):
    """One attack: when it began, where damage started, where it was stopped, what it cost."""

    attack_id: str
    capability: str
    accounts: list[str]
    first_ts: datetime
    damage_ts: datetime | None
    stop_ts: datetime | None
    stop_event_id: str | None
    stop_place: str | None
    stopped: bool
    loss_jpy: float
    prevented_jpy: float


class Attempts(Struct, kw_only=True):
    """Attacks without any fill or withdrawal in the stream: reported apart, never in "stopped %".

    The stream is fixed, so an attack that would have done damage has its fills in it whatever the
    engine decided; one with none (only failed passwords, say) could not have done any.
    """

    total: int
    stopped: int
    by_capability: dict[str, int]


class Attacks(Struct, kw_only=True):
    """Attacks that did damage in the stream (at least one fill or withdrawal): the ones that count."""

    total: int
    stopped: int
    stopped_pct: float | None
    stopped_after_damage: int
    not_stopped: int
    by_capability: ByCapability
    stopped_at: StoppedAt
    median_seconds_to_stop: float | None
    attempts: Attempts
    detail: list[AttackDetail]


class LossReport(Struct, kw_only=True):
    """Yen the attacks would have cost with no stop, and how much of it the stops prevented."""

    attack_loss_jpy: float
    prevented_jpy: float
    prevented_pct: float | None
    buy_loss_jpy: float
    sell_loss_jpy: float
    withdrawn_jpy: float
    fees_jpy: float


class Checks(Struct, kw_only=True):
    """What the evaluator noticed about its inputs without refusing them."""

    events: int
    decisions: int
    labels: int
    missing_decisions: int
    missing_decisions_by_type: dict[str, int]
    failed_logins_without_decision: int
    duplicate_decisions: int
    warnings: list[str]


class Stream(Struct, kw_only=True):
    events: int
    first_ts: datetime | None
    last_ts: datetime | None


class Report(Struct, kw_only=True):
    """Everything `kozaguard evaluate` reports; the JSON form is this struct encoded."""

    schema_version: int = SCHEMA_VERSION
    stream: Stream
    attacks: Attacks
    loss: LossReport
    friction: Friction
    checks: Checks
    notes: list[str]


def to_json(report: Report) -> bytes:
    """The report as one JSON object, keys in a stable order."""
    return msgspec.json.format(msgspec.json.encode(report), indent=2) + b"\n"


# Text ----------------------------------------------------------------------------------------
def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def _yen(value: float) -> str:
    return f"¥{value:,.0f}"


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _sections(report: Report) -> list[tuple[str, list[str], list[list[str]]]]:
    """Each section as (title, header, rows): the one source of both the rich and the plain form."""
    a, loss, f = report.attacks, report.loss, report.friction
    attacks = [["all", str(a.total), str(a.stopped), _pct(a.stopped_pct), str(a.stopped_at.login)]]
    for name in ("password", "otp_relay", "session"):
        c: CapabilityStats = getattr(a.by_capability, name)
        attacks.append([name, str(c.total), str(c.stopped), _pct(c.stopped_pct), str(c.stopped_at_login)])
    where = [[place, str(getattr(a.stopped_at, place))] for place in StoppedAt.__struct_fields__]
    median = "n/a" if a.median_seconds_to_stop is None else f"{a.median_seconds_to_stop:,.0f} s"
    where += [
        ["stopped after damage began", str(a.stopped_after_damage)],
        ["never stopped", str(a.not_stopped)],
        ["median first event → stop", median],
        [
            "attempts: no fill or withdrawal (not counted)",
            f"{a.attempts.total} ({a.attempts.stopped} stopped)",
        ],
    ]
    losses = [
        ["attack loss (no stop)", _yen(loss.attack_loss_jpy)],
        ["  buy loss", _yen(loss.buy_loss_jpy)],
        ["  sell loss", _yen(loss.sell_loss_jpy)],
        ["  withdrawn", _yen(loss.withdrawn_jpy)],
        ["  fees (inside buy/sell)", _yen(loss.fees_jpy)],
        ["loss prevented", _yen(loss.prevented_jpy)],
        ["prevented", _pct(loss.prevented_pct)],
    ]
    rows: list[list[str]] = []
    kinds: list[tuple[str, ActionFriction]] = [
        ("logins", f.logins),
        ("orders", f.orders),
        ("withdrawals", f.withdrawals),
        ("orders + withdrawals", f.orders_and_withdrawals),
        ("profile changes", f.profile_changes),
        ("factor changes", f.factor_changes),
    ]
    for name, k in kinds:
        rows.append(
            [
                name,
                str(k.count),
                f"{k.challenged} ({k.challenged_otp}/{k.challenged_passkey})",
                _rate(k.challenged_per_1000),
                _rate(k.challenged_otp_per_1000),
                _rate(k.challenged_passkey_per_1000),
                str(k.held),
                _rate(k.held_per_1000),
                str(k.denied),
                _rate(k.denied_per_1000),
                str(k.locked),
            ]
        )
    since = "start of stream" if f.start is None else f.start.isoformat()
    reasons = [
        [r.reason, r.action, str(r.challenged), str(r.held), str(r.denied), str(r.locked)]
        for r in f.by_reason
    ]
    return [
        ("Attacks", ["capability", "attacks", "stopped before damage", "stopped %", "at login"], attacks),
        ("Attacks: where stopped", ["stopped at", "attacks"], where),
        ("Loss", ["", "yen"], losses),
        (
            f"Friction (customers' own actions since {since}; {f.customer_accounts} accounts, "
            f"{f.accounts_locked} locked)",
            [
                "action",
                "count",
                "challenged (otp/passkey)",
                "per 1000",
                "otp per 1000",
                "passkey per 1000",
                "held",
                "per 1000",
                "denied",
                "per 1000",
                "locked",
            ],
            rows,
        ),
        (
            "Friction by reason (a decision with several reasons counts under each)",
            ["reason", "action", "challenged", "held", "denied", "locked"],
            reasons,
        ),
    ]


def _footer(report: Report) -> list[str]:
    c = report.checks
    lines = [
        f"checks: {c.events} events, {c.decisions} decisions, {c.labels} labels; "
        f"{c.missing_decisions} missing decisions, {c.duplicate_decisions} duplicate decisions"
    ]
    lines += [f"warning: {w}" for w in c.warnings]
    lines += [f"note: {n}" for n in report.notes]
    return lines


def render_plain(report: Report) -> str:
    """The report as plain text: the same sections as aligned columns, for logs and pipes."""
    out: list[str] = []
    for title, header, rows in _sections(report):
        out.append(f"== {title}")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            out.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        out.append("")
    out += _footer(report)
    return "\n".join(out) + "\n"


def render(report: Report, console: Console) -> None:
    """Print the report: rich tables on a terminal, plain text otherwise."""
    if not console.is_terminal:
        console.file.write(render_plain(report))
        return
    for title, header, rows in _sections(report):
        table = Table(title=title, title_justify="left")
        for i, name in enumerate(header):
            table.add_column(name, justify="left" if i == 0 else "right")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    for line in _footer(report):
        console.print(line, highlight=False, markup=False)
