"""The scorer: evidence found in a URL (and its page) → verdict, brand, score and reasons.

Pure: no I/O, no state. Evidence finders say *which* brand a piece names (brand evidence) and *how
phishy* the place is (context); the scorer adds their weights (:mod:`kozaguard.phishing.reasons`):
only the strongest brand evidence counts in full, further pieces add a fifth of their weight. A
brand named twice, or named in the host next to a sign of a credential page, is corroborated: the
score is raised to the impersonation line.

>>> r = score("https://sbisec-login.example.top/", {"sbisec": ["brand_token"]}, ["phishing_keyword"])
>>> str(r.verdict), r.brand, r.score, r.reasons
('impersonation', 'sbisec', 0.75, ('brand_token', 'phishing_keyword'))
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import msgspec

from kozaguard.phishing import reasons as R


class Verdict(StrEnum):
    """What the checker concludes about a URL."""

    OFFICIAL = "official"
    IMPERSONATION = "impersonation"
    SUSPICIOUS = "suspicious"
    UNKNOWN = "unknown"


class CheckResult(msgspec.Struct, frozen=True, gc=False):
    """The outcome for one URL. ``error`` is set (and verdict ``unknown``) when it could not be read.

    A frozen msgspec struct: built in C, since one is made for every URL checked.
    """

    url: str
    verdict: Verdict
    brand: str | None
    score: float
    reasons: tuple[str, ...]
    error: str | None = None
    #: Why a brand was inherited ("same kit as 41 earlier URLs naming sbisec"), from campaign memory.
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a result (``error`` and ``note`` only when there is one)."""
        out: dict[str, Any] = {
            "url": self.url,
            "verdict": str(self.verdict),
            "brand": self.brand,
            "score": self.score,
            "reasons": list(self.reasons),
        }
        if self.error is not None:
            out["error"] = self.error
        if self.note is not None:
            out["note"] = self.note
        return out


def corroborated(codes: list[str], context: list[str]) -> bool:
    """True when the brand is named by two different pieces of evidence, or in the host next to a
    sign of a credential page (a login path or word, a brand query parameter, ``co.jp`` written
    where it does not belong), or anywhere on a page with a password form: a kit, not a mention."""
    if R.PASSWORD_FORM in context:
        return True
    own = [c for c in codes if c not in R.PAGE_EVIDENCE]  # a page's words alone are a mention
    if len(own) >= 2 or (R.BRAND_LOGIN_PATH in own and R.OFFICIAL_SUFFIX_FRAGMENT in context):
        return True
    if not any(c not in R.PATH_EVIDENCE for c in own):
        return False
    # A common brand word ("smbc.co.id/login") needs a sign of its own kit, not just a login page.
    signs = R.LOGIN_SIGNS if own[0] not in R.COMMON_WORD_EVIDENCE else R.LOGIN_SIGNS - {R.LOGIN_PATH_WORDS}
    return any(c in signs for c in context) or any(c in signs for c in own)


def score(
    url: str, evidence: dict[str, list[str]], context: list[str], note: str | None = None
) -> CheckResult:
    """The result for ``url`` from its brand evidence (brand → codes, in the order found) and context."""
    weights = R.WEIGHTS
    brand = None
    brand_score = 0.0
    codes: list[str] = []
    for candidate, found in evidence.items():
        if not found:
            continue
        ranked = sorted(dict.fromkeys(found), key=weights.__getitem__, reverse=True)  # ties keep order
        value = weights[ranked[0]] + 0.2 * sum(weights[c] for c in ranked[1:])
        if value > brand_score:
            brand, brand_score, codes = candidate, value, ranked
    context = list(dict.fromkeys(context))
    total = brand_score + sum(weights[c] for c in context)
    if brand is not None and total < R.IMPERSONATION_AT and corroborated(codes, context):
        total = R.IMPERSONATION_AT
    if brand is None:
        total = min(total, R.IMPERSONATION_AT - 0.01)
    total = round(min(total, 0.99), 2)
    if brand is not None and total >= R.IMPERSONATION_AT:
        verdict = Verdict.IMPERSONATION
    elif total >= (R.SUSPICIOUS_AT if brand is not None else R.SUSPICIOUS_WITHOUT_BRAND_AT):
        verdict = Verdict.SUSPICIOUS
    else:
        verdict = Verdict.UNKNOWN
    return CheckResult(url, verdict, brand, total, (*codes, *context), None, note)
