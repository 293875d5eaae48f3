"""Login-path finder: a brand's own login application path (``/ETGate/``, ``/app/MhLogin.do``; the
registry lists each with its source) on a host that is not the brand's."""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import PathReading

CODES = (R.BRAND_LOGIN_PATH,)


def find(r: PathReading) -> None:
    """Add ``brand_login_path`` for the first login path of a brand, ending at a segment boundary."""
    lex = r.lexicon
    low = r.low
    if not low or lex.login_path_re is None:
        return
    for m in lex.login_path_re.finditer(low):
        brand = lex.login_paths.get(m.group())
        end = m.end()
        if brand is not None and (end == len(low) or low[end] in "/?#;.&"):
            r.add(brand, R.BRAND_LOGIN_PATH)
            return
