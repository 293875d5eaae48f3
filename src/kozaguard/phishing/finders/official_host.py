"""Official-host finder: a brand's official hostname written into this host with its dots turned
into hyphens or kept (``www-sbisec-co-jp.abc.top``, ``site1.sbisec.co.jp.example.com``), cut by a
dot (``sbi.sec.co.jp.x.com``), or the whole host folding to an official one (``rnonex.co.jp``)."""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading, named_strongly
from kozaguard.phishing.lexicon import EMBEDDED, FUZZY_MIN_LEN, STRONG

CODES = (R.OFFICIAL_HOST_EMBEDDED, R.BRAND_HOMOGLYPH)


def find(r: HostReading) -> None:
    """Add official hostnames written into the host."""
    if not r.any_token:
        return
    lex = r.lexicon
    dotted = r.sk.replace("-", ".").replace("_", ".")
    whole = lex.embedded_names.get(dotted)
    if whole is not None:
        # The host folds to an official hostname: look-alike letters ("rnonex.co.jp").
        r.add(whole, R.BRAND_HOMOGLYPH)
        return
    for m in lex.embedded_re.finditer(dotted):
        brand = lex.embedded_names.get(m.group())
        # "x-daiwa.jp" ends like the official name but is only a label ending in a brand word.
        if brand is not None and m.end() < len(dotted):
            r.add(brand, R.OFFICIAL_HOST_EMBEDDED)
    if "." not in dotted or named_strongly(r.evidence):
        return
    # "sbi.sec.co.jp", "nom.ura.co.jp": a token or official host cut by a dot.
    flat = dotted.replace(".", "")
    if next(lex.token_scan(flat), None) is None:
        return
    cuts = []
    total = 0
    for part in dotted.split("."):
        total += len(part)
        cuts.append(total)
    for m in lex.token_re.finditer(flat):
        start, end = m.span()
        if not any(start < c < end for c in cuts):
            continue
        if end == len(flat) and start > 0:
            continue  # "kyoto-daiwa.jp": a label ending in a brand word, not a split name
        for info in lex.token_info.get(m.group(), ()):
            if info.kind == EMBEDDED or (info.kind == STRONG and end - start >= FUZZY_MIN_LEN):
                r.add(info.brand, R.OFFICIAL_HOST_EMBEDDED)
                break
