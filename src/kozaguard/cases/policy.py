"""Compensation policies: data files (TOML) validated on load, and the payout they give a case.

A policy sets the incident window, whether only customers who reported are covered, the method
(`restore`, or `share` with rates, fees and a fixed sum) and the reductions staff may apply, each
with a percentage and a required written reason. Bad files are refused with an error that names the
file, the key and the fix.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

from kozaguard.cases.damage import ZERO, Damage, yen
from kozaguard.cases.prices import dec

PRESETS = ("sbi-rakuten-2025", "matsui-2025", "restore")
"""The policies that ship, modelled on the firms' 2025 announcements (not legal advice)."""

_TOP = {"id", "name", "name_ja", "description", "window", "requires_report", "method", "reductions"}
_METHOD = {"kind", "rate_buy", "rate_sell", "refund_fees", "fixed_jpy", "settle", "include_withdrawals"}
_REDUCTION = {"id", "percent", "label", "label_ja"}


class PolicyError(ValueError):
    """A policy file that cannot be used: the message names the file, the key and the fix."""


@dataclass(frozen=True, slots=True)
class Reduction:
    id: str
    percent: Decimal
    label: str
    label_ja: str


@dataclass(frozen=True, slots=True)
class AppliedReduction:
    """A reduction staff applied to one case, with the written reason the policy requires."""

    id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    name: str
    name_ja: str
    description: str
    window_from: date | None
    window_to: date | None
    requires_report: bool | date  # True: always; a date: for incidents on or after it
    kind: str  # "restore" | "share"
    rate_buy: Decimal
    rate_sell: Decimal
    refund_fees: bool
    fixed_jpy: int
    settle: tuple[str, ...]  # restore: "cash" and/or "in_kind", the first is the default
    include_withdrawals: bool
    reductions: dict[str, Reduction]
    source: str  # the TOML text, kept for the audit log

    def coverage(self, incident: date, reported: bool) -> str | None:
        """Why the case is not covered (a short English phrase), or None when it is."""
        if self.window_from and incident < self.window_from:
            return f"incident on {incident} is before the policy's window (from {self.window_from})"
        if self.window_to and incident > self.window_to:
            return f"incident on {incident} is after the policy's window (to {self.window_to})"
        needs = self.requires_report is True or (
            isinstance(self.requires_report, date) and incident >= self.requires_report
        )
        if needs and not reported:
            return "the policy covers only customers who reported the damage"
        return None

    def gross(self, damage: Damage) -> Decimal:
        """The payout before reductions (exact)."""
        if self.kind == "restore":
            extra = damage.withdrawn if self.include_withdrawals else ZERO
            return max(ZERO, damage.restoration) + extra
        payout = self.rate_buy * max(ZERO, damage.buy_loss_ex_fees)
        payout += self.rate_sell * max(ZERO, damage.sell_loss_ex_fees)
        if self.refund_fees:
            payout += damage.fees
        if self.include_withdrawals:
            payout += damage.withdrawn
        return payout + self.fixed_jpy

    def payout(
        self,
        damage: Damage,
        *,
        incident: date,
        reported: bool,
        applied: tuple[AppliedReduction, ...] = (),
    ) -> int:
        """Final payout in yen: zero when not covered; reductions summed and capped at 100%.

        >>> from kozaguard.cases.damage import Damage
        >>> d = Damage(date(2025, 4, 30), buy_cost=dec(2801500), bought_value=dec(1200000),
        ...            buy_fees=dec(1500), sold_value=dec(3100000), sell_proceeds=dec(2949000),
        ...            sell_fees=dec(1000))
        >>> [preset(p).payout(d, incident=date(2025, 4, 21), reported=True) for p in PRESETS]
        [812500, 877500, 1752500]
        """
        if self.coverage(incident, reported) is not None:
            return 0
        rate = self.reduction_rate(applied)
        return yen(self.gross(damage) * (1 - rate))

    def reduction_rate(self, applied: tuple[AppliedReduction, ...]) -> Decimal:
        """Sum of the applied reductions as a fraction, capped at 1; each must be known and reasoned."""
        total = ZERO
        for a in applied:
            if a.id not in self.reductions:
                known = ", ".join(sorted(self.reductions)) or "none"
                raise PolicyError(f"policy {self.id} has no reduction `{a.id}`; its reductions are: {known}")
            if not a.reason.strip():
                raise PolicyError(f"reduction `{a.id}` needs a written reason; give one with --reason")
            total += self.reductions[a.id].percent / 100
        return min(total, Decimal(1))


