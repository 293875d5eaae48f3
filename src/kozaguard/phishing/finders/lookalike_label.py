"""Look-alike-label finder: the registered label is an official domain label in disguise, two
look-alike letters deep (``nonnur4`` for ``nomura``: glyphs.loose_skeleton). Runs only when no
exact finder named a brand strongly."""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading
from kozaguard.phishing.glyphs import loose_skeleton

CODES = (R.BRAND_HOMOGLYPH,)


def find(r: HostReading) -> None:
    """Add ``brand_homoglyph`` for a registered label that loosely folds to an official one."""
    if not r.wants_fuzzy():
        return
    lex = r.lexicon
    reg_label = r.labels[r.reg_idx].replace("-", "")
    disguised_as = lex.loose_labels.get(loose_skeleton(reg_label))
    if disguised_as is not None and reg_label not in lex.token_info:
        r.add(disguised_as, R.BRAND_HOMOGLYPH)
