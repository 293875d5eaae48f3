"""Suffix-fragment finder: ``co.jp`` (or ``co-jp``, ``cojp``) written where it does not belong, in
the path: a kit pasting the official host's tail (``…/co.jp.login/``)."""

from __future__ import annotations

import re

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import PathReading

CODES = (R.OFFICIAL_SUFFIX_FRAGMENT,)
_SUFFIX_FRAGMENT = re.compile(r"(?:^|[/.\-_])co[.\-_]?jp(?:$|[/.\-_?#])")


def find(r: PathReading) -> None:
    """Add ``official_suffix_fragment`` for ``co.jp`` in the path."""
    if r.low and _SUFFIX_FRAGMENT.search(r.low):
        r.context.append(R.OFFICIAL_SUFFIX_FRAGMENT)
