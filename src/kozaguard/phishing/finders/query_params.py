"""Query-parameter finder: parameters copied from a brand's login application (``?_ActionID=``)
or named after the brand (``?sbisecjapan=login``, the brand glued to affix words)."""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import PathReading
from kozaguard.phishing.glyphs import skeleton
from kozaguard.phishing.lexicon import DOMAIN_LABEL, EMBEDDED, STRONG

CODES = (R.BRAND_QUERY_PARAM,)


def find(r: PathReading) -> None:
    """Add ``brand_query_param`` for each such parameter (the first 32 parameters are read)."""
    q = r.low.find("?")
    if q == -1:
        return
    lex = r.lexicon
    affix = lex.folded_affix_re
    for part in r.low[q + 1 :].split("&")[:32]:
        name = part.partition("=")[0]
        if len(name) < 3:
            continue
        brand = lex.login_params.get(name)
        if brand is not None:
            r.add(brand, R.BRAND_QUERY_PARAM)
            continue
        flat = skeleton(name).replace("-", "").replace("_", "")
        for m in lex.token_re.finditer(flat):
            start, end = m.span()
            if not (affix.fullmatch(flat, 0, start) and affix.fullmatch(flat, end)):
                continue
            for info in lex.token_info.get(m.group(), ()):
                if info.kind in (STRONG, EMBEDDED, DOMAIN_LABEL):
                    r.add(info.brand, R.BRAND_QUERY_PARAM)
                    break
