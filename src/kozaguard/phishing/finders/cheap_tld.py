"""Cheap-TLD finder: the public suffix (or its TLD) is one where throw-away domains cost next to
nothing (``.top``, ``.cfd``, ``.icu``; ``data/signals.toml``)."""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading

CODES = (R.CHEAP_TLD,)


def is_cheap(suffix: str, cheap_tlds: frozenset[str]) -> bool:
    """True for a cheap public suffix, or one under a cheap TLD (``xyz.top`` style suffixes)."""
    return suffix in cheap_tlds or suffix.rpartition(".")[2] in cheap_tlds


def find(r: HostReading) -> None:
    """Add ``cheap_tld`` for a cheap suffix."""
    if is_cheap(r.suffix, r.lexicon.signals.cheap_tlds):
        r.context.append(R.CHEAP_TLD)
