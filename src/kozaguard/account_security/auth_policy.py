"""Authentication policy as data: per channel, which actions need which factor, from which date.

A broker announces "from 1 June every login needs a second factor" and this module carries it out.
A policy names, per channel (`web`, `app`, `api`) and action (`login`, `trading`, `withdrawal`,
`bank_change`, `contact_change`, `factor_change`), a factor level, the date it applies `from` and a
grace period in days. Before the deadline (`from` + grace) customers who lack the level keep the
factor rules they had and get reminders; after it, a login without the level ends in enrolment and
the other actions are refused until the customer has enrolled.

The policy works on top of the risk-based rules (`step_up.required_factor`: the strongest factor
enrolled): it can only narrow what is accepted, never widen it. A channel cannot weaken the `web`
rules either, since a client names its own channel. Pure: validation and decisions, no file I/O
(files and the shipped presets: `kozaguard.identity.policies`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import msgspec

from kozaguard.account_security.step_up import Action, Factor, Requirement, required_factor

#: Factor levels, weakest first. `registered`: a factor the customer registered himself (SMS,
#: phone-number authentication, an authenticator app or a passkey), not the e-mail code every
#: customer receives; `app`: an authenticator app or a passkey; `passkey`: phishing-resistant only.
LEVELS = ("any", "registered", "app", "passkey")
MEETS: dict[str, frozenset[Factor]] = {
    "any": frozenset(Factor),
    "registered": frozenset(Factor) - {Factor.EMAIL_OTP},
    "app": frozenset({Factor.TOTP, Factor.PASSKEY}),
    "passkey": frozenset({Factor.PASSKEY}),
}
#: Factors an adversary-in-the-middle site can relay in real time: all but the passkey.
RELAYABLE = frozenset(Factor) - {Factor.PASSKEY}
CHANNELS = ("web", "app", "api")
#: Policy action names and the step-up actions each covers.
ACTIONS: dict[str, tuple[Action, ...]] = {
    "login": (Action.LOGIN,),
    "trading": (Action.TRADE,),
    "withdrawal": (Action.WITHDRAWAL,),
    "bank_change": (Action.BANK_ACCOUNT_CHANGE,),
    "contact_change": (Action.EMAIL_CHANGE, Action.PHONE_CHANGE),
    "factor_change": (Action.FACTOR_ENROLMENT, Action.FACTOR_REMOVAL, Action.RECOVERY_CODES),
}
_POLICY_ACTION = {a: name for name, actions in ACTIONS.items() for a in actions}


class PolicyError(ValueError):
    """A policy that cannot be used; the message names the key, the bad value and the fix."""


class Rule(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One action on one channel: the level, the date it applies from, the grace period."""

    factor: Literal["any", "registered", "app", "passkey"]
    since: date = msgspec.field(name="from")
    grace_days: int = 0
    #: Days before the deadline (and, for a passkey switch, before `from`) a reminder goes out.
    remind_days: tuple[int, ...] = (30, 7, 1)

    @property
    def deadline(self) -> date:
        return self.since + timedelta(days=self.grace_days)


