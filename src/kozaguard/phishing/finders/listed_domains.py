"""Suffix-list finder: the host is under a brand's official or group domain, or on a kind of hosting
phishing abuses (free hosting, dynamic DNS, translation proxies; ``data/signals.toml``).

The longest listed name the host ends with decides. Official and group hosts are never flagged:
the reader stops there.
"""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading

CODES = (R.OFFICIAL_DOMAIN, R.BRAND_GROUP_DOMAIN, R.ABUSED_HOSTING, R.DYNAMIC_DNS, R.TRANSLATION_PROXY)


def find(r: HostReading) -> None:
    """Tag the host by the first listed name among itself and its parents."""
    tags = r.lexicon.suffix_tags
    s = r.host
    while True:
        tag = tags.get(s)
        if tag is not None:
            kind, owner = tag
            if kind == "official":
                r.official, r.brand = R.OFFICIAL_DOMAIN, owner
            elif kind == "group":
                r.official, r.brand = R.BRAND_GROUP_DOMAIN, owner
            else:
                r.context.append(kind)
            return
        dot = s.find(".")
        if dot == -1:
            return
        s = s[dot + 1 :]
