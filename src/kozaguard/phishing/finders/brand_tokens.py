"""Brand-token finder: a brand's token, or its official domain label, written in a label of the
host: whole, as a hyphen-part (``sbisec-login``, ``www-rakuten``), or glued to affix words and
digits (``sbiseclogin01``). Look-alike letters that fold to the token make ``brand_homoglyph``.

Only labels up to the registered one are read (the suffix names no brand). A strong token counts
when bounded by separators or affix words, or when long enough to stand inside any word; the
official domain label counts as the registered label (``daiwa.top``, ``my-daiwa.jp``) or bounded in a
subdomain; a weak token (a common word) only bounded, and alone in a subdomain label it is only
``weak_brand_label``.
"""

from __future__ import annotations

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import HostReading
from kozaguard.phishing.lexicon import DOMAIN_LABEL, EMBEDDED, STRONG, SUBSTRING_MIN_LEN, WEAK

CODES = (
    R.BRAND_TOKEN,
    R.BRAND_HOMOGLYPH,
    R.OFFICIAL_HOST_EMBEDDED,
    R.BRAND_DOMAIN_LABEL,
    R.WEAK_BRAND_TOKEN,
    R.WEAK_BRAND_LABEL,
)


def span_in_label(label: str, offset: int, length: int) -> tuple[int, int]:
    """Map a span of a label with separators removed back onto the label with them."""
    seen = 0
    start = end = -1
    for i, ch in enumerate(label):
        if ch in "-_":
            continue
        if seen == offset:
            start = i
        seen += 1
        if seen == offset + length:
            end = i + 1
            break
    return start, end


def bounded(r: HostReading, label: str, start: int, end: int) -> bool:
    """True if ``label[start:end]`` is a word of the label, give or take glued affix words or digits."""
    left = max(label.rfind("-", 0, start), label.rfind("_", 0, start)) + 1
    right = len(label)
    for sep in "-_":
        i = label.find(sep, end)
        if i != -1 and i < right:
            right = i
    affix = r.lexicon.affix_re
    return bool(affix.fullmatch(label, left, start) and affix.fullmatch(label, end, right))


def find(r: HostReading) -> None:
    """Add the brand tokens of the host's labels."""
    if not r.any_token:
        return
    lex = r.lexicon
    token_info = lex.token_info
    labels, raw_labels, reg_idx = r.labels, r.raw_labels, r.reg_idx
    for li in range(min(reg_idx + 1, len(labels))):
        label = labels[li]
        compact = label.replace("-", "").replace("_", "") if ("-" in label or "_" in label) else label
        for m in lex.token_re.finditer(compact):
            token = m.group()
            if not token:
                continue
            raw = raw_labels[li]
            start, end = m.span()
            if len(compact) != len(label):
                start, end = span_in_label(label, start, end - start)
            plain_here = raw[start:end].replace("-", "").replace("_", "")
            is_bounded = bounded(r, raw, start, end)
            whole = li == reg_idx and len(token) == len(compact)
            cstart, cend = m.span()
            affixed = bool(
                lex.folded_affix_re.fullmatch(compact, 0, cstart)
                and lex.folded_affix_re.fullmatch(compact, cend)
            )
            named: set[str] = set()
            for info in token_info[token]:
                if len(raw) == len(label):
                    disguised = plain_here != info.plain
                else:
                    disguised = info.plain not in raw.replace("-", "").replace("_", "")
                code = None
                if info.kind == STRONG:
                    if is_bounded or len(token) >= SUBSTRING_MIN_LEN:
                        code = R.BRAND_HOMOGLYPH if disguised else R.BRAND_TOKEN
                elif info.kind == EMBEDDED:
                    if is_bounded or len(token) >= SUBSTRING_MIN_LEN:
                        code = R.OFFICIAL_HOST_EMBEDDED
                elif info.kind == DOMAIN_LABEL:
                    if whole or (li == reg_idx and affixed):
                        # "daiwa.top", "my-daiwa.jp", "daiwaweb.jp": the official label, re-registered.
                        code = R.BRAND_HOMOGLYPH if disguised else R.BRAND_DOMAIN_LABEL
                    elif is_bounded:
                        code = R.BRAND_HOMOGLYPH if disguised else R.WEAK_BRAND_TOKEN
                elif info.kind == WEAK and is_bounded:
                    code = R.WEAK_BRAND_TOKEN
                if code == R.WEAK_BRAND_TOKEN and li < reg_idx and len(token) == len(compact):
                    # "sbi.x7k2.com": the brand word alone as a label of someone else's domain.
                    code = R.WEAK_BRAND_LABEL
                if code is not None and info.brand not in named:
                    named.add(info.brand)
                    r.add(info.brand, code)
