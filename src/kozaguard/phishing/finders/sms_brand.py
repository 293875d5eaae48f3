"""SMS-lure brand finder: the lure's one random path token opens or closes with a brand word
(``/sbiuen``, ``/Hsffgsbi``): a kit's per-brand link on a throw-away domain. Runs after the
SMS-lure finder, only on its lures and only where nothing else named a brand."""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import UrlReading
from kozaguard.phishing.glyphs import skeleton

CODES = (R.BRAND_IN_PATH,)


def find(r: UrlReading) -> None:
    """Add ``brand_in_path`` for a brand word at either end of an SMS lure's token."""
    if r.evidence or R.SMS_LURE_SHAPE not in r.context:
        return
    lex = r.lexicon
    token = skeleton(r.path.strip("/#").lower())
    for m in lex.token_re.finditer(token):
        start, end = m.span()
        if end - start >= 3 and (start == 0 or end == len(token)) and end - start < len(token):
            r.evidence.setdefault(lex.token_info[m.group()][0].brand, []).append(R.BRAND_IN_PATH)
            return
