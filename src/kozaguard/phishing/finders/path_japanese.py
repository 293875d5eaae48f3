"""Path Japanese-name finder: a brand's Japanese name in the (percent-decoded) path or query,
scored like any brand named in the path."""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.japanese_name import japanese_names
from kozaguard.phishing.finders.reading import PathReading

CODES = (R.BRAND_IN_PATH,)


def find(r: PathReading) -> None:
    """Add ``brand_in_path`` for each Japanese brand name in the path."""
    if r.low and not r.low.isascii():
        for brand in japanese_names(r.lexicon, r.low):
            r.add(brand, R.BRAND_IN_PATH)