def _fail(where: str, key: str, problem: str) -> PolicyError:
    return PolicyError(f"{where}: key `{key}`: {problem}")


def _number(where: str, key: str, value: object, lo: float, hi: float | None, example: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(
            where, key, f"must be a number, not {value!r}; write e.g. {key.split('.')[-1]} = {example}"
        )
    if value < lo or (hi is not None and value > hi):
        bound = f"from {lo} to {hi}" if hi is not None else f"of at least {lo}"
        raise _fail(where, key, f"{value} is out of range; use a number {bound} (e.g. {example})")
    return dec(value)


def _text(where: str, key: str, value: object, default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, key, f'must be a non-empty string; write e.g. {key.split(".")[-1]} = "..."')
    return value


def _date(where: str, key: str, value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    raise _fail(where, key, f"must be a TOML date like 2025-01-01 (no quotes), not {value!r}")


def _unknown(where: str, prefix: str, table: dict, allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            raise _fail(
                where,
                f"{prefix}{key}",
                f"is not a policy setting; allowed here: {', '.join(sorted(allowed))}",
            )


def parse_policy(text: str, where: str = "<policy>") -> Policy:
    """Validate a policy's TOML text; `where` names the file in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise PolicyError(f"{where}: not valid TOML ({err}); fix the syntax at that line") from None
    _unknown(where, "", data, _TOP)
    pid = _text(where, "id", data.get("id"))
    if not all(c.isalnum() or c in "-_." for c in pid):
        raise _fail(where, "id", f"{pid!r} may use only letters, digits, '-', '_' and '.'")
    window = data.get("window", {})
    if not isinstance(window, dict):
        raise _fail(where, "window", "must be a table: [window] with from = 2025-01-01 and optional to = ...")
    _unknown(where, "window.", window, {"from", "to"})
    wfrom, wto = _date(where, "window.from", window.get("from")), _date(where, "window.to", window.get("to"))
    if wfrom and wto and wto < wfrom:
        raise _fail(where, "window.to", f"{wto} is before window.from {wfrom}; swap them")
    req = data.get("requires_report", False)
    if not isinstance(req, bool) and (not isinstance(req, date) or hasattr(req, "hour")):
        raise _fail(
            where,
            "requires_report",
            f"{req!r}: write true, false or a TOML date like 2025-06-29 (incidents from then need a report)",
        )
    method = data.get("method")
    if not isinstance(method, dict):
        raise _fail(where, "method", 'is required: a [method] table with kind = "restore" or kind = "share"')
    _unknown(where, "method.", method, _METHOD)
    kind = method.get("kind")
    if kind not in ("restore", "share"):
        raise _fail(where, "method.kind", f'{kind!r} is not a method; use "restore" or "share"')
    zero = Decimal(0)
    rate_buy = rate_sell = zero
    refund, fixed, settle = False, 0, ("cash",)
    if kind == "share":
        for key in ("rate_buy", "rate_sell"):
            if key not in method:
                raise _fail(where, f"method.{key}", f"is required with kind = share; write e.g. {key} = 0.5")
        rate_buy = _number(where, "method.rate_buy", method["rate_buy"], 0, 1, "0.5")
        rate_sell = _number(where, "method.rate_sell", method["rate_sell"], 0, 1, "0.5")
        refund = method.get("refund_fees", False)
        if not isinstance(refund, bool):
            raise _fail(where, "method.refund_fees", f"must be true or false, not {refund!r}")
        fixed_value = method.get("fixed_jpy", 0)
        if isinstance(fixed_value, bool) or not isinstance(fixed_value, int):
            raise _fail(where, "method.fixed_jpy", f"must be a whole number of yen, not {fixed_value!r}")
        fixed = int(_number(where, "method.fixed_jpy", fixed_value, 0, None, "10000"))
        if "settle" in method:
            raise _fail(where, "method.settle", "applies only to kind = restore; remove it")
    else:
        for key in ("rate_buy", "rate_sell", "refund_fees", "fixed_jpy"):
            if key in method:
                raise _fail(where, f"method.{key}", "applies only to kind = share; remove it")
        raw = method.get("settle", ["cash"])
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not raw or any(s not in ("cash", "in_kind") for s in raw):
            raise _fail(
                where, "method.settle", f'{raw!r}: use a list of "cash" and/or "in_kind", default first'
            )
        if len(set(raw)) != len(raw):
            raise _fail(where, "method.settle", f"{raw!r} names a way twice; list each once")
        settle = tuple(raw)
    withdrawals = method.get("include_withdrawals", kind == "restore")
    if not isinstance(withdrawals, bool):
        raise _fail(where, "method.include_withdrawals", f"must be true or false, not {withdrawals!r}")
    reductions: dict[str, Reduction] = {}
    raw_reductions = data.get("reductions", [])
    if not isinstance(raw_reductions, list):
        raise _fail(where, "reductions", "must be an array of tables: [[reductions]] with id and percent")
    for i, r in enumerate(raw_reductions):
        at = f"reductions[{i}]."
        if not isinstance(r, dict):
            raise _fail(where, f"reductions[{i}]", "must be a table with id, percent and label_ja")
        _unknown(where, at, r, _REDUCTION)
        rid = _text(where, at + "id", r.get("id"))
        if rid in reductions:
            raise _fail(
                where, at + "id", f"{rid!r} is already used by an earlier reduction; give each its own id"
            )
        if "percent" not in r:
            raise _fail(where, at + "percent", "is required; write e.g. percent = 50")
        pct = _number(where, at + "percent", r["percent"], 0, 100, "50")
        label = _text(where, at + "label", r.get("label"), default=rid)
        reductions[rid] = Reduction(
            rid, pct, label, _text(where, at + "label_ja", r.get("label_ja"), default=label)
        )
    name = _text(where, "name", data.get("name"), default=pid)
    return Policy(
        id=pid,
        name=name,
        name_ja=_text(where, "name_ja", data.get("name_ja"), default=name),
        description=_text(where, "description", data.get("description"), default=name),
        window_from=wfrom,
        window_to=wto,
        requires_report=req,
        kind=kind,
        rate_buy=rate_buy,
        rate_sell=rate_sell,
        refund_fees=refund,
        fixed_jpy=fixed,
        settle=settle,
        include_withdrawals=withdrawals,
        reductions=reductions,
        source=text,
    )


def load_policy(path: Path) -> Policy:
    """Read and validate a policy file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise PolicyError(f"{path}: cannot read ({err.strerror}); check the path") from None
    except UnicodeDecodeError:
        raise PolicyError(f"{path}: not UTF-8 text; save the policy as UTF-8") from None
    return parse_policy(text, str(path))


def preset(policy_id: str) -> Policy:
    """One of the shipped presets by id."""
    if policy_id not in PRESETS:
        raise PolicyError(f"no preset `{policy_id}`; the presets are: {', '.join(PRESETS)}")
    text = resources.files("kozaguard.cases").joinpath("policies", f"{policy_id}.toml").read_text("utf-8")
    return parse_policy(text, f"preset {policy_id}")
