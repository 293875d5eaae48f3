"""The one interface every detector implements, and the context it is given.

A detector looks at one kind of action and says how risky it is (`assess`), and may learn from any
event it subscribes to (`observe`, called after the decision, so a decision only uses what came
before it and the event itself). Detectors are registered in `kozaguard.engine.detectors`.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from msgspec import Meta

from kozaguard.engine.network import IpInfo
from kozaguard.engine.outcome import Finding
from kozaguard.engine.state import Account, Session, State
from kozaguard.events.schema import Event

CONTACT_CHANGE_SECONDS = 24 * 3600

# The types a detector declares its parameters with (`def __init__(self, accounts: Count = 5)`): the
# settings loader (`kozaguard.config`) checks every configured value against them before any event.
Count = Annotated[int, Meta(ge=1, le=1_000_000)]
"""A number of accounts, failures or logins: at least 1."""
Share = Annotated[float, Meta(ge=0, le=1)]
"""A share of a whole, or a session risk: 0 to 1."""
Ratio = Annotated[float, Meta(gt=0, le=100)]
"""A price premium, or a share of a volume or a value that may exceed the whole: above 0."""
Window = Annotated[float, Meta(gt=0, le=87_600)]
"""A time window in the unit its name says (hours, days): above 0."""
Wait = Annotated[float, Meta(ge=0, le=87_600)]
"""A wait in the unit its name says (hours, days): 0 (none) or more."""
Country = Annotated[str, Meta(pattern="^[A-Z]{2}$")]
"""An ISO 3166 country code in capitals, e.g. JP."""


class Context:
    """What the engine knows around one action: the account, its session, where the client is."""

    __slots__ = ("_risk", "account", "net", "now", "session", "state")

    def __init__(
        self, state: State, account: Account, session: Session | None, net: IpInfo | None, now: float
    ) -> None:
        self.state = state
        self.account = account
        self.session = session
        self.net = net
        self.now = now
        self._risk: float | None = None

    def session_risk(self) -> float:
        """How far the session can be distrusted: its login's risk, raised when it has since moved to a
        network the account has never used (a stolen cookie replayed from elsewhere), and raised
        when the registered e-mail or phone changed in the last day (attackers change it first)."""
        if self._risk is not None:
            return self._risk
        self._risk = self._session_risk()
        return self._risk

    def _session_risk(self) -> float:
        s, net = self.session, self.net
        if s is None:
            return 0.0
        risk = s.risk
        if net is not None and net.network != s.network and net.network not in self.account.networks:
            risk = max(risk, 0.5)
        if self.account.contacts_changed(self.now, CONTACT_CHANGE_SECONDS):
            risk = min(1.0, risk + 0.3)
        return risk

    def since(self, when: float | None) -> float:
        """Seconds from `when` to now (infinity when it never happened)."""
        return float("inf") if when is None else self.now - when


class Detector:
    """Base class: subclasses set `name`, `assesses` / `observes`, and override what they need.

    `assesses` lists the event types the detector scores; `observes` the types it learns from.
    """

    name: ClassVar[str] = ""
    assesses: ClassVar[tuple[type[Event], ...]] = ()
    observes: ClassVar[tuple[type[Event], ...]] = ()
    alone: ClassVar[bool] = True
    """False for a detector that acts on what follows other detectors' decisions (staff review of a
    hold): its contract test runs it beside the others."""

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        """The detector's finding for this action, or None when it sees nothing wrong."""
        return None

    def observe(self, event: Event, ctx: Context | None) -> None:
        """Learn from an event after it was decided (ctx is None for events without an account)."""
