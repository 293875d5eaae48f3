"""Path-brand finder: a brand token or an official hostname written in the path or query
(``/sbisec.html``, ``/www.sbisec.co.jp/login``), or a brand's Japanese name there."""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import PathReading
from kozaguard.phishing.finders.text import scan_text

CODES = (R.BRAND_IN_PATH, R.OFFICIAL_HOST_IN_PATH)


def find(r: PathReading) -> None:
    """Add ``official_host_in_path`` and ``brand_in_path`` for what the path names."""
    if not r.low:
        return
    scan_text(r.lexicon, r.low, r.evidence)
