"""Brand tokens and official hostnames in free text (a path, a query, userinfo): shared by the
path finders. Not a finder itself."""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.glyphs import skeleton
from kozaguard.phishing.lexicon import DOMAIN_LABEL, EMBEDDED, STRONG, SUBSTRING_MIN_LEN, WEAK, Lexicon


def scan_text(lex: Lexicon, text: str, found: dict[str, list[str]]) -> None:
    """Add ``official_host_in_path`` for official hostnames and ``brand_in_path`` for brand tokens
    written as words of ``text`` (lower case)."""
    sk = skeleton(text)
    dotted = sk.replace("-", ".").replace("_", ".")
    for m in lex.embedded_re.finditer(dotted):
        brand = lex.embedded_names.get(m.group())
        if brand is not None and "." in m.group():
            found.setdefault(brand, []).append(R.OFFICIAL_HOST_IN_PATH)
    compact = sk.replace("-", "").replace("_", "")
    for m in lex.token_re.finditer(compact):
        token = m.group()
        if not token:
            continue
        start, end = m.span()
        before = compact[start - 1] if start else "/"
        after = compact[end] if end < len(compact) else "/"
        bounded = not before.isalnum() and not after.isalpha()
        if not bounded and len(token) < SUBSTRING_MIN_LEN:
            # "sbisecjapan", "daiwaseclogin": glued to affix words is still a word of its own.
            ws, we = start, end
            while ws > 0 and compact[ws - 1].isalnum():
                ws -= 1
            while we < len(compact) and compact[we].isalnum():
                we += 1
            affix = lex.folded_affix_re
            if not (affix.fullmatch(compact, ws, start) and affix.fullmatch(compact, end, we)):
                continue
        infos = lex.token_info[token]
        common = any(i.kind == WEAK for i in infos)
        for info in infos:
            # A domain label that is also a common word ("kabu": stock) names no one in a path.
            if info.kind in (STRONG, EMBEDDED) or (info.kind == DOMAIN_LABEL and not common):
                found.setdefault(info.brand, []).append(R.BRAND_IN_PATH)
                break
