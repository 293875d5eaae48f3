"""Score a URL for brand impersonation: ``official``, ``impersonation``, ``suspicious`` or ``unknown``.

Real broker phishing rarely registers a near copy of the brand's domain. It writes the brand, or a
whole official hostname with its dots turned into hyphens, into a subdomain of a throw-away domain
(``site4.sbisec.co.jp.xyz12.com``, ``www-sbisec-co-jp.abc.top``), numbers and misspells it, hides on
free hosting, or puts the brand only in the path next to a copied login path. So the checker reads
every label of the host, the registered domain, the path and the query, and adds up evidence:

* *brand evidence* says which brand is named or imitated (token, typo, look-alike letters, an
  official hostname embedded, a Japanese brand name, a copied login path);
* *context* says how phishy the place is (free hosting, dynamic DNS, cheap TLD, random-looking or
  numbered labels, login words).

Every piece has a reason code and a weight (:mod:`kozaguard.phishing.reasons`). A URL is
``impersonation`` only when a brand is named and the score reaches 0.6; hosts under a brand's
official or group domains are ``official`` and never flagged. The checker does no I/O: brand data is
read once when it is built, and host findings are cached, so a feed of URLs costs a few
microseconds each.

>>> str(check_url("https://site1.sbisec.co.jp.example-login.com/ETGate/").verdict)
'impersonation'
>>> str(check_url("https://site1.sbisec.co.jp/ETGate/").verdict)
'official'
>>> r = check_url("https://www-rakuten-sec-co-jp.abcd12.top/app/MhLogin.do")
>>> r.brand, r.reasons[0]
('rakuten_sec', 'official_host_embedded')
>>> str(check_url("https://www.example.com/").verdict)
'unknown'
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote

from rapidfuzz.distance import OSA

from kozaguard.phishing import reasons as R
from kozaguard.phishing.brands import BrandRegistry
from kozaguard.phishing.glyphs import loose_skeleton, skeleton
from kozaguard.phishing.lexicon import (
    DOMAIN_LABEL,
    EMBEDDED,
    FUZZY_MIN_LEN,
    STRONG,
    SUBSTRING_MIN_LEN,
    WEAK,
    Lexicon,
    Signals,
    TypoEntry,
    TypoPlans,
    common_words,
    default_lexicon,
    edits_allowed,
)
from kozaguard.phishing.scorer import CheckResult, Verdict, score
from kozaguard.phishing.url import _FAST_RE as _FAST_URL
from kozaguard.phishing.url import ParsedUrl, UrlError, parse_url, registered_domain
from kozaguard.phishing.url import _walk as _psl_walk

#: verdict, brand, score, reasons
_Outcome = tuple[Verdict, str | None, float, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class _HostFindings:
    official: str | None  # OFFICIAL_DOMAIN / BRAND_GROUP_DOMAIN, or None
    brand: str | None  # owner of the official/group domain
    evidence: dict[str, list[str]]  # brand -> brand-evidence codes found in the host
    context: tuple[str, ...]
    # Outcome by path, once worked out (a URL without userinfo depends on nothing else); None for
    # official hosts, whose outcome is fixed.
    outcomes: dict[str, _Outcome] | None = None


#: What a parent domain passes on to every host below it (see :meth:`Checker._parent`): official
#: findings (or None), folded letters, phishing word, findings of a child without and with a
#: phishing word of its own, hosting kind, cheap TLD, index of the registered label, random
#: registered label.
_Parent = tuple[_HostFindings | None, str, bool, _HostFindings, _HostFindings, str | None, bool, int, bool]
_UNSET: Any = object()
_HOSTING_KINDS = frozenset({R.ABUSED_HOSTING, R.DYNAMIC_DNS, R.TRANSLATION_PROXY})

_SPLIT_WORDS = re.compile(r"[.\-_]+")
#: Splits a label into its words (``re.split`` with a pattern string looks the pattern up each call).
_SPLIT_LABEL = re.compile(r"[-_]+").split
_NUMBERED = re.compile(r"(?:[a-z]-?\d{1,4}$)|(?:^\d{1,4}-?[a-z])")
_VOWELS = frozenset("aeiou")
#: Short path segments of ordinary sites that are not in the word lists.
_PAGE_WORDS = frozenset(
    {"index", "home", "about", "news", "blog", "faq", "help", "top", "contact", "login", "en", "ja", "jp"}
)
_CACHE_LIMIT = 200_000


def _looks_random(label: str) -> bool:
    """A label that no one would choose to read: mixed digits and letters, or no vowels.

    >>> [_looks_random(x) for x in ("xk2j9q7", "qwxzkt", "sakura", "abcd12", "login")]
    [True, True, False, False, False]
    """
    s = label.replace("-", "")
    n = len(s)
    if n < 6:
        return False
    if not s.isascii():
        return _looks_random_slow(s)
    b = s.encode("ascii")
    digits = n - len(b.translate(None, b"0123456789"))
    letters = n - digits
    if digits >= 3 and letters >= 3:
        # "abcd12" reads as a word plus a number; digits scattered between letters do not.
        return _WORD_NUMBER.fullmatch(s) is None
    if letters >= 6 and digits == 0:
        vowels = n - len(b.translate(None, b"aeiou"))
        return vowels / letters < 0.2 or _CONSONANT_RUN.search(s) is not None
    return False


_WORD_NUMBER = re.compile(r"[a-z]+\d+|\d+[a-z]+")
_CONSONANT_RUN = re.compile(r"[^aeiouy]{5}")


def _looks_random_slow(s: str) -> bool:
    """:func:`_looks_random` for text that is not ASCII (digits of other scripts count too)."""
    n = len(s)
    digits = sum(c.isdigit() for c in s)
    letters = n - digits
    if digits >= 3 and letters >= 3:
        return not _WORD_NUMBER.fullmatch(s)
    if letters >= 6 and digits == 0:
        vowels = sum(c in _VOWELS for c in s)
        if vowels / letters < 0.2:
            return True
        run = 0
        for c in s:
            run = 0 if c in _VOWELS or c == "y" else run + 1
            if run >= 5:
                return True
    return False


#: A path of one short segment and nothing else: the link of an SMS lure (``/xjwyg``, ``/4WzBg4/#/``).
_SMS_PATH = re.compile(r"/([A-Za-z0-9]{3,12})/?(?:#/?)?")
_SUFFIX_FRAGMENT = re.compile(r"(?:^|[/.\-_])co[.\-_]?jp(?:$|[/.\-_?#])")


def _head_lost(word: str, target: str, whole: bool) -> bool:
    """True when both edits of a two-edit typo fall in the first half of the token: the word keeps
    only the token's ordinary tail ("cbrsecurity" is not "sbisecurity")."""
    if not whole or edits_allowed(target) < 2:
        return False
    tail = target[len(target) // 2 :]
    if not word.endswith(tail):
        return False
    return OSA.distance(word[: len(word) - len(tail)], target[: len(target) - len(tail)], score_cutoff=2) >= 2


@functools.cache
def _common_folded() -> frozenset[str]:
    """The ordinary words, folded like hosts are ("like" reads "iike"); built once per process."""
    return frozenset(skeleton(w) for w in common_words())


def _plan(plans: TypoPlans, pair: str, n: int) -> tuple[TypoEntry, ...]:
    """The typo plan (:func:`~kozaguard.phishing.lexicon.typo_plans`) for a word of ``n`` letters
    whose first or last two letters are ``pair``."""
    per_length = plans.get(pair)
    if per_length is None:
        return ()
    return per_length[n] if n < len(per_length) else per_length[-1]


def _span_in_label(label: str, offset: int, length: int) -> tuple[int, int]:
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


class Checker:
    """Scores URLs against a brand registry. Build once, call :meth:`check` many times."""

    def __init__(self, registry: BrandRegistry | None = None, signals: Signals | None = None) -> None:
        if registry is None and signals is None:
            self.lexicon = default_lexicon()
        else:
            from kozaguard.phishing.brands import default_registry

            self.lexicon = Lexicon(registry or default_registry(), signals)
        self._hosts: dict[str, _HostFindings] = {}
        self._paths: dict[str, tuple[dict[str, list[str]], list[str]]] = {}
        self._fuzzy: dict[str, tuple[str, ...]] = {}
        self._common = common_words()
        # Parent domains already read (see _parent), and one shared findings object per context
        # of a host with no brand evidence.
        self._parents: dict[str, _Parent | None] = {}
        self._plain: dict[tuple[str, ...], _HostFindings] = {}
        self._psl_names = _psl_walk()
        self._suffix_tags = self.lexicon.suffix_tags
        self._keywords = self.lexicon.signals.phishing_keywords
        #: Words a brand token may end with ("sec", "shoken"), longest first.
        self._suffix_words = sorted((k for k in self._keywords if len(k) >= 3), key=len, reverse=True)
        # Phishing words of four letters or more, anywhere in a label ("sbisec-loginpage").
        long_keywords = sorted((k for k in self._keywords if len(k) >= 4), key=len, reverse=True)
        self._long_keyword_re = re.compile("|".join(map(re.escape, long_keywords)) or "(?!)")
        # Words of a host are matched label by label on the composed path: exact unless "" is a keyword.
        self._compose_ok = "" not in self.lexicon.signals.phishing_keywords

    # -- public ------------------------------------------------------------------------------------
    def check(self, url: str) -> CheckResult:
        """Check one URL; bad input gives a result with ``error`` set instead of raising."""
        m = _FAST_URL.fullmatch(url)
        if m is not None:
            # Seen host: skip parsing and the suffix list altogether.
            host = m.group(1).lower()
            findings = self._hosts.get(host)
            if findings is None and "--" not in host and self._compose_ok:
                # New host under a parent domain already read: only its first label is new.
                findings = self._compose(host)
                if findings is not None:
                    if len(self._hosts) >= _CACHE_LIMIT:
                        self._hosts.clear()
                    self._hosts[host] = findings
            if findings is not None:
                path = url[m.end(1) :]
                outcomes = findings.outcomes
                if outcomes is not None:
                    done = outcomes.get(path)
                    if done is not None:
                        return CheckResult(url, done[0], done[1], done[2], done[3])
                return self._conclude(url, findings, path, "")
        try:
            parsed = parse_url(url)
        except UrlError as exc:
            return CheckResult(url, Verdict.UNKNOWN, None, 0.0, (), str(exc))
        return self.check_parsed(url, parsed)

    def check_parsed(self, url: str, parsed: ParsedUrl) -> CheckResult:
        """Check a URL already parsed with :func:`~kozaguard.phishing.url.parse_url`."""
        findings = self._hosts.get(parsed.host)
        if findings is None:
            findings = self._analyse_host(parsed)
            if len(self._hosts) >= _CACHE_LIMIT:
                self._hosts.clear()
            self._hosts[parsed.host] = findings
        return self._conclude(url, findings, parsed.path, parsed.userinfo)

    def _conclude(self, url: str, findings: _HostFindings, path: str, userinfo: str) -> CheckResult:
        if findings.official is not None:
            return CheckResult(url, Verdict.OFFICIAL, findings.brand, 0.0, (findings.official,))
        outcomes = findings.outcomes
        if outcomes is not None and not userinfo:
            # The result depends only on the host's findings and the path.
            done = outcomes.get(path)
            if done is None:
                r = self._conclude_uncached(url, findings, path, userinfo)
                if len(outcomes) >= _CACHE_LIMIT:
                    outcomes.clear()
                outcomes[path] = (r.verdict, r.brand, r.score, r.reasons)
                return r
            return CheckResult(url, done[0], done[1], done[2], done[3])
        return self._conclude_uncached(url, findings, path, userinfo)

    def _conclude_uncached(self, url: str, findings: _HostFindings, path: str, userinfo: str) -> CheckResult:
        evidence = findings.evidence
        context = list(findings.context)
        if len(path) > 1 or userinfo:
            found = self._paths.get(path) if not userinfo else None
            if found is None:
                found = ({}, [])
                self._analyse_path(path, userinfo, found[0], found[1])
                if not userinfo:
                    if len(self._paths) >= _CACHE_LIMIT:
                        self._paths.clear()
                    self._paths[path] = found
            if found[0] or found[1]:
                evidence = {k: list(v) for k, v in evidence.items()}
                for brand, codes in found[0].items():
                    evidence.setdefault(brand, []).extend(codes)
                context.extend(found[1])
        # A lure's short random link: on a phishy domain alone, or after a brand in the host, a kit sign.
        if len(path) > 3 and (evidence or R.CHEAP_TLD in context or R.RANDOM_LABEL in context):
            m = _SMS_PATH.fullmatch(path)
            if m is not None and self._looks_like_token(m.group(1)):
                context.append(R.SMS_LURE_SHAPE)
        if not evidence and not context:
            return CheckResult(url, Verdict.UNKNOWN, None, 0.0, ())
        return self._verdict(url, evidence, context)

    def _looks_like_token(self, segment: str) -> bool:
        """A path segment no one would type: not a word, not a common page name."""
        low = segment.lower()
        return not (low in self._common or low in self._keywords or low in _PAGE_WORDS)

    # -- scoring -----------------------------------------------------------------------------------
    #: The pure scorer (:func:`kozaguard.phishing.scorer.score`).
    _verdict = staticmethod(score)

    # -- host, composed from its parent domain ------------------------------------------------------
    def _compose(self, host: str) -> _HostFindings | None:
        """Findings for ``label.parent`` from what is known of ``parent``, or None to read the host whole.

        Exact only where the host cannot name a brand: no brand token anywhere in it (one
        Aho-Corasick pass over the whole folded host), and no label near a typo target. Then its
        findings are the parent's context (suffix list, hosting, cheap TLD, random registered label)
        plus what the new label adds (depth, phishing words).
        """
        head, _, rest = host.partition(".")
        parent = self._parents.get(rest, _UNSET)
        if parent is _UNSET:
            parent = self._parent(rest)
        if parent is None:
            # A registered domain, or under a name that needs reading whole: reading the host as
            # a parent (once) leaves its own findings in the host cache on the way.
            if host not in self._parents:
                self._parent(host)
            return self._hosts.get(host)
        if host in self._suffix_tags:
            return None
        if parent[0] is not None:
            return parent[0]
        sk = skeleton(head)
        lex = self.lexicon
        if "-" in sk or "_" in sk:
            if next(lex.token_scan(sk.replace("-", "").replace("_", "") + parent[1]), None) is not None:
                return None
            if len(sk) >= lex.fuzzy_min and self._may_be_typo(sk):
                return None
        else:
            if next(lex.token_scan(sk + parent[1]), None) is not None:
                return None
            # A label without separators is its own only typo candidate (see _may_be_typo).
            if (
                len(sk) >= lex.fuzzy_min
                and (sk[:2] in lex.typo_by_prefix or sk[-2:] in lex.typo_by_suffix)
                and self._typo_targets(sk)
            ):
                return None
        plain = parent[3]
        if plain is parent[4] or self._keywords.isdisjoint(_SPLIT_WORDS.split(head)):
            return plain
        return parent[4]

    def _parent(self, name: str) -> _Parent | None:
        """What every host ``label.name`` shares with ``name``; None when it cannot be composed.

        A name on a Public Suffix List walk (``com``, ``co.jp``, ``pages.dev``) or that is its own
        public suffix has children that are registered domains of their own; a name with brand
        evidence, or that is itself listed as hosting or official, has children that need the whole
        analysis.
        """
        result: _Parent | None = None
        if "." in name and name not in self._psl_names:
            head, _, rest = name.partition(".")
            above = self._parents.get(rest, _UNSET)
            if above is _UNSET:
                above = self._parent(rest)
            if above is None:
                result = self._base_parent(name)
            elif name not in self._suffix_tags:
                if above[0] is not None:
                    result = above
                else:
                    findings = self._compose(name)
                    if findings is not None:
                        sk = skeleton(head)
                        flat = sk.replace("-", "").replace("_", "") + above[1]
                        kw = above[2] or not self._keywords.isdisjoint(_SPLIT_WORDS.split(head))
                        _, _, _, _, _, tag, cheap, reg_idx, rnd = above
                        result = self._make_parent(tag, cheap, reg_idx + 1, flat, kw, rnd)
        if len(self._parents) >= _CACHE_LIMIT:
            self._parents.clear()
        self._parents[name] = result
        return result

    def _make_parent(
        self, tag: str | None, cheap: bool, reg_idx: int, flat: str, kw: bool, rnd: bool
    ) -> _Parent:
        """A parent record, with the findings of its children worked out once: ``label.name`` with
        no brand evidence gets the context of ``name``, one label deeper, and a phishing word if
        ``label`` adds one."""
        context = []
        if tag is not None:
            context.append(tag)
        if cheap:
            context.append(R.CHEAP_TLD)
        if reg_idx + 1 >= 4:
            context.append(R.DEEP_SUBDOMAIN)
        plain = list(context)
        if context:
            context.append(R.PHISHING_KEYWORD)
            if kw:
                plain.append(R.PHISHING_KEYWORD)
        if rnd:
            context.append(R.RANDOM_LABEL)
            plain.append(R.RANDOM_LABEL)
        return (
            None,
            flat,
            kw,
            self._plain_findings(tuple(plain)),
            self._plain_findings(tuple(context)),
            tag,
            cheap,
            reg_idx,
            rnd,
        )

    def _base_parent(self, name: str) -> _Parent | None:
        """:meth:`_parent` of a name whose parent is not composable (a registered domain, mostly).

        The common case, a name that names no brand, is read here in one pass; anything else goes
        through :meth:`_analyse_host`.
        """
        reg, suffix = registered_domain(name)
        if len(suffix) >= len(name):
            return None
        lex = self.lexicon
        tags = self._suffix_tags
        tag = None
        s = name
        while True:
            found = tags.get(s)
            if found is not None:
                if found[0] in ("official", "group"):
                    return self._base_parent_slow(name, reg, suffix)
                tag = found[0]
                break
            dot = s.find(".")
            if dot == -1:
                break
            s = s[dot + 1 :]
        sk = skeleton(name)
        flat = sk.replace(".", "").replace("-", "").replace("_", "")
        if next(lex.token_scan(flat), None) is not None:
            return self._base_parent_slow(name, reg, suffix)
        labels = sk.split(".")
        reg_idx = max(len(labels) - suffix.count(".") - 2, 0)
        reg_label = labels[reg_idx].replace("-", "")
        if lex.loose_labels.get(loose_skeleton(reg_label)) is not None and reg_label not in lex.token_info:
            return self._base_parent_slow(name, reg, suffix)
        lo = lex.fuzzy_min
        for li in range(min(reg_idx + 1, len(labels))):
            if len(labels[li]) >= lo and self._may_be_typo(labels[li]):
                return self._base_parent_slow(name, reg, suffix)
        cheap_tlds = lex.signals.cheap_tlds
        cheap = suffix in cheap_tlds or suffix.rpartition(".")[2] in cheap_tlds
        kw = not self._keywords.isdisjoint(_SPLIT_WORDS.split(name))
        lab = name.split(".")[reg_idx]
        rnd = len(lab) >= 6 and any(_looks_random(w) for w in _SPLIT_LABEL(lab))
        if name not in self._hosts:
            # The name itself, as a host: the findings of a child of the name's parent.
            context = []
            if tag is not None:
                context.append(tag)
            if cheap:
                context.append(R.CHEAP_TLD)
            if reg_idx >= 4:
                context.append(R.DEEP_SUBDOMAIN)
            if context and kw:
                context.append(R.PHISHING_KEYWORD)
            if rnd:
                context.append(R.RANDOM_LABEL)
            if len(self._hosts) >= _CACHE_LIMIT:
                self._hosts.clear()
            self._hosts[name] = self._plain_findings(tuple(context))
        return self._make_parent(tag, cheap, reg_idx, flat, kw, rnd)

    def _base_parent_slow(self, name: str, reg: str, suffix: str) -> _Parent | None:
        findings = self._hosts.get(name)
        if findings is None:
            findings = self._analyse_host(ParsedUrl(name, name, reg, suffix, "", "", False))
            if len(self._hosts) >= _CACHE_LIMIT:
                self._hosts.clear()
            self._hosts[name] = findings
        if findings.official is not None:
            return (findings, "", False, findings, findings, None, False, 0, False)
        if findings.evidence:
            return None
        context = findings.context
        tag = context[0] if context and context[0] in _HOSTING_KINDS else None
        sk = skeleton(name)
        reg_idx = max(sk.count(".") + 1 - suffix.count(".") - 2, 0)
        flat = sk.replace(".", "").replace("-", "").replace("_", "")
        kw = not self._keywords.isdisjoint(_SPLIT_WORDS.split(name))
        return self._make_parent(tag, R.CHEAP_TLD in context, reg_idx, flat, kw, R.RANDOM_LABEL in context)

    def _plain_findings(self, context: tuple[str, ...]) -> _HostFindings:
        """The one findings object for a host with no brand evidence and this context."""
        findings = self._plain.get(context)
        if findings is None:
            findings = self._plain[context] = _HostFindings(None, None, {}, context, {})
        return findings

    def _may_be_typo(self, label: str) -> bool:
        """True if :meth:`_find_typos` would look up typo targets for this (folded) label."""
        lex = self.lexicon
        lo = lex.fuzzy_min
        if "-" in label or "_" in label:
            words = _SPLIT_LABEL(label)
            candidates = [label.replace("-", "").replace("_", ""), *(w for w in words if len(w) >= lo)]
        else:
            candidates = [label]
        by_prefix, by_suffix = lex.typo_by_prefix, lex.typo_by_suffix
        for word in candidates:
            if len(word) < lo or (word[:2] not in by_prefix and word[-2:] not in by_suffix):
                continue
            if self._typo_targets(word):
                return True
        return False

    # -- host ----------------------------------------------------------------------------------------
    def _analyse_host(self, parsed: ParsedUrl) -> _HostFindings:
        lex = self.lexicon
        host = parsed.host
        if parsed.is_ip:
            return self._plain_findings((R.IP_HOST,))
        context: list[str] = []
        tags = lex.suffix_tags
        s = host
        while True:
            tag = tags.get(s)
            if tag is not None:
                kind, owner = tag
                if kind == "official":
                    return _HostFindings(R.OFFICIAL_DOMAIN, owner, {}, ())
                if kind == "group":
                    return _HostFindings(R.BRAND_GROUP_DOMAIN, owner, {}, ())
                context.append(kind)
                break
            dot = s.find(".")
            if dot == -1:
                break
            s = s[dot + 1 :]

        raw = parsed.host_unicode
        sk = skeleton(raw)
        labels = sk.split(".")
        suffix = parsed.public_suffix
        reg_idx = len(labels) - suffix.count(".") - 2  # index of the registered label
        if reg_idx < 0:
            reg_idx = 0
        signals = lex.signals
        if suffix in signals.cheap_tlds or suffix.rpartition(".")[2] in signals.cheap_tlds:
            context.append(R.CHEAP_TLD)
        if "xn--" in host:
            context.append(R.PUNYCODE_HOST)
            if any(
                not lab.isascii() and any(c.isascii() and c.isalpha() for c in lab) for lab in raw.split(".")
            ) or any(
                len({unicodedata.name(c, "?").split(" ")[0] for c in lab if c.isalpha()}) > 1
                for lab in raw.split(".")
            ):
                context.append(R.MIXED_SCRIPT)
        if reg_idx >= 4:
            context.append(R.DEEP_SUBDOMAIN)

        evidence: dict[str, list[str]] = {}
        flat = sk.replace(".", "").replace("-", "").replace("_", "")
        # Every brand token, official host and Japanese name contains a token: one search over the
        # flattened host rules most hosts out before the finer passes.
        if next(lex.token_scan(flat), None) is not None:
            raw_labels = raw.split(".") if len(raw) == len(sk) else labels
            self._find_tokens(labels, raw_labels, reg_idx, evidence)
            self._find_embedded(sk, evidence)
        if not evidence or not any(R.WEIGHTS[c] >= 0.6 for v in evidence.values() for c in v):
            reg_label = labels[reg_idx].replace("-", "")
            disguised_as = lex.loose_labels.get(loose_skeleton(reg_label))
            if disguised_as is not None and reg_label not in lex.token_info:
                evidence.setdefault(disguised_as, []).append(R.BRAND_HOMOGLYPH)
            self._find_typos(labels, reg_idx, evidence)
        if not host.isascii() or "xn--" in host:
            self._find_japanese(raw, evidence)

        if (evidence or context) and not signals.phishing_keywords.isdisjoint(_SPLIT_WORDS.split(raw)):
            context.append(R.PHISHING_KEYWORD)
        if evidence:
            head = raw.split(".")[: reg_idx + 1]
            if R.PHISHING_KEYWORD not in context and any(self._long_keyword_re.search(lab) for lab in head):
                context.append(R.PHISHING_KEYWORD)
            if any(_NUMBERED.search(lab) for lab in host.split(".")[: reg_idx + 1]):
                context.append(R.NUMBERED_LABEL)
        check = host.split(".")[: reg_idx + 1] if evidence else host.split(".")[reg_idx : reg_idx + 1]
        token_scan = lex.token_scan
        for lab in check:
            if lab.startswith("xn--") or len(lab) < 6:
                continue
            # Brand tokens ("smbcnikko") read as random letters; judge the other words only.
            words = [w for w in _SPLIT_LABEL(lab) if next(token_scan(skeleton(w)), None) is None]
            if any(_looks_random(w) for w in words):
                context.append(R.RANDOM_LABEL)
                break
        if not evidence:
            return self._plain_findings(tuple(context))
        return _HostFindings(None, None, evidence, tuple(context), {})

    def _bounded(self, label: str, start: int, end: int) -> bool:
        """True if ``label[start:end]`` is a word of the label, give or take glued affix words or digits."""
        left = max(label.rfind("-", 0, start), label.rfind("_", 0, start)) + 1
        right = len(label)
        for sep in "-_":
            i = label.find(sep, end)
            if i != -1 and i < right:
                right = i
        affix = self.lexicon.affix_re
        return bool(affix.fullmatch(label, left, start) and affix.fullmatch(label, end, right))

    def _find_tokens(
        self, labels: list[str], raw_labels: list[str], reg_idx: int, evidence: dict[str, list[str]]
    ) -> None:
        lex = self.lexicon
        token_info = lex.token_info
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
                    start, end = _span_in_label(label, start, end - start)
                plain_here = raw[start:end].replace("-", "").replace("_", "")
                bounded = self._bounded(raw, start, end)
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
                        if bounded or len(token) >= SUBSTRING_MIN_LEN:
                            code = R.BRAND_HOMOGLYPH if disguised else R.BRAND_TOKEN
                    elif info.kind == EMBEDDED:
                        if bounded or len(token) >= SUBSTRING_MIN_LEN:
                            code = R.OFFICIAL_HOST_EMBEDDED
                    elif info.kind == DOMAIN_LABEL:
                        if whole or (li == reg_idx and affixed):
                            # "daiwa.top", "my-daiwa.jp", "daiwaweb.jp": the official label, re-registered.
                            code = R.BRAND_HOMOGLYPH if disguised else R.BRAND_DOMAIN_LABEL
                        elif bounded:
                            code = R.BRAND_HOMOGLYPH if disguised else R.WEAK_BRAND_TOKEN
                    elif info.kind == WEAK and bounded:
                        code = R.WEAK_BRAND_TOKEN
                    if code == R.WEAK_BRAND_TOKEN and li < reg_idx and len(token) == len(compact):
                        # "sbi.x7k2.com": the brand word alone as a label of someone else's domain.
                        code = R.WEAK_BRAND_LABEL
                    if code is not None and info.brand not in named:
                        named.add(info.brand)
                        evidence.setdefault(info.brand, []).append(code)

    def _find_embedded(self, sk: str, evidence: dict[str, list[str]]) -> None:
        """Official hostnames written into this host with dots or hyphens, or split across labels."""
        lex = self.lexicon
        dotted = sk.replace("-", ".").replace("_", ".")
        whole = lex.embedded_names.get(dotted)
        if whole is not None:
            # The host folds to an official hostname: look-alike letters ("rnonex.co.jp").
            evidence.setdefault(whole, []).append(R.BRAND_HOMOGLYPH)
            return
        for m in lex.embedded_re.finditer(dotted):
            brand = lex.embedded_names.get(m.group())
            # "x-daiwa.jp" ends like the official name but is only a label ending in a brand word.
            if brand is not None and m.end() < len(dotted):
                evidence.setdefault(brand, []).append(R.OFFICIAL_HOST_EMBEDDED)
        if "." not in dotted or any(R.WEIGHTS[c] >= 0.6 for v in evidence.values() for c in v):
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
                    evidence.setdefault(info.brand, []).append(R.OFFICIAL_HOST_EMBEDDED)
                    break

    def _typo_targets(self, word: str) -> tuple[tuple[str, bool], ...]:
        """Tokens ``word`` is one edit away from: ``(token, whole)``; ``whole`` is False when the
        typo is glued to affix words ("sbisecclogin").

        A single edit (two, for tokens of nine letters or more) leaves the first two or the last two
        letters in place, so only tokens sharing those are compared (in C, by rapidfuzz).
        """
        cached = self._fuzzy.get(word)
        if cached is not None:
            return cached
        lex = self.lexicon
        found: dict[str, bool] = {}
        n = len(word)
        if word not in lex.token_info:
            affix = lex.folded_affix_re
            ends_affixed = starts_affixed = None
            for t, m, k, close in _plan(lex.typo_by_prefix, word[:2], n):
                if close:
                    if OSA.distance(word, t, score_cutoff=k) <= k:
                        found[t] = True
                    continue
                if ends_affixed is None:
                    # A typo glued to affix words ends with one of them: one C call rules most out.
                    ends_affixed = word.endswith(lex.folded_affixes)
                if ends_affixed:
                    for cut in range(m - k, m + k + 1):
                        if affix.fullmatch(word, cut) and OSA.distance(word[:cut], t, score_cutoff=k) <= k:
                            found.setdefault(t, False)
                            break
            for t, m, k, close in _plan(lex.typo_by_suffix, word[-2:], n):
                if close:
                    if OSA.distance(word, t, score_cutoff=k) <= k:
                        found[t] = True
                    continue
                if starts_affixed is None:
                    starts_affixed = word.startswith(lex.folded_affixes)
                if starts_affixed:
                    for cut in range(m - k, m + k + 1):
                        if (
                            affix.fullmatch(word, 0, n - cut)
                            and OSA.distance(word[n - cut :], t, score_cutoff=k) <= k
                        ):
                            found.setdefault(t, False)
                            break
            if found:
                guard = self._common
                found = {t: w for t, w in found.items() if word not in guard and word not in lex.not_typos}
                found = {
                    t: w
                    for t, w in found.items()
                    if t != word and not _head_lost(word, t, w) and not self._other_word(word, t)
                }
        result = tuple(found.items())
        if len(self._fuzzy) >= _CACHE_LIMIT:
            self._fuzzy.clear()
        self._fuzzy[word] = result
        return result

    def _other_word(self, word: str, target: str) -> bool:
        """True when the typo only swaps the brand's word for another ordinary word before the same
        suffix ("likesec" is "like" + "sec", not a slip of "linesec")."""
        for kw in self._suffix_words:
            if word.endswith(kw) and target.endswith(kw):
                head, brand_head = word[: -len(kw)], target[: -len(kw)]
                return head != brand_head and len(head) >= 3 and head in _common_folded()
        return False

    def _find_typos(self, labels: list[str], reg_idx: int, evidence: dict[str, list[str]]) -> None:
        lex = self.lexicon
        lo = lex.fuzzy_min
        for li in range(min(reg_idx + 1, len(labels))):
            label = labels[li]
            if len(label) < lo:
                continue
            if "-" in label or "_" in label:
                words = _SPLIT_LABEL(label)
                if any(i.kind != WEAK for w in words for i in lex.token_info.get(w, ())):
                    continue  # the brand is spelt right in this label; "nomura-re" is no typo
                compact = label.replace("-", "").replace("_", "")
                candidates = [compact, *(w for w in words if len(w) >= lo)]
            else:
                compact = label
                candidates = [label]
            for word in candidates:
                if len(word) < lo:
                    continue
                for target, exact in self._typo_targets(word):
                    whole = exact and li == reg_idx and word == compact
                    for info in lex.fuzzy_targets[target]:
                        if info.kind == STRONG or len(target) >= FUZZY_MIN_LEN:
                            code = R.BRAND_TYPOSQUAT_DOMAIN if whole else R.BRAND_TYPO
                        elif whole:
                            code = R.BRAND_TYPO
                        else:
                            continue
                        evidence.setdefault(info.brand, []).append(code)

    def _find_japanese(self, text: str, evidence: dict[str, list[str]], code: str = R.BRAND_JAPANESE) -> None:
        lex = self.lexicon
        norm = unicodedata.normalize("NFKC", text).lower()
        for m in lex.japanese_re.finditer(norm):
            evidence.setdefault(lex.japanese[m.group()], []).append(code)

    # -- path, query and userinfo ----------------------------------------------------------------
    def _analyse_path(
        self, path: str, userinfo: str, evidence: dict[str, list[str]], context: list[str]
    ) -> None:
        lex = self.lexicon
        if userinfo:
            context.append(R.USERINFO_IN_URL)
            found: dict[str, list[str]] = {}
            self._scan_text(userinfo.lower(), found)
            for brand in found:
                evidence.setdefault(brand, []).append(R.BRAND_IN_USERINFO)
        path = path[:1024]
        if len(path) <= 1:
            return
        low = path.lower()
        if "%" in low:
            low = unquote(low)
        if lex.login_path_re is not None:
            for m in lex.login_path_re.finditer(low):
                brand = lex.login_paths.get(m.group())
                end = m.end()
                if brand is not None and (end == len(low) or low[end] in "/?#;.&"):
                    evidence.setdefault(brand, []).append(R.BRAND_LOGIN_PATH)
                    break
        q = low.find("?")
        if q != -1:
            self._find_query_params(low[q + 1 :], evidence)
        found = {}
        self._scan_text(low, found)
        for brand, codes in found.items():
            evidence.setdefault(brand, []).extend(codes)
        if _SUFFIX_FRAGMENT.search(low):
            context.append(R.OFFICIAL_SUFFIX_FRAGMENT)
        if not low.isascii():
            self._find_japanese(low, evidence, R.BRAND_IN_PATH)
        if lex.login_words_re.search(low):
            context.append(R.LOGIN_PATH_WORDS)

    def _find_query_params(self, query: str, evidence: dict[str, list[str]]) -> None:
        """Query parameters named after a brand (``?sbisecjapan=login``) or copied from its login
        application (``?_ActionID=login``)."""
        lex = self.lexicon
        affix = lex.folded_affix_re
        for part in query.split("&")[:32]:
            name = part.partition("=")[0]
            if len(name) < 3:
                continue
            brand = lex.login_params.get(name)
            if brand is not None:
                evidence.setdefault(brand, []).append(R.BRAND_QUERY_PARAM)
                continue
            flat = skeleton(name).replace("-", "").replace("_", "")
            for m in lex.token_re.finditer(flat):
                start, end = m.span()
                if not (affix.fullmatch(flat, 0, start) and affix.fullmatch(flat, end)):
                    continue
                for info in lex.token_info.get(m.group(), ()):
                    if info.kind in (STRONG, EMBEDDED, DOMAIN_LABEL):
                        evidence.setdefault(info.brand, []).append(R.BRAND_QUERY_PARAM)
                        break

    def _scan_text(self, text: str, found: dict[str, list[str]]) -> None:
        """Brand tokens and official hostnames in free text (path, query, userinfo)."""
        lex = self.lexicon
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


@cache
def default_checker() -> Checker:
    """The checker for the shipped brands, built on first use and then shared."""
    return Checker()


def check_url(url: str) -> CheckResult:
    """Check one URL against the shipped brands (pure: no I/O after the first call).

    >>> str(check_url("http://sbisec-login01.example.cn/").verdict)
    'impersonation'
    >>> check_url("").error
    'empty input'
    """
    return default_checker().check(url)
