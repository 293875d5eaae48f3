"""Factor adoption and the passkey migration, for staff: pure functions over customers' factors.

`adoption(rows)` counts customers per factor, the passkey share and who is still without MFA (no
factor he registered himself: the e-mail code every customer receives does not count).
`migration(policy, rows, today)` follows each action a policy moves to passkeys: customers who
already hold one, those told in advance (reminders sent), those left, the dates. The console's
dashboard calls `kozaguard.identity.adoption.dashboard(service)`; `kozaguard identity adoption`
writes the same figures as CSV and a chart.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from kozaguard.account_security.auth_policy import ACTIONS, MEETS, Policy
from kozaguard.account_security.step_up import Factor

ENROLLABLE = (Factor.PASSKEY, Factor.TOTP, Factor.SMS, Factor.EMAIL_OTP)


@dataclass(frozen=True)
class CustomerFactors:
    customer_id: str
    login_id: str
    factors: tuple[Factor, ...]
    #: Policy actions whose reminder (migration notice) this customer has received.
    reminded: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Adoption:
    customers: int
    per_factor: dict[str, int]
    passkey_share: float
    without_mfa: list[str] = field(default_factory=list)  # login IDs

    @property
    def mfa_share(self) -> float:
        return 1 - len(self.without_mfa) / self.customers if self.customers else 0.0


def has_mfa(factors: Iterable[Factor]) -> bool:
    return any(f in MEETS["registered"] for f in factors)


def adoption(rows: Iterable[CustomerFactors]) -> Adoption:
    """Customers per factor, passkey share, who is without MFA.

    >>> a = adoption([CustomerFactors("1", "taro", (Factor.PASSKEY, Factor.EMAIL_OTP)),
    ...               CustomerFactors("2", "jiro", (Factor.EMAIL_OTP,))])
    >>> a.per_factor["passkey"], a.passkey_share, a.without_mfa
    (1, 0.5, ['jiro'])
    """
    rows = list(rows)
    per = {str(f): sum(f in r.factors for r in rows) for f in ENROLLABLE}
    n = len(rows)
    return Adoption(
        customers=n,
        per_factor=per,
        passkey_share=per["passkey"] / n if n else 0.0,
        without_mfa=sorted(r.login_id for r in rows if not has_mfa(r.factors)),
    )


@dataclass(frozen=True)
class Migration:
    """One action a policy moves to passkeys, on one channel."""

    channel: str
    action: str
    since: date
    deadline: date
    customers: int
    with_passkey: int
    notified: int  # without a passkey, told in advance

    @property
    def left(self) -> int:
        return self.customers - self.with_passkey

    @property
    def share(self) -> float:
        return self.with_passkey / self.customers if self.customers else 0.0


def migration(policy: Policy | None, rows: Iterable[CustomerFactors]) -> list[Migration]:
    """Progress of every passkey switch in the policy (empty without one)."""
    if policy is None:
        return []
    rows = list(rows)
    out = []
    for channel, rules in sorted(policy.channels.items()):
        for action in ACTIONS:
            rule = getattr(rules, action)
            if rule is None or rule.factor != "passkey":
                continue
            holders = [r for r in rows if Factor.PASSKEY in r.factors]
            told = [r for r in rows if Factor.PASSKEY not in r.factors and action in r.reminded]
            out.append(
                Migration(channel, action, rule.since, rule.deadline, len(rows), len(holders), len(told))
            )
    return out


def to_csv(rows: Iterable[CustomerFactors]) -> str:
    """One line per customer: who, which factors, passkey and MFA (0/1) — the figures add up from it."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["customer_id", "login_id", "factors", "passkey", "mfa"])
    for r in rows:
        w.writerow(
            [
                r.customer_id,
                r.login_id,
                " ".join(str(f) for f in r.factors),
                int(Factor.PASSKEY in r.factors),
                int(has_mfa(r.factors)),
            ]
        )
    return buf.getvalue()


def chart(a: Adoption, path) -> None:
    """A PNG bar chart: customers per factor, the passkey share and those without MFA."""
    import matplotlib

    matplotlib.use("Agg")
    import japanize_matplotlib  # noqa: F401  (Japanese labels)
    import matplotlib.pyplot as plt

    labels = {"passkey": "パスキー", "totp": "認証アプリ", "sms": "SMS", "email_otp": "メール"}
    names = [labels[k] for k in a.per_factor] + ["MFAなし"]
    values = [*a.per_factor.values(), len(a.without_mfa)]
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.bar(names, values, color=["#2b7a3d", "#3d6fb0", "#8a8a8a", "#b0b0b0", "#c0392b"])
    ax.set_ylabel("顧客数 (customers)")
    ax.set_title(f"認証手段の利用状況 — パスキー {a.passkey_share:.0%}、顧客 {a.customers:,}")
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def report(rows: list[CustomerFactors], policy: Policy | None) -> dict:
    """What the staff dashboard shows: adoption and the migration's progress, as plain data."""
    a = adoption(rows)
    return {
        "customers": a.customers,
        "per_factor": a.per_factor,
        "passkey_share": a.passkey_share,
        "mfa_share": a.mfa_share,
        "without_mfa": a.without_mfa,
        "migration": [
            {
                "channel": m.channel,
                "action": m.action,
                "from": m.since.isoformat(),
                "deadline": m.deadline.isoformat(),
                "customers": m.customers,
                "with_passkey": m.with_passkey,
                "notified": m.notified,
                "left": m.left,
                "share": m.share,
            }
            for m in migration(policy, rows)
        ],
    }


def dashboard(service) -> dict:
    """For the staff console: `report` over every customer of the identity service."""
    return report(service.adoption_rows(), service.settings.policy)