class Channel(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    login: Rule | None = None
    trading: Rule | None = None
    withdrawal: Rule | None = None
    bank_change: Rule | None = None
    contact_change: Rule | None = None
    factor_change: Rule | None = None


class Policy(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A whole policy file. `source` names the announcement a preset models."""

    name: str
    source: str = ""
    #: Customers with no registered factor may pass `registered` with an e-mail code (Mizuho).
    email_fallback: bool = False
    #: Phone-number authentication (電話番号認証) is offered at login to customers with a phone.
    phone_call: bool = False
    #: Segment in passkey-only mode: `none`, or `with_passkey` (every customer holding a passkey).
    passkey_only: Literal["none", "with_passkey"] = "none"
    channels: dict[Literal["web", "app", "api"], Channel] = msgspec.field(default_factory=dict)

    def rule(self, channel: str, action: Action) -> Rule | None:
        """The strictest of the channel's rule and the web rule for `action` (None: no rule)."""
        name = _POLICY_ACTION.get(action)
        if name is None:
            return None
        rules = [getattr(self.channels[c], name) for c in {channel, "web"} if c in self.channels]
        rules = [r for r in rules if r is not None]
        return max(rules, key=lambda r: (LEVELS.index(r.factor), -r.since.toordinal()), default=None)


_FIXES = {
    "factor": f"write one of {', '.join(LEVELS)}",
    "from": "write a date, e.g. from = 2025-06-01",
    "grace_days": "write a whole number of days >= 0, e.g. grace_days = 30",
    "remind_days": "write a list of whole days before the deadline, e.g. remind_days = [30, 7, 1]",
    "name": 'write a name in quotes, e.g. name = "monex-2025"',
    "source": "write the announcement modelled, in quotes",
    "email_fallback": "write true or false",
    "phone_call": "write true or false",
    "passkey_only": 'write "none" or "with_passkey"',
    "channels": f"write [channels.web.login] etc.; channels are {', '.join(CHANNELS)}",
}


def _at(data: Any, path: list[str]) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def parse(data: dict[str, Any], where: str = "policy") -> Policy:
    """Validate a decoded policy (a TOML table) and return it; raise `PolicyError` naming the fix.

    >>> parse({"name": "x", "channels": {"web": {"login": {"factor": "strong", "from": "2025-06-01"}}}})
    Traceback (most recent call last):
    ...
    kozaguard.account_security.auth_policy.PolicyError: policy: key `channels.web.login.factor` = 'strong': \
Invalid enum value 'strong'; write one of any, registered, app, passkey
    """
    if not isinstance(data, dict):
        raise PolicyError(f"{where}: a policy is a TOML table with name and [channels.web.login] etc.")
    tables = data.get("channels", {})
    if not isinstance(tables, dict):
        raise PolicyError(f"{where}: key `channels` = {tables!r}: {_FIXES['channels']}")
    for name in tables:
        if name not in CHANNELS:
            raise PolicyError(f"{where}: key `channels.{name}`: unknown channel; {_FIXES['channels']}")
    top = {k: v for k, v in data.items() if k != "channels"}
    policy = _convert(top, Policy, [], where)
    policy.channels = {name: _convert(t, Channel, ["channels", name], where) for name, t in tables.items()}
    for channel, rules in policy.channels.items():
        for action in ACTIONS:
            rule = getattr(rules, action)
            key = f"channels.{channel}.{action}"
            if rule is None:
                continue
            if rule.grace_days < 0:
                raise PolicyError(
                    f"{where}: key `{key}.grace_days` = {rule.grace_days}: {_FIXES['grace_days']}"
                )
            if any(d < 0 for d in rule.remind_days):
                raise PolicyError(
                    f"{where}: key `{key}.remind_days` = {list(rule.remind_days)}: {_FIXES['remind_days']}"
                )
    return policy


def _convert(data: Any, type_: type, prefix: list[str], where: str) -> Any:
    try:
        return msgspec.convert(data, type_, strict=False)
    except msgspec.ValidationError as err:
        raise _explain(err, data, prefix, where) from None


def _explain(err: msgspec.ValidationError, data: Any, prefix: list[str], where: str) -> PolicyError:
    problem, _, at = str(err).partition(" - at `$")
    inner = [p for p in at.rstrip("`").replace("[", ".").replace("]", "").split(".") if p]
    path = [*prefix, *inner]
    if problem.startswith("Object contains unknown field"):
        name = problem.split("`")[1]
        allowed = {
            0: "name, source, email_fallback, phone_call, passkey_only, channels",
            2: ", ".join(ACTIONS),
            3: "factor, from, grace_days, remind_days",
        }.get(len(path), "")
        key = ".".join([*path, name])
        return PolicyError(f"{where}: unknown key `{key}`; the keys here are {allowed}")
    if problem.startswith("Object missing required field"):
        name = problem.split("`")[1]
        key = ".".join([*path, name])
        return PolicyError(f"{where}: key `{key}` is missing; {_FIXES.get(name, 'add it')}")
    key = ".".join(path)
    leaf = next((p for p in reversed(path) if not p.isdigit()), "")
    fix = _FIXES.get(leaf, "see docs/authentication-policy.md")
    return PolicyError(f"{where}: key `{key}` = {_at(data, inner)!r}: {problem}; {fix}")


# ----- decisions -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What a customer must pass for an action under the policy.

    `requirement`: the factors accepted now (never more than the risk-based rule accepts).
    `must_enrol`: the level he lacks once the deadline passed (None: nothing to enrol yet);
    `remind`: he lacks the level and the deadline is still ahead (reminders go out).
    """

    requirement: Requirement
    level: str | None = None
    must_enrol: str | None = None
    remind: bool = False
    deadline: date | None = None


def usable(enrolled: Iterable[Factor], passkey_only: bool, phone_call: bool) -> list[Factor]:
    """The factors a customer may use: only the passkey in passkey-only mode; phone-number
    authentication added when the policy offers it (every customer has a registered phone)."""
    factors = list(dict.fromkeys(enrolled))
    if passkey_only:
        return [f for f in factors if f is Factor.PASSKEY]
    if phone_call and Factor.PHONE_CALL not in factors:
        factors.append(Factor.PHONE_CALL)
    return factors


def decide(
    policy: Policy | None,
    channel: str,
    action: Action,
    factors: list[Factor],
    today: date,
) -> Outcome:
    """The requirement for `action` by a customer holding `factors` (from `usable`) on `today`.

    >>> p = parse({"name": "t", "channels": {"web": {"login": {"factor": "registered",
    ...     "from": "2025-06-01", "grace_days": 10}}}})
    >>> o = decide(p, "web", Action.LOGIN, [Factor.SMS, Factor.EMAIL_OTP], date(2025, 6, 2))
    >>> [str(f) for f in o.requirement.accepted], o.must_enrol
    (['sms'], None)
    >>> o = decide(p, "web", Action.LOGIN, [Factor.EMAIL_OTP], date(2025, 6, 2))
    >>> late = decide(p, "web", Action.LOGIN, [Factor.EMAIL_OTP], date(2025, 6, 11))
    >>> o.remind, o.must_enrol, late.must_enrol
    (True, None, 'registered')
    """
    base = required_factor(action, factors)
    rule = None if policy is None else policy.rule(channel, action)
    if rule is None or (today < rule.since and rule.factor != "passkey"):
        return Outcome(base)
    meets = MEETS[rule.factor]
    if today < rule.since:  # a switch to passkeys announced ahead: only the notices start now
        has = any(f in meets for f in factors)
        return Outcome(base, rule.factor, remind=not has, deadline=rule.deadline)
    accepted = tuple(f for f in base.accepted if f in meets)
    if accepted:
        return Outcome(Requirement(action, accepted, f"policy_{rule.factor}"), rule.factor)
    if (
        rule.factor == "registered"
        and policy is not None
        and policy.email_fallback
        and not any(f in MEETS["registered"] for f in factors)
    ):
        return Outcome(Requirement(action, (Factor.EMAIL_OTP,), "email_fallback"), rule.factor)
    if today >= rule.deadline:
        return Outcome(base, rule.factor, must_enrol=rule.factor, deadline=rule.deadline)
    return Outcome(base, rule.factor, remind=True, deadline=rule.deadline)


def reminder_due(rule: Rule, today: date, last_sent: date | None) -> bool:
    """True when a reminder falls due today: a scheduled day before the deadline (or before `from`
    for a switch to passkeys) has come and none was sent since it.

    >>> r = Rule(factor="passkey", since=date(2025, 10, 15), remind_days=(30, 7))
    >>> reminder_due(r, date(2025, 9, 20), None), reminder_due(r, date(2025, 9, 20), date(2025, 9, 16))
    (True, False)
    """
    target = rule.since if rule.factor == "passkey" and today < rule.since else rule.deadline
    if today >= target:
        return False
    days = [target - timedelta(days=d) for d in sorted(rule.remind_days, reverse=True)]
    scheduled = [d for d in days if d <= today]
    return bool(scheduled) and (last_sent is None or last_sent < scheduled[-1])
