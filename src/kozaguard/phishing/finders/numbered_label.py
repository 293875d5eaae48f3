"""Numbered-label finder: in a host that names a brand, a label numbered like a kit's copies
(``sbisec01``, ``1-rakuten``, ``site4``)."""

from __future__ import annotations

import re

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading

CODES = (R.NUMBERED_LABEL,)
_NUMBERED = re.compile(r"(?:[a-z]-?\d{1,4}$)|(?:^\d{1,4}-?[a-z])")


def find(r: HostReading) -> None:
    """Add ``numbered_label`` to a host with brand evidence and a numbered label."""
    if r.evidence and any(_NUMBERED.search(lab) for lab in r.host.split(".")[: r.reg_idx + 1]):
        r.context.append(R.NUMBERED_LABEL)
