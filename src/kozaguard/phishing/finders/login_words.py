"""Login-word finder: words of a credential page in the path (``login``, ``signin``, ``auth``;
signals.toml): context only, they name no brand."""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import PathReading

CODES = (R.LOGIN_PATH_WORDS,)


def find(r: PathReading) -> None:
    """Add ``login_path_words`` when the path has one."""
    if r.low and r.lexicon.login_words_re.search(r.low):
        r.context.append(R.LOGIN_PATH_WORDS)
