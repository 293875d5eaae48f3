"""Japanese-name finder: a brand's Japanese name (``SBI証券``, ``楽天証券``) in an internationalised
host, after NFKC folding (full-width letters read as ASCII)."""

from __future__ import annotations

import unicodedata

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading
from kozaguard.phishing.lexicon import Lexicon

CODES = (R.BRAND_JAPANESE,)


def japanese_names(lex: Lexicon, text: str) -> list[str]:
    """The brands whose Japanese names occur in ``text``, in order (repeats kept)."""
    norm = unicodedata.normalize("NFKC", text).lower()
    return [lex.japanese[m.group()] for m in lex.japanese_re.finditer(norm)]


def find(r: HostReading) -> None:
    """Add ``brand_japanese`` for each Japanese brand name in an IDN host."""
    if r.host.isascii() and "xn--" not in r.host:
        return
    for brand in japanese_names(r.lexicon, r.raw):
        r.add(brand, R.BRAND_JAPANESE)
