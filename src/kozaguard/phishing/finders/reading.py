"""What the evidence finders read and write: one host (or one path) and the evidence found so far.

A finder is a function ``find(reading)``; it adds brand evidence (``brand -> [codes]``, in the order
found) or context codes (:mod:`kozaguard.phishing.reasons`) to the reading. Finders run in the
order of the registry (:mod:`kozaguard.phishing.finders`), so a finder may look at what earlier
ones found: the fuzzy finders run only when no exact finder named a brand strongly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kozaguard.phishing import reasons as R
from kozaguard.phishing.lexicon import Lexicon

#: ``typo_targets(word)``: the typo targets ``word`` is one edit from, as ``(token, whole)``.
TypoLookup = Callable[[str], tuple[tuple[str, bool], ...]]


def named_strongly(evidence: dict[str, list[str]]) -> bool:
    """True when some piece of brand evidence reaches the impersonation line on its own."""
    weights = R.WEIGHTS
    return any(weights[c] >= R.IMPERSONATION_AT for codes in evidence.values() for c in codes)


@dataclass(slots=True)
class HostReading:
    """One host, folded and cut into labels, with the evidence found in it so far."""

    lexicon: Lexicon
    host: str  # ASCII (punycode) form
    raw: str  # IDN labels decoded
    sk: str  # raw with look-alike letters folded (glyphs.skeleton)
    labels: list[str]  # sk cut at dots
    raw_labels: list[str]  # raw cut at dots (labels again when folding changed lengths)
    reg_idx: int  # index of the registered label in labels
    suffix: str  # public suffix
    flat: str  # sk without dots, hyphens and underscores
    any_token: bool  # flat holds some brand token (the gate of the exact finders)
    typo_targets: TypoLookup
    evidence: dict[str, list[str]] = field(default_factory=dict)
    context: list[str] = field(default_factory=list)
    #: Set by the suffix-list finder when the host is under an official or group domain.
    official: str | None = None
    brand: str | None = None
    _fuzzy: bool | None = None

    def add(self, brand: str, code: str) -> None:
        """Record one piece of brand evidence."""
        self.evidence.setdefault(brand, []).append(code)

    def wants_fuzzy(self) -> bool:
        """True when the fuzzy finders (look-alike label, typos) should run: no exact finder named a
        brand strongly. Decided once, by the first fuzzy finder to ask."""
        if self._fuzzy is None:
            self._fuzzy = not named_strongly(self.evidence)
        return self._fuzzy


@dataclass(slots=True)
class PathReading:
    """The path (with query and fragment) and userinfo of a URL, with the evidence found so far."""

    lexicon: Lexicon
    userinfo: str
    low: str  # the path, lower case, percent-decoded, at most 1024 characters; "" if just "/"
    evidence: dict[str, list[str]] = field(default_factory=dict)
    context: list[str] = field(default_factory=list)

    def add(self, brand: str, code: str) -> None:
        """Record one piece of brand evidence."""
        self.evidence.setdefault(brand, []).append(code)


@dataclass(slots=True)
class UrlReading:
    """A whole URL's evidence (host and path merged) before scoring, for the finders that need both."""

    lexicon: Lexicon
    path: str  # as given
    evidence: dict[str, list[str]]
    context: list[str]
    is_word: Callable[[str], bool]  # an ordinary word or page name, not a random token
