"""Page-name finder: the whole path is one page named after a brand (``/sbisec.html``,
``/rakuten-sec/``): a kit's landing page dropped on a compromised site, whose host names nothing.
Context next to the ``brand_in_path`` the path-brand finder found: ``suspicious`` with the brand."""

from __future__ import annotations

import re

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import PathReading
from kozaguard.phishing.glyphs import skeleton

CODES = (R.BRAND_PAGE_NAME,)
_PAGE = re.compile(r"/([a-z0-9_\-]{3,40})(?:\.(?:html?|php|aspx?|jsp))?/?")


def find(r: PathReading) -> None:
    """Add ``brand_page_name`` when the one path segment is a brand named by the path-brand finder."""
    if not r.low or not r.evidence:
        return
    m = _PAGE.fullmatch(r.low)
    if m is None:
        return
    name = skeleton(m.group(1)).replace("-", "").replace("_", "")
    infos = r.lexicon.token_info.get(name, ())
    if any(R.BRAND_IN_PATH in r.evidence.get(i.brand, ()) for i in infos):
        r.context.append(R.BRAND_PAGE_NAME)
