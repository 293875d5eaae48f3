"""Kit-host finder: one long run of words as the only subdomain of a short registered label that
mixes letters and digits (``luckyactivitypage.mk48o.com``, ``biotransformatio.bgw84.com``): a kit
that registers short coded domains in bulk and puts a phrase or a long dictionary word, often cut
at a fixed length, in front of each. A subdomain that is an ordinary word (``documentation``) is not
read so. Context only (it names no brand): alone it makes a URL
``suspicious``; a brand named elsewhere in the URL makes it more."""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading
from kozaguard.phishing.lexicon import common_words

CODES = (R.KIT_HOST_SHAPE,)
#: Shortest subdomain read as a run of words, and the lengths of a coded registered label.
WORDS_FROM = 12
CODED = range(4, 8)


def coded(label: str) -> bool:
    """A short label of letters and digits, both present (``mk48o``, ``zwf09``, ``qc8vvc``)."""
    if len(label) not in CODED or not label.isascii() or not label.isalnum():
        return False
    return not label.isdigit() and not label.isalpha()


def kit_shaped(head: str, registered_label: str) -> bool:
    """True for a long all-letter subdomain label that is no ordinary word ("documentation" is
    one) over a coded registered label."""
    return (
        len(head) >= WORDS_FROM
        and head.isascii()
        and head.isalpha()
        and coded(registered_label)
        and head not in common_words()
    )


def find(r: HostReading) -> None:
    """Add ``kit_host_shape`` to such a host."""
    if r.reg_idx != 1:
        return
    labels = r.host.split(".")
    if kit_shaped(labels[0], labels[1]):
        r.context.append(R.KIT_HOST_SHAPE)
