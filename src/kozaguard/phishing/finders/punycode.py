"""Punycode finder: an internationalised host, and one that mixes scripts inside a label (Latin
with Cyrillic, ASCII letters with Japanese), the usual shape of a look-alike IDN."""

from __future__ import annotations

import unicodedata

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading

CODES = (R.PUNYCODE_HOST, R.MIXED_SCRIPT)


def _mixed(label: str) -> bool:
    if not label.isascii() and any(c.isascii() and c.isalpha() for c in label):
        return True
    return len({unicodedata.name(c, "?").split(" ")[0] for c in label if c.isalpha()}) > 1


def find(r: HostReading) -> None:
    """Add ``punycode_host``, and ``mixed_script`` when some label mixes scripts."""
    if "xn--" not in r.host:
        return
    r.context.append(R.PUNYCODE_HOST)
    if any(_mixed(lab) for lab in r.raw.split(".")):
        r.context.append(R.MIXED_SCRIPT)
