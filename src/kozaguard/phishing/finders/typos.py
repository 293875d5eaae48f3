"""Typo finder: a label (or a hyphen-part of one) one edit from a brand token or official label
(two edits for tokens of nine letters or more): ``sbisecc``, ``rakuten-secc``, ``nomurra-login``.

A whole registered label that is a typo is ``brand_typosquat_domain``; a typo glued to affix words
or in a subdomain is ``brand_typo``. Ordinary words one edit from a brand ("likesec" is "like" +
"sec") and words listed as ``not_typos`` in the registry are not typos. Runs only when no exact
finder named a brand strongly.

:func:`typo_targets` is pure; the checker hands the finders a cached copy of it.
"""

from __future__ import annotations

import functools
import re

from rapidfuzz.distance import OSA

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading
from kozaguard.phishing.glyphs import skeleton
from kozaguard.phishing.lexicon import (
    FUZZY_MIN_LEN,
    STRONG,
    WEAK,
    Lexicon,
    TypoEntry,
    TypoPlans,
    common_words,
    edits_allowed,
)

CODES = (R.BRAND_TYPOSQUAT_DOMAIN, R.BRAND_TYPO)
#: Splits a label into its words.
SPLIT_LABEL = re.compile(r"[-_]+").split


def _head_lost(word: str, target: str, whole: bool) -> bool:
    """True when both edits of a two-edit typo fall in the first half of the token: the word keeps
    only the token's ordinary tail ("cbrsecurity" is not "sbisecurity")."""
    if not whole or edits_allowed(target) < 2:
        return False
    tail = target[len(target) // 2 :]
    if not word.endswith(tail):
        return False
    return OSA.distance(word[: len(word) - len(tail)], target[: len(target) - len(tail)], score_cutoff=2) >= 2


@functools.cache
def common_folded() -> frozenset[str]:
    """The ordinary words, folded like hosts are ("like" reads "iike"); built once per process."""
    return frozenset(skeleton(w) for w in common_words())


def _plan(plans: TypoPlans, pair: str, n: int) -> tuple[TypoEntry, ...]:
    """The typo plan (:func:`~kozaguard.phishing.lexicon.typo_plans`) for a word of ``n`` letters
    whose first or last two letters are ``pair``."""
    per_length = plans.get(pair)
    if per_length is None:
        return ()
    return per_length[n] if n < len(per_length) else per_length[-1]


@functools.cache
def _suffix_words(lex: Lexicon) -> list[str]:
    """Words a brand token may end with ("sec", "shoken"), longest first."""
    return sorted((k for k in lex.signals.phishing_keywords if len(k) >= 3), key=len, reverse=True)


def _other_word(lex: Lexicon, word: str, target: str) -> bool:
    """True when the typo only swaps the brand's word for another ordinary word before the same
    suffix ("likesec" is "like" + "sec", not a slip of "linesec")."""
    for kw in _suffix_words(lex):
        if word.endswith(kw) and target.endswith(kw):
            head, brand_head = word[: -len(kw)], target[: -len(kw)]
            return head != brand_head and len(head) >= 3 and head in common_folded()
    return False


def typo_targets(lex: Lexicon, word: str) -> tuple[tuple[str, bool], ...]:
    """Tokens ``word`` is one edit away from: ``(token, whole)``; ``whole`` is False when the
    typo is glued to affix words ("sbisecclogin").

    A single edit (two, for tokens of nine letters or more) leaves the first two or the last two
    letters in place, so only tokens sharing those are compared (in C, by rapidfuzz).
    """
    found: dict[str, bool] = {}
    n = len(word)
    if word in lex.token_info:
        return ()
    affix = lex.folded_affix_re
    ends_affixed = starts_affixed = None
    for t, m, k, close in _plan(lex.typo_by_prefix, word[:2], n):
        if close:
            if OSA.distance(word, t, score_cutoff=k) <= k:
                found[t] = True
            continue
        if ends_affixed is None:
            # A typo glued to affix words ends with one of them: one C call rules most out.
            ends_affixed = word.endswith(lex.folded_affixes)
        if ends_affixed:
            for cut in range(m - k, m + k + 1):
                if affix.fullmatch(word, cut) and OSA.distance(word[:cut], t, score_cutoff=k) <= k:
                    found.setdefault(t, False)
                    break
    for t, m, k, close in _plan(lex.typo_by_suffix, word[-2:], n):
        if close:
            if OSA.distance(word, t, score_cutoff=k) <= k:
                found[t] = True
            continue
        if starts_affixed is None:
            starts_affixed = word.startswith(lex.folded_affixes)
        if starts_affixed:
            for cut in range(m - k, m + k + 1):
                if (
                    affix.fullmatch(word, 0, n - cut)
                    and OSA.distance(word[n - cut :], t, score_cutoff=k) <= k
                ):
                    found.setdefault(t, False)
                    break
    if not found:
        return ()
    if word in common_words() or word in lex.not_typos:
        return ()
    return tuple(
        (t, w)
        for t, w in found.items()
        if t != word and not _head_lost(word, t, w) and not _other_word(lex, word, t)
    )


def candidates(lex: Lexicon, label: str) -> list[str]:
    """The words of a folded label that are compared with typo targets: the label without its
    separators and each hyphen-part long enough; none when a part spells a brand right
    ("nomura-re" is no typo)."""
    lo = lex.fuzzy_min
    if len(label) < lo:
        return []
    if "-" not in label and "_" not in label:
        return [label]
    words = SPLIT_LABEL(label)
    if any(i.kind != WEAK for w in words for i in lex.token_info.get(w, ())):
        return []
    compact = label.replace("-", "").replace("_", "")
    return [w for w in (compact, *words) if len(w) >= lo]


def may_be_typo(lex: Lexicon, label: str, lookup) -> bool:
    """True if :func:`find` would find a typo target for some word of this (folded) label; only
    the words whose first or last two letters start a plan are looked up."""
    by_prefix, by_suffix = lex.typo_by_prefix, lex.typo_by_suffix
    lo = lex.fuzzy_min
    if "-" in label or "_" in label:
        words = [label.replace("-", "").replace("_", ""), *(w for w in SPLIT_LABEL(label) if len(w) >= lo)]
    else:
        words = [label]
    for word in words:
        if len(word) < lo or (word[:2] not in by_prefix and word[-2:] not in by_suffix):
            continue
        if lookup(word):
            return True
    return False


def find(r: HostReading) -> None:
    """Add the typos of brand tokens in the host's labels."""
    if not r.wants_fuzzy():
        return
    lex = r.lexicon
    lookup = r.typo_targets
    labels, reg_idx = r.labels, r.reg_idx
    for li in range(min(reg_idx + 1, len(labels))):
        label = labels[li]
        compact = label.replace("-", "").replace("_", "")
        for word in candidates(lex, label):
            for target, exact in lookup(word):
                whole = exact and li == reg_idx and word == compact
                for info in lex.fuzzy_targets[target]:
                    if info.kind == STRONG or len(target) >= FUZZY_MIN_LEN:
                        code = R.BRAND_TYPOSQUAT_DOMAIN if whole else R.BRAND_TYPO
                    elif whole:
                        code = R.BRAND_TYPO
                    else:
                        continue
                    r.add(info.brand, code)
