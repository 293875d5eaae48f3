"""Phishing-word finder: a word of credential pages (``login``, ``secure``, ``verify``; signals.toml)
as a word of the host, or, in a host that names a brand, glued inside a label
(``sbisec-loginpage``). Only where something else was found: the word alone flags no one."""

from __future__ import annotations

import functools
import re

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading
from kozaguard.phishing.lexicon import Lexicon

CODES = (R.PHISHING_KEYWORD,)
#: Cuts a host into its words.
SPLIT_WORDS = re.compile(r"[.\-_]+").split


@functools.cache
def long_keywords(lex: Lexicon) -> re.Pattern[str]:
    """Phishing words of four letters or more, to be found anywhere in a label."""
    words = sorted((k for k in lex.signals.phishing_keywords if len(k) >= 4), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)) or "(?!)")


def has_keyword(keywords: frozenset[str], host: str) -> bool:
    """True when some word of ``host`` is a phishing word."""
    return not keywords.isdisjoint(SPLIT_WORDS(host))


def find(r: HostReading) -> None:
    """Add ``phishing_keyword`` to a host with other findings."""
    if not (r.evidence or r.context):
        return
    if has_keyword(r.lexicon.signals.phishing_keywords, r.raw):
        r.context.append(R.PHISHING_KEYWORD)
    elif r.evidence:
        search = long_keywords(r.lexicon).search
        if any(search(lab) for lab in r.raw.split(".")[: r.reg_idx + 1]):
            r.context.append(R.PHISHING_KEYWORD)
