"""Random-label finder: a label no one would choose to read (``xk2j9q7``, ``qwxzkt``): the
registered label of a throw-away domain, or any label of a host that names a brand. Brand tokens
read as random letters ("smbcnikko"), so words holding one are not judged."""

from __future__ import annotations

import re

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading
from kozaguard.phishing.glyphs import skeleton

CODES = (R.RANDOM_LABEL,)
_SPLIT_LABEL = re.compile(r"[-_]+").split
_WORD_NUMBER = re.compile(r"[a-z]+\d+|\d+[a-z]+")
_CONSONANT_RUN = re.compile(r"[^aeiouy]{5}")
_VOWELS = frozenset("aeiou")


def looks_random(label: str) -> bool:
    """A label that no one would choose to read: mixed digits and letters, or no vowels.

    >>> [looks_random(x) for x in ("xk2j9q7", "qwxzkt", "sakura", "abcd12", "login")]
    [True, True, False, False, False]
    """
    s = label.replace("-", "")
    n = len(s)
    if n < 6:
        return False
    if not s.isascii():
        return _looks_random_slow(s)
    b = s.encode("ascii")
    digits = n - len(b.translate(None, b"0123456789"))
    letters = n - digits
    if digits >= 3 and letters >= 3:
        # "abcd12" reads as a word plus a number; digits scattered between letters do not.
        return _WORD_NUMBER.fullmatch(s) is None
    if letters >= 6 and digits == 0:
        vowels = n - len(b.translate(None, b"aeiou"))
        return vowels / letters < 0.2 or _CONSONANT_RUN.search(s) is not None
    return False


def _looks_random_slow(s: str) -> bool:
    """:func:`looks_random` for text that is not ASCII (digits of other scripts count too)."""
    n = len(s)
    digits = sum(c.isdigit() for c in s)
    letters = n - digits
    if digits >= 3 and letters >= 3:
        return not _WORD_NUMBER.fullmatch(s)
    if letters >= 6 and digits == 0:
        vowels = sum(c in _VOWELS for c in s)
        if vowels / letters < 0.2:
            return True
        run = 0
        for c in s:
            run = 0 if c in _VOWELS or c == "y" else run + 1
            if run >= 5:
                return True
    return False


def random_words(label: str) -> bool:
    """True when some word of ``label`` (cut at hyphens and underscores) looks random."""
    if len(label) < 6:
        return False
    if "-" not in label and "_" not in label:
        return looks_random(label)
    return any(looks_random(w) for w in _SPLIT_LABEL(label))


def find(r: HostReading) -> None:
    """Add ``random_label`` for the first random-looking label."""
    labels = r.host.split(".")
    check = labels[: r.reg_idx + 1] if r.evidence else labels[r.reg_idx : r.reg_idx + 1]
    token_scan = r.lexicon.token_scan
    for lab in check:
        if lab.startswith("xn--") or len(lab) < 6:
            continue
        words = [w for w in _SPLIT_LABEL(lab) if next(token_scan(skeleton(w)), None) is None]
        if any(looks_random(w) for w in words):
            r.context.append(R.RANDOM_LABEL)
            return
