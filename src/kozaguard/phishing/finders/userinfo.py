"""Userinfo finder: text before ``@`` in the authority (``https://sbisec.co.jp@evil.top/``), which
browsers do not show as the host; a brand named there is ``brand_in_userinfo``."""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import PathReading
from kozaguard.phishing.finders.text import scan_text

CODES = (R.USERINFO_IN_URL, R.BRAND_IN_USERINFO)


def find(r: PathReading) -> None:
    """Add ``userinfo_in_url``, and ``brand_in_userinfo`` for each brand it names."""
    if not r.userinfo:
        return
    r.context.append(R.USERINFO_IN_URL)
    found: dict[str, list[str]] = {}
    scan_text(r.lexicon, r.userinfo.lower(), found)
    for brand in found:
        r.add(brand, R.BRAND_IN_USERINFO)
