"""Glued-brand finder: a short or common brand word opening or closing the registered label (or a
hyphen-part of it) with two or three letters of no meaning after or before it, on a cheap TLD or
free hosting: the throw-away series of a kit (``sbiab.top``, ``sbibn.top``, ``gmoksn.icu``,
``cheap-sbilcf.cfd``), one registration per letter pair.

Only where no finder has named a brand already, and never for a label that is an ordinary word.
Weighted like a common brand word: it makes ``suspicious`` with the brand, ``impersonation`` only
with a kit's own sign.
"""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading
from kozaguard.phishing.lexicon import common_words

CODES = (R.BRAND_GLUED_LABEL,)
#: Places where a throw-away series is registered.
_CHEAP_PLACES = frozenset({R.CHEAP_TLD, R.ABUSED_HOSTING, R.DYNAMIC_DNS})
_TAIL = range(2, 4)


def find(r: HostReading) -> None:
    """Add ``brand_glued_label`` for a brand word glued to a short meaningless tail."""
    if not r.any_token or r.evidence or _CHEAP_PLACES.isdisjoint(r.context):
        return
    lex = r.lexicon
    common = common_words()
    for part in r.labels[r.reg_idx].split("-"):
        if len(part) < 5 or part in common or part in lex.token_info:
            continue
        for m in lex.token_re.finditer(part):
            token = m.group()
            start, end = m.span()
            if len(token) < 3 or not (start == 0 or end == len(part)):
                continue
            tail = part[end:] if start == 0 else part[:start]
            if len(tail) not in _TAIL or not tail.isalpha() or tail in lex.signals.affix_words:
                continue
            brand = lex.token_info[token][0].brand
            r.add(brand, R.BRAND_GLUED_LABEL)
            return
