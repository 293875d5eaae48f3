"""Deep-subdomain finder: four labels or more above the registered domain, where kits hide the
brand (``site1.sbisec.co.jp.login.example.com``)."""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading

CODES = (R.DEEP_SUBDOMAIN,)
#: Labels above the registered one from which a host counts as deep.
DEEP_AT = 4


def find(r: HostReading) -> None:
    """Add ``deep_subdomain`` for a host this deep."""
    if r.reg_idx >= DEEP_AT:
        r.context.append(R.DEEP_SUBDOMAIN)
