"""The engine: one event in, at most one decision out, state kept behind `State`.

Reference and market events update state; each decision-bearing action is scored by the detectors
that assess its type, the findings combine by outcome priority, and then the account's profile
learns from the action. Processing is idempotent on `event_id`: a repeated event returns the first
decision and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from kozaguard.account_security import lock as account_lock
from kozaguard.engine import restriction, review, suspicion
from kozaguard.engine.detector import Context, Detector
from kozaguard.engine.detectors._market import order_value
from kozaguard.engine.evidence import Evidence
from kozaguard.engine.infrastructure import SharedInfrastructure, login_keys
from kozaguard.engine.network import address_block, ip_info
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.engine.policy import Policy, floored
from kozaguard.engine.profile import Profile
from kozaguard.engine.state import Session, State
from kozaguard.events.schema import (
    AccountOpened,
    AccountSnapshot,
    AccountUnlocked,
    Action,
    CustomerReport,
    Decision,
    Deposit,
    Event,
    Fill,
    FxRate,
    Instrument,
    Login,
    Logout,
    MarketBar,
    MarketQuote,
    OrderCancel,
    OrderNew,
    ReviewDecided,
    SymbolRestriction,
    Withdrawal,
)

ALLOW = Outcome.ALLOW


class Engine:
    """`process(event) -> Decision | None` over a `State` and a list of detectors."""

    def __init__(
        self,
        state: State,
        detectors: Iterable[Detector],
        profile: Profile | None = None,
        policy: Policy | None = None,
        evidence: Evidence | None = None,
        infrastructure: SharedInfrastructure | None = None,
        restriction_expiry_hours: float = restriction.EXPIRY_HOURS,
    ) -> None:
        self.state = state
        self.restriction_expiry = restriction_expiry_hours
        self.policy = policy or Policy()
        if self.policy.budget is not None:
            self.policy.budget.bind(state)
        self.evidence = evidence or Evidence()
        self.infrastructure = infrastructure or SharedInfrastructure()
        self.detectors = list(detectors)
        self.profile = profile or Profile()
        self._assess: dict[type, list[Callable]] = {}
        self._observe: dict[type, list[Callable]] = {}
        for d in self.detectors:
            for t in d.assesses:
                self._assess.setdefault(t, []).append(d.assess)
            for t in d.observes:
                self._observe.setdefault(t, []).append(d.observe)
        self._update: dict[type, Callable[[Event], None]] = {
            Instrument: self._instrument,
            MarketQuote: self._quote,
            MarketBar: self._bar,
            FxRate: self._fx,
            AccountOpened: self._opened,
            AccountSnapshot: self._snapshot,
            Fill: self._fill,
            Deposit: self._deposit,
            CustomerReport: self._report,
            AccountUnlocked: self._unlocked,
            SymbolRestriction: self._restriction,
            ReviewDecided: self._review,
        }

    # --- the one entry point -------------------------------------------------------------------
    def process(self, event: Event) -> Decision | None:
        """Decide one event; a repeated `event_id` returns the decision it got the first time."""
        ledger = self.state.ledger
        if ledger.seen(event.event_id):
            return ledger.decision(event.event_id)
        return self.process_new(event)

    def process_new(self, event: Event, fingerprint: int | None = None, line: int = 0) -> Decision | None:
        """Decide an event whose `event_id` the caller has just checked is not in the ledger; the
        ledger keeps `fingerprint` (of the event's content) and `line` to recognise a repeat."""
        ledger = self.state.ledger
        if isinstance(event, Action) and type(event) not in _NO_DECISION:
            decision = self._action(event)
        else:
            update = self._update.get(type(event))
            if update is not None:
                update(event)
            decision = None
            observers = self._observe.get(type(event))
            if observers:
                ctx = self._account_context(event)
                for observe in observers:
                    observe(event, ctx)
        ledger.record(event.event_id, decision, fingerprint, line)
        return decision

    # --- actions -------------------------------------------------------------------------------
    def _action(self, event: Action) -> Decision | None:
        state = self.state
        now = epoch(event.ts)
        account = state.account(event.account_id)
        if account.first_seen is None:
            account.first_seen = now
        net = ip_info(event.ip)
        session = state.sessions.get(event.session_id)
        if session is None and not isinstance(event, Login):
            session = self._open_session(event, net, now, by_login=False)  # opened before the stream
        if session is not None and session.last_network != net.network:
            if session.last_network:
                session.moves += 1
            session.last_network = net.network
            state.sessions.put(session.session_id, session)
        ctx = Context(state, account, session, net, now)
        t = type(event)

        findings: list[Finding] = []
        for assess in self._assess.get(t, ()):
            f = assess(event, ctx)
            if f is not None:
                findings.append(f)
        decision, outcome, evidence = self._decide(event, ctx, findings)
        if outcome == Outcome.HOLD and session is not None and decision is not None:
            by_budget = evidence is not None and not floored(outcome, decision.reasons)
            review.hold(account, event.event_id, session, evidence or 0.0, by_budget=by_budget)

        if t is Login:
            self._after_login(event, ctx, outcome, decision)  # type: ignore[arg-type]
        elif outcome <= Outcome.CHALLENGE_PASSKEY:
            self.evidence.learn_one(event, account, state, now)
            self.profile.learn_action(account, event, now)
        if t is OrderNew and event.side == "sell" and session is not None:  # type: ignore[attr-defined]
            session.sold_jpy += order_value(event, state)  # type: ignore[arg-type]
            state.sessions.put(session.session_id, session)
        for observe in self._observe.get(t, ()):
            observe(event, ctx)
        if decision is not None and t is not Login and not _HIJACKED.isdisjoint(decision.reasons):
            # the client that drove another customer's session is the crew's: its next logins elsewhere
            # share infrastructure with a doubtful one
            keys = login_keys(event.ip, event.device_id, event.user_agent)
            self.infrastructure.record(state, keys, account.account_id, now)
        state.accounts.put(account.account_id, account)
        return decision

    def _decide(
        self, event: Action, ctx: Context, findings: list[Finding]
    ) -> tuple[Decision | None, Outcome, float | None]:
        """The policy's decision on the findings (none for a failed login that does not lock), and
        the action's evidence score where the friction budget weighed it."""
        if isinstance(event, Login) and event.result == "password_bad":
            lock = [f for f in findings if f.outcome == Outcome.LOCK]
            if not lock:
                return None, ALLOW, None
            findings = lock
        outcome, score, reasons, actions = self.policy.combine(findings, ctx.account, ctx.now)
        x = None
        if type(event) in _GATED and self.policy.budget is not None:
            net, acc = ctx.net, ctx.account
            s = ctx.session
            x = self.evidence.score_one(event, acc, s, self.state, net, ctx.now)
            outcome, score = self.policy.gate(outcome, reasons, actions, acc, x)
        decision = Decision(
            event_id=event.event_id,
            decision=outcome.decision,  # type: ignore[arg-type]
            factor=outcome.factor,  # type: ignore[arg-type]
            score=score,
            reasons=reasons,
            actions=actions,
        )
        return decision, outcome, x

    def _after_login(self, event: Login, ctx: Context, outcome: Outcome, decision: Decision | None) -> None:
        account = ctx.account
        if event.result == "password_bad":
            account.failures += 1
            return
        if outcome >= Outcome.HOLD:
            return
        account.failures = 0
        account.lock = account_lock.record_success(account_lock.current(account.lock, ctx.now))
        net = ctx.net
        assert net is not None
        risk = decision.score if decision else 0.0
        session = self._open_session(event, net, ctx.now, by_login=True, risk=risk)
        self._stranger(session, event, ctx)
        suspicion.after_login(account, session, decision.reasons if decision else [], ctx.now)
        self.profile.learn_login(account, event, net, ctx.now, risk=risk)

    def _stranger(self, session: Session, event: Login, ctx: Context) -> None:
        """What the login showed that the account never did (before the profile learns it), and
        which other accounts' doubtful logins shared its client or place lately."""
        account, net = ctx.account, ctx.net
        assert net is not None
        session.first_login = not account.logins
        if account.logins:  # on a first login everything is new: that says nothing about who it is
            now, block, device = ctx.now, address_block(event.ip), event.device_id

            def fresh(seen: dict[str, float], key: str, probation: str) -> bool:
                """Never seen, or first seen lately on a risky login: still a stranger's."""
                return key not in seen or self.evidence.on_probation(account, probation, now)

            # no device cookie at all on an account that always sent one: a client it never used
            session.new_device = fresh(account.devices, device, device) if device else bool(account.devices)
            session.new_network = fresh(account.networks, net.network, "net:" + net.network)
            session.new_place = fresh(account.blocks, block, "place:" + block)
            session.stranger_network = net.hosting or net.country not in account.countries
        else:
            session.stranger_network = net.hosting
        if session.new_device or session.new_place or session.first_login:
            keys = login_keys(event.ip, event.device_id, event.user_agent)
            session.shared = self.infrastructure.others(self.state, keys, account.account_id, ctx.now)
            self.infrastructure.record(self.state, keys, account.account_id, ctx.now)

    def _account_context(self, event: Event) -> Context | None:
        """A context for an account event that is not an action (a report, a fill), else None."""
        account_id = getattr(event, "account_id", None)
        if account_id is None:
            return None
        return Context(self.state, self.state.account(account_id), None, None, epoch(event.ts))

    def _open_session(self, event: Action, net, now: float, *, by_login: bool, risk: float = 0.0) -> Session:
        """Remember the client a session belongs to: later actions on it must come from there."""
        session = Session(
            session_id=event.session_id,
            account_id=event.account_id,
            ip=event.ip,
            network=net.network,
            country=net.country,
            user_agent=event.user_agent,
            device_id=event.device_id,
            opened_at=now,
            by_login=by_login,
            risk=risk,
            last_network=net.network,
        )
        self.state.sessions.put(event.session_id, session)
        return session

    # --- reference, market and account data ----------------------------------------------------
    def _instrument(self, e: Instrument) -> None:
        sym = self.state.symbol(e.symbol)
        sym.market, sym.currency, sym.lot_size = e.market, e.currency, e.lot_size
        self.state.symbols.put(e.symbol, sym)

    def _quote(self, e: MarketQuote) -> None:
        sym = self.state.symbol(e.symbol)
        if sym.restricted:  # an engine restriction without new evidence lapses (engine/restriction.py)
            restriction.expire(sym, epoch(e.ts), self.restriction_expiry)
        sym.last, sym.bid, sym.ask, sym.prev_close, sym.volume_today = (
            e.last,
            e.bid,
            e.ask,
            e.prev_close,
            e.volume_today,
        )
        self.state.symbols.put(e.symbol, sym)

    def _bar(self, e: MarketBar) -> None:
        sym = self.state.symbol(e.symbol)
        sym.close = sym.last = e.close
        sym.bars += 1
        # the mean of the first bars, then an exponentially weighted average (about a month)
        alpha = max(1.0 / sym.bars, 0.05)
        sym.avg_volume = (
            e.volume if sym.avg_volume is None else sym.avg_volume + alpha * (e.volume - sym.avg_volume)
        )
        sym.volume_today = 0.0
        self.state.symbols.put(e.symbol, sym)

    def _restriction(self, e: SymbolRestriction) -> None:
        """Staff (or the engine's own service) imposed or lifted a restriction: the engine follows."""
        sym = self.state.symbol(e.symbol)
        if e.action == "imposed":
            restriction.impose(sym, e.by, epoch(e.ts))
        else:
            restriction.lift(sym)
        self.state.symbols.put(e.symbol, sym)

    def _fx(self, e: FxRate) -> None:
        self.state.fx.put(e.pair, float(e.rate))

    def _opened(self, e: AccountOpened) -> None:
        acc = self.state.account(e.account_id)
        acc.factors = list(dict.fromkeys(e.factors))
        acc.margin_enabled, acc.foreign_enabled, acc.birth_year = (
            e.margin_enabled,
            e.foreign_enabled,
            e.birth_year,
        )
        if acc.first_seen is None:
            acc.first_seen = epoch(e.ts)
        self.state.accounts.put(e.account_id, acc)

    def _snapshot(self, e: AccountSnapshot) -> None:
        acc = self.state.account(e.account_id)
        acc.cash_jpy = float(e.cash_jpy)
        acc.positions = {}
        for p in e.positions:
            acc.positions[p.symbol] = acc.positions.get(p.symbol, 0.0) + p.qty
        self.state.accounts.put(e.account_id, acc)

    def _fill(self, e: Fill) -> None:
        state = self.state
        acc = state.account(e.account_id)
        sym = state.symbols.get(e.symbol)
        value = state.yen(sym.currency if sym else "JPY", e.qty * e.price)
        held = acc.positions.get(e.symbol, 0.0)
        if sym is not None and sym.ask is None:  # no quote known: the broker's own trades price it
            sym.last = e.price
            state.symbols.put(e.symbol, sym)
        if e.side == "buy":
            acc.positions[e.symbol] = held + e.qty
            acc.cash_jpy -= value + e.fee_jpy
        else:
            left = held - e.qty
            if left > 0:
                acc.positions[e.symbol] = left
            else:
                acc.positions.pop(e.symbol, None)
            acc.cash_jpy += value - e.fee_jpy
        state.accounts.put(e.account_id, acc)

    def _deposit(self, e: Deposit) -> None:
        acc = self.state.account(e.account_id)
        acc.cash_jpy += e.amount_jpy
        acc.deposited = (epoch(e.ts), float(e.amount_jpy))
        self.state.accounts.put(e.account_id, acc)

    def _report(self, e: CustomerReport) -> None:
        acc = self.state.account(e.account_id)
        acc.reports[e.kind] = epoch(e.ts)
        if e.kind in suspicion.REPORTED:
            suspicion.mark(acc, suspicion.REPORTED[e.kind], epoch(e.ts))
        if e.kind == "locked_out":  # the customer has been verified out of band
            acc.lock = _unlock(acc.lock, account_lock.UnlockRoute.STAFF, epoch(e.ts))
            acc.failures = 0
        self.state.accounts.put(e.account_id, acc)

    def _review(self, e: ReviewDecided) -> None:
        """Staff decided on a held action (`engine/review.py`): a release trusts its session and
        teaches the budget the customer's habit; a rejection marks the session an attacker's."""
        state, now = self.state, epoch(e.ts)
        acc = state.account(e.account_id)
        sid = acc.held[e.reviewed_event_id].session_id if e.reviewed_event_id in acc.held else None
        session = state.sessions.get(sid) if sid is not None else None
        if e.outcome == "released":
            held = review.release(acc, e.reviewed_event_id, session)
            if held is not None:
                if session is not None:
                    self.profile.trust(acc, session, now)
                if held.by_budget and self.policy.budget is not None:
                    self.policy.budget.released(held.evidence, "passkey" in acc.factors)
        elif review.reject(acc, e.reviewed_event_id, session, now) is not None and session is not None:
            self.profile.forget(acc, session)
        if session is not None:
            state.sessions.put(session.session_id, session)
        state.accounts.put(acc.account_id, acc)

    def _unlocked(self, e: AccountUnlocked) -> None:
        """The identity service or staff lifted the lock: the engine lifts it too."""
        acc = self.state.account(e.account_id)
        acc.lock = _unlock(acc.lock, account_lock.UnlockRoute(e.by), epoch(e.ts))
        acc.failures = 0
        self.state.accounts.put(e.account_id, acc)


def _unlock(state: account_lock.LockState, route: account_lock.UnlockRoute, now: float):
    """The lock lifted by `route` (an expiry only once the engine's own wait is over too)."""
    state = account_lock.current(state, now)
    if not state.locked or route is account_lock.UnlockRoute.EXPIRY:
        return state
    return account_lock.unlock(state, route, now)


UNIX = datetime(1970, 1, 1, tzinfo=UTC)


def epoch(ts: datetime) -> float:
    """Seconds since 1970 (twice as fast as `datetime.timestamp` on an aware time)."""
    return (ts - UNIX).total_seconds()


_GATED = frozenset({OrderNew, Withdrawal})
"""Actions under the friction budget: the customers' orders and withdrawals."""

_HIJACKED = frozenset({"session_client_changed", "session_unknown_client"})
"""Reasons that say a session is driven by someone else's client (a stolen cookie)."""

_NO_DECISION = frozenset({Logout, OrderCancel})
"""Actions that never take a decision: only their observers see them."""
