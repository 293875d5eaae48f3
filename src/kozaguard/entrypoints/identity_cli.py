"""`kozaguard identity adoption | remind | policy`: staff figures, the reminder job, policy checks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

identity_app = typer.Typer(
    help="Authentication policy: factor adoption (CSV, chart), the daily reminders, policy files.",
    no_args_is_help=True,
)


def _service():
    """The server's identity service, from the same settings (`KOZAGUARD_*`, docs/configuration.md)."""
    from kozaguard.bootstrap import identity_service
    from kozaguard.config import ConfigError, load_settings

    try:
        return identity_service(load_settings(http={"stuffing_by_asn": False}))
    except ConfigError as err:
        typer.echo(f"kozaguard identity: {err}", err=True)
        raise typer.Exit(2) from None


@identity_app.command()
def adoption(
    csv: Annotated[Path | None, typer.Option("--csv", help="Write one line per customer here.")] = None,
    png: Annotated[Path | None, typer.Option("--png", help="Write the adoption chart (PNG) here.")] = None,
) -> None:
    """Customers per factor, passkey share, who is still without MFA (the server's store)."""
    from kozaguard.identity import adoption as a

    svc = _service()
    rows = svc.adoption_rows()
    figures = a.adoption(rows)
    if csv is not None:
        csv.write_text(a.to_csv(rows), encoding="utf-8")
    if png is not None:
        a.chart(figures, png)
    per = ", ".join(f"{k} {v:,}" for k, v in figures.per_factor.items())
    typer.echo(
        f"{figures.customers:,} customers: {per}; passkey share {figures.passkey_share:.1%}; "
        f"without MFA {len(figures.without_mfa):,}"
    )
    for m in a.migration(svc.settings.policy, rows):
        typer.echo(
            f"passkeys for {m.action} ({m.channel}) from {m.since}, deadline {m.deadline}: "
            f"{m.with_passkey:,}/{m.customers:,} ({m.share:.1%}), {m.notified:,} more told in advance"
        )


@identity_app.command()
def remind() -> None:
    """Send every reminder that has fallen due (run daily)."""
    typer.echo(f"{_service().send_all_reminders():,} reminders sent")


@identity_app.command()
def policy(spec: Annotated[str, typer.Argument(help="A preset name or a TOML file.")]) -> None:
    """Load and check a policy file; print its rules or the error naming the key and the fix."""
    from kozaguard.account_security.auth_policy import ACTIONS, PolicyError
    from kozaguard.identity.policies import load

    try:
        p = load(spec)
    except PolicyError as err:
        typer.echo(f"kozaguard identity policy: {err}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{p.name}: {p.source}")
    for channel, rules in sorted(p.channels.items()):
        for action in ACTIONS:
            r = getattr(rules, action)
            if r is not None:
                typer.echo(f"  {channel} {action}: {r.factor} from {r.since}, deadline {r.deadline}")
