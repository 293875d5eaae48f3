"""`evaluate`: score a decision stream against a simulator's labels, in one pass over the events.

Decisions and labels are indexed by `event_id` first; the events are then streamed once, keeping
only what scoring needs (attack records, attacker orders, fx rates, last closes, friction counts),
so an events file of millions of lines needs little memory. Pure: no file or terminal I/O here.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain
from typing import Any, NamedTuple

from kozaguard.evaluation.attacks import CAPABILITIES, Attack
from kozaguard.evaluation.friction import FrictionCounter
from kozaguard.evaluation.report import (
    AttackDetail,
    Attacks,
    Attempts,
    ByCapability,
    CapabilityStats,
    Checks,
    LossReport,
    Report,
    StoppedAt,
    Stream,
)
from kozaguard.evaluation.valuation import FillDamage, Loss, Market, WithdrawalDamage, value
from kozaguard.events.codec import InvalidLine
from kozaguard.events.schema import (
    DECISION_BEARING,
    Action,
    Decision,
    Event,
    Fill,
    FxRate,
    Instrument,
    Label,
    Login,
    MarketBar,
    MarketQuote,
    OrderNew,
    Withdrawal,
)


class InconsistentInput(ValueError):
    """The three files do not fit together; the message names file:line and the fix."""


class Sources(NamedTuple):
    """Names of the inputs, used in messages (file paths in the CLI)."""

    events: str = "<events>"
    labels: str = "<labels>"
    decisions: str = "<decisions>"


def _numbered(items: Iterable[Any]) -> Iterator[tuple[int, Any]]:
    """Accept plain values, or the codec's `(line, value)` and `(line, raw, value)` tuples.

    The shape of the first item decides for all, so the per-line cost stays one tuple unpack.
    """
    it = iter(items)
    first = next(it, None)
    if first is None:
        return
    it = chain((first,), it)
    if not isinstance(first, tuple):
        yield from enumerate(it, 1)
    elif len(first) == 2:
        yield from it
    else:
        for line, _, value in it:
            if value.__class__ is InvalidLine:  # a lenient reader hands bad lines over
                raise value
            yield line, value


def _pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _yen(amount: float) -> float:
    return round(amount, 2) + 0.0


_DECISION_BEARING = frozenset(DECISION_BEARING)


class _Scorer:
    """State of one evaluation; `evaluate` is its only user."""

    def __init__(self, start: datetime | None, sources: Sources) -> None:
        self.sources = sources
        self.decisions: dict[str, tuple[int, Decision]] = {}
        self.labels: dict[str, tuple[int, Label]] = {}
        self.n_decisions = self.n_labels = self.duplicates = 0
        self.first_duplicate: tuple[int, str] | None = None
        self.market = Market()
        self.attacks: dict[str, Attack] = {}
        self.attacker_orders: dict[tuple[str, str], str] = {}
        self.friction = FrictionCounter(start)
        self.missing: Counter[str] = Counter()
        self.first_missing: tuple[int, str] | None = None
        self.failed_logins_without_decision = 0
        self.events = 0
        self.first_ts: datetime | None = None
        self.last_ts: datetime | None = None
        self.notes: list[str] = []

    # Indexing ------------------------------------------------------------------------------
    def index_decisions(self, decisions: Iterable[Any]) -> None:
        for line, decision in _numbered(decisions):
            self.n_decisions += 1
            if decision.event_id in self.decisions:
                self.duplicates += 1
                if self.first_duplicate is None:
                    self.first_duplicate = (line, decision.event_id)
                continue
            self.decisions[decision.event_id] = (line, decision)

    def index_labels(self, labels: Iterable[Any]) -> None:
        src = self.sources.labels
        for line, label in _numbered(labels):
            self.n_labels += 1
            seen = self.labels.get(label.event_id)
            if seen is None:
                self.labels[label.event_id] = (line, label)
            elif seen[1] != label:
                raise InconsistentInput(
                    f"{src}:{line}: event {label.event_id} is labelled again, differently from line "
                    f"{seen[0]}; keep one label per event"
                )

    # Streaming -----------------------------------------------------------------------------
    def stream(self, events: Iterable[Any]) -> None:
        decisions, labels, market = self.decisions, self.labels, self.market
        index = -1
        for index, (line, event) in enumerate(_numbered(events)):
            kind = type(event)
            found = decisions.pop(event.event_id, None)
            decision = None if found is None else found[1]
            if kind in _DECISION_BEARING:
                if decision is None:
                    self._missing(line, event)
            elif found is not None:
                raise InconsistentInput(
                    f"{self.sources.decisions}:{found[0]}: decision for event {event.event_id} "
                    f"({self.sources.events}:{line}), a `{kind.__struct_config__.tag}` event, which "
                    "takes no decision; remove the line"
                )
            if kind is Instrument:
                market.instrument(event)
            elif kind is FxRate:
                market.fx_rate(event)
            elif kind is MarketBar:
                market.bar(event)
            elif kind is MarketQuote:
                market.quote(event)
            labelled = labels.pop(event.event_id, None)
            if labelled is not None:
                self._attacker(index, line, event, decision, *labelled)
            elif kind is Fill:
                attack_id = self.attacker_orders.get((event.account_id, event.order_id))
                if attack_id is not None:
                    self._fill(self.attacks[attack_id], index, line, event)
            elif isinstance(event, Action):
                self.friction.add(event, decision)
            if self.first_ts is None:
                self.first_ts = event.ts
            self.last_ts = event.ts
        self.events = index + 1
        self._leftovers()

    def _missing(self, line: int, event: Event) -> None:
        if type(event) is Login and event.result == "password_bad":  # type: ignore[attr-defined]
            self.failed_logins_without_decision += 1
            return
        self.missing[event.__struct_config__.tag] += 1  # type: ignore[index]
        if self.first_missing is None:
            self.first_missing = (line, event.event_id)

    def _attacker(
        self, index: int, line: int, event: Event, decision: Decision | None, lline: int, label: Label
    ) -> None:
        attack = self.attacks.get(label.attack_id)
        if attack is None:
            attack = self.attacks[label.attack_id] = Attack(
                attack_id=label.attack_id,
                capability=label.capability,
                label_line=lline,
                first_index=index,
                first_ts=event.ts,
            )
        elif label.capability != attack.capability:
            raise InconsistentInput(
                f"{self.sources.labels}:{lline}: attack {label.attack_id} has capability "
                f"`{label.capability}` here but `{attack.capability}` at line {attack.label_line}; "
                "an attack has one capability"
            )
        attack.saw(getattr(event, "account_id", None))
        kind = type(event)
        if kind in _DECISION_BEARING:
            attack.decided(index, event, decision)
        if kind is OrderNew:
            self.attacker_orders[(event.account_id, event.order_id)] = attack.attack_id  # type: ignore[attr-defined]
        elif kind is Withdrawal:
            item = WithdrawalDamage(index=index, event_id=event.event_id, amount=event.amount_jpy)  # type: ignore[attr-defined]
            attack.damaged(item, event.ts)
        elif kind is Fill:
            self._fill(attack, index, line, event)  # type: ignore[arg-type]

    def _fill(self, attack: Attack, index: int, line: int, fill: Fill) -> None:
        currency = self.market.currency.get(fill.symbol)
        where = f"{self.sources.events}:{line}: event {fill.event_id}"
        if currency is None:
            raise InconsistentInput(
                f"{where}: attacker fill of {fill.symbol}, which has no `instrument` event before it; "
                "add the instrument (its currency values the fill)"
            )
        rate = self.market.rate(currency)
        if rate is None:
            raise InconsistentInput(
                f"{where}: attacker fill in {currency} with no `fx.rate` {currency}JPY before it; "
                "add the rate"
            )
        item = FillDamage(
            index=index,
            event_id=fill.event_id,
            symbol=fill.symbol,
            currency=currency,
            side=fill.side,
            qty=fill.qty,
            price=fill.price,
            fee=fill.fee_jpy,
            fx=rate,
        )
        attack.damaged(item, fill.ts)

    def _leftovers(self) -> None:
        if self.decisions:
            line, decision = min(self.decisions.values(), key=lambda x: x[0])
            raise InconsistentInput(
                f"{self.sources.decisions}:{line}: decision for event {decision.event_id}, which is not "
                f"in {self.sources.events} ({len(self.decisions)} such decisions); evaluate the events "
                "file the decisions were made on"
            )
        if self.labels:
            line, label = min(self.labels.values(), key=lambda x: x[0])
            raise InconsistentInput(
                f"{self.sources.labels}:{line}: label for event {label.event_id}, which is not in "
                f"{self.sources.events} ({len(self.labels)} such labels); use the labels written with "
                "these events"
            )

    # Report --------------------------------------------------------------------------------
    def report(self) -> Report:
        market = self.market
        total, prevented = Loss(), Loss()
        harm = harm_prevented = 0.0  # per attack, a gain (the crew's own account) counts as no loss
        details: list[AttackDetail] = []
        fallback: set[str] = set()
        for attack in self.attacks.values():
            lost = kept = 0.0
            for item in attack.damage:
                if isinstance(item, FillDamage):
                    close_t = market.close(item.symbol)
                    if close_t is None:
                        fallback.add(item.symbol)
                        close_t = item.price
                    fx_t = market.rate(item.currency) or item.fx
                    loss = value(item, close_t, fx_t)
                else:
                    loss = value(item, 0.0, 1.0)
                total.add(loss)
                lost += loss.total
                if attack.prevented(item):
                    prevented.add(loss)
                    kept += loss.total
            harm += max(0.0, lost)
            harm_prevented += min(max(0.0, kept), max(0.0, lost))
            details.append(
                AttackDetail(
                    attack_id=attack.attack_id,
                    capability=attack.capability,
                    accounts=attack.accounts,
                    first_ts=attack.first_ts,
                    damage_ts=attack.damage_ts,
                    stop_ts=attack.stop_ts,
                    stop_event_id=attack.stop_event_id,
                    stop_place=attack.stop_place,
                    stopped=attack.stopped,
                    loss_jpy=_yen(lost),
                    prevented_jpy=_yen(kept),
                )
            )
        notes = []
        if fallback:
            notes.append(
                "no market.bar or market.quote for "
                + ", ".join(sorted(fallback))
                + ": valued at the attacker's own fill price (no gain or loss on the price)"
            )
        return Report(
            stream=Stream(events=self.events, first_ts=self.first_ts, last_ts=self.last_ts),
            attacks=self._attacks(details),
            loss=LossReport(
                attack_loss_jpy=_yen(harm),
                prevented_jpy=_yen(harm_prevented),
                prevented_pct=_pct(harm_prevented, harm) if harm > 0 else None,
                buy_loss_jpy=_yen(total.buy),
                sell_loss_jpy=_yen(total.sell),
                withdrawn_jpy=_yen(total.withdrawn),
                fees_jpy=_yen(total.fees),
            ),
            friction=self.friction.result(),
            checks=self._checks(),
            notes=notes,
        )

    def _attacks(self, details: list[AttackDetail]) -> Attacks:
        attacks = [a for a in self.attacks.values() if a.damage_index is not None]
        attempts = [a for a in self.attacks.values() if a.damage_index is None]
        stopped = [a for a in attacks if a.stopped]
        by_cap = {}
        for cap in CAPABILITIES:
            of_cap = [a for a in attacks if a.capability == cap]
            n_stopped = sum(a.stopped for a in of_cap)
            by_cap[cap] = CapabilityStats(
                total=len(of_cap),
                stopped=n_stopped,
                stopped_pct=_pct(n_stopped, len(of_cap)),
                stopped_at_login=sum(a.stopped and a.stop_place == "login" for a in of_cap),
            )
        where = StoppedAt()
        for a in stopped:
            setattr(where, a.stop_place, getattr(where, a.stop_place) + 1)  # type: ignore[arg-type]
        seconds = [(a.stop_ts - a.first_ts).total_seconds() for a in stopped]  # type: ignore[operator]
        return Attacks(
            total=len(attacks),
            stopped=len(stopped),
            stopped_pct=_pct(len(stopped), len(attacks)),
            stopped_after_damage=sum(1 for a in attacks if a.stop_index is not None and not a.stopped),
            not_stopped=sum(1 for a in attacks if a.stop_index is None),
            by_capability=ByCapability(**by_cap),
            stopped_at=where,
            median_seconds_to_stop=statistics.median(seconds) if seconds else None,
            attempts=Attempts(
                total=len(attempts),
                stopped=sum(a.stop_index is not None for a in attempts),
                by_capability={c: sum(a.capability == c for a in attempts) for c in CAPABILITIES},
            ),
            detail=details,
        )

    def _checks(self) -> Checks:
        warnings = []
        missing = sum(self.missing.values())
        if self.first_missing is not None:
            line, event_id = self.first_missing
            warnings.append(
                f"{missing} decision-bearing events have no decision (first: {self.sources.events}:"
                f"{line}, event {event_id}); they are scored as `allow`"
            )
        if self.first_duplicate is not None:
            line, event_id = self.first_duplicate
            warnings.append(
                f"{self.duplicates} duplicate decisions ignored (first: {self.sources.decisions}:{line}, "
                f"event {event_id}); the first decision for an event counts"
            )
        return Checks(
            events=self.events,
            decisions=self.n_decisions,
            labels=self.n_labels,
            missing_decisions=missing,
            missing_decisions_by_type=dict(sorted(self.missing.items())),
            failed_logins_without_decision=self.failed_logins_without_decision,
            duplicate_decisions=self.duplicates,
            warnings=warnings,
        )


def evaluate(
    events: Iterable[Any],
    labels: Iterable[Any],
    decisions: Iterable[Any],
    start: datetime | None = None,
    *,
    sources: Sources = Sources(),
) -> Report:
    """Score `decisions` on `events` against `labels` (docs/evaluation.md).

    Each input may be plain structs or the codec's numbered tuples (`read_events`, `read_labels`,
    `read_decisions`), whose line numbers then appear in messages. Friction counts only customer
    actions at or after `start`. Raises `InconsistentInput` when the files do not fit together.
    """
    if start is not None and start.tzinfo is None:
        raise ValueError("start must carry an offset, like every time in the stream")
    scorer = _Scorer(start, sources)
    scorer.index_decisions(decisions)
    scorer.index_labels(labels)
    scorer.stream(events)
    return scorer.report()
