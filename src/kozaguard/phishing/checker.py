"""Score a URL for brand impersonation: ``official``, ``impersonation``, ``suspicious`` or ``unknown``.

Real broker phishing rarely registers a near copy of the brand's domain. It writes the brand, or a
whole official hostname with its dots turned into hyphens, into a subdomain of a throw-away domain
(``site4.sbisec.co.jp.xyz12.com``, ``www-sbisec-co-jp.abc.top``), numbers and misspells it, hides on
free hosting, or puts the brand only in the path next to a copied login path. So every label of the
host, the registered domain, the path and the query are read by evidence finders
(:mod:`kozaguard.phishing.finders`, one per file, registered in one place), and the pure scorer
(:mod:`kozaguard.phishing.scorer`) adds up what they found:

* *brand evidence* says which brand is named or imitated (token, typo, look-alike letters, an
  official hostname embedded, a Japanese brand name, a copied login path);
* *context* says how phishy the place is (free hosting, dynamic DNS, cheap TLD, random-looking or
  numbered labels, login words).

A URL is ``impersonation`` only when a brand is named and the score reaches 0.6; hosts under a
brand's official or group domains are ``official`` and never flagged.

:class:`Checker` is the reading (:class:`~kozaguard.phishing.reader.Reader`, no state) wrapped in
caches: findings by host, by path and by typo word, outcomes by host and path, and what a parent
domain passes on to its subdomains. Its fast path reads a host that names no brand in one pass
(the gate: one Aho-Corasick search over the folded host, and the typo plans), and a new subdomain
of a domain already read from its first label only; a test checks that the fast path gives what
the finders give. The checker does no I/O: a feed of URLs costs a few microseconds each.

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

from functools import cache
from typing import Any

from kozaguard.phishing import reasons as R
from kozaguard.phishing.brands import BrandRegistry
from kozaguard.phishing.finders.cheap_tld import is_cheap
from kozaguard.phishing.finders.kit_host import WORDS_FROM, kit_shaped
from kozaguard.phishing.finders.phishing_words import SPLIT_WORDS, has_keyword
from kozaguard.phishing.finders.random_label import looks_random, random_words
from kozaguard.phishing.finders.typos import may_be_typo, typo_targets
from kozaguard.phishing.glyphs import loose_skeleton, skeleton
from kozaguard.phishing.lexicon import Lexicon, Signals, default_lexicon
from kozaguard.phishing.reader import HostFindings, Reader
from kozaguard.phishing.scorer import CheckResult, Verdict
from kozaguard.phishing.url import _FAST_RE as _FAST_URL
from kozaguard.phishing.url import ParsedUrl, UrlError, parse_url, public_suffix, registered_domain
from kozaguard.phishing.url import _walk as _psl_walk

#: What a parent domain passes on to every host below it (see :meth:`Checker._parent`): official
#: findings (or None), folded letters, phishing word, findings of a child without and with a
#: phishing word of its own, hosting kind, cheap TLD, index of the registered label, random
#: registered label.
_Parent = tuple[HostFindings | None, str, bool, HostFindings, HostFindings, str | None, bool, int, bool]
_UNSET: Any = object()
_LATER: Any = object()
_HOSTING_KINDS = frozenset({R.ABUSED_HOSTING, R.DYNAMIC_DNS, R.TRANSLATION_PROXY})
_CACHE_LIMIT = 200_000

__all__ = ["CheckResult", "Checker", "Verdict", "check_url", "default_checker"]


class Checker:
    """Scores URLs against a brand registry. Build once, call :meth:`check` many times."""

    def __init__(self, registry: BrandRegistry | None = None, signals: Signals | None = None) -> None:
        if registry is None and signals is None:
            self.lexicon = default_lexicon()
        else:
            from kozaguard.phishing.brands import default_registry

            self.lexicon = Lexicon(registry or default_registry(), signals)
        self._fuzzy: dict[str, tuple[tuple[str, bool], ...]] = {}
        self.reader = Reader(self.lexicon, self._typo_targets)
        self._hosts: dict[str, HostFindings] = {}
        self._paths: dict[str, tuple[dict[str, list[str]], list[str]]] = {}
        # Parent domains already read (see _parent), and one shared findings object per context
        # of a host with no brand evidence.
        self._parents: dict[str, _Parent | None] = {}
        self._plain: dict[tuple[str, ...], HostFindings] = {}
        # Findings of a parent's children and of a new registered domain, by what decides them;
        # what a suffix says of the domains right under it.
        self._children: dict[tuple[Any, ...], tuple[HostFindings, HostFindings]] = {}
        self._own: dict[tuple[Any, ...], HostFindings] = {}
        self._under: dict[str, tuple[str, str | None, bool, str]] = {}
        self._psl_names = _psl_walk()
        self._suffix_tags = self.lexicon.suffix_tags
        self._keywords = self.lexicon.signals.phishing_keywords
        # Words of a host are matched label by label on the composed path: exact unless "" is a keyword.
        self._compose_ok = "" not in self._keywords

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
            findings = self.reader.read_host(parsed)
            if not findings.evidence and findings.official is None:
                findings = self._plain_findings(findings.context)
            if len(self._hosts) >= _CACHE_LIMIT:
                self._hosts.clear()
            self._hosts[parsed.host] = findings
        return self._conclude(url, findings, parsed.path, parsed.userinfo)

    # -- caches around the reader --------------------------------------------------------------------
    def _conclude(self, url: str, findings: HostFindings, path: str, userinfo: str) -> CheckResult:
        outcomes = findings.outcomes
        if outcomes is not None and not userinfo:
            # The result depends only on the host's findings and the path.
            done = outcomes.get(path)
            if done is None:
                r = self.reader.conclude(url, findings, path, userinfo, self._read_path(path))
                if len(outcomes) >= _CACHE_LIMIT:
                    outcomes.clear()
                outcomes[path] = (r.verdict, r.brand, r.score, r.reasons)
                return r
            return CheckResult(url, done[0], done[1], done[2], done[3])
        found = self._read_path(path) if not userinfo else None
        return self.reader.conclude(url, findings, path, userinfo, found)

    def _read_path(self, path: str) -> tuple[dict[str, list[str]], list[str]] | None:
        """The path finders' findings for a path without userinfo, cached."""
        if len(path) <= 1:
            return None
        found = self._paths.get(path)
        if found is None:
            found = self.reader.read_path(path, "")
            if len(self._paths) >= _CACHE_LIMIT:
                self._paths.clear()
            self._paths[path] = found
        return found

    def _typo_targets(self, word: str) -> tuple[tuple[str, bool], ...]:
        """:func:`~kozaguard.phishing.finders.typos.typo_targets`, cached by word."""
        cached = self._fuzzy.get(word)
        if cached is None:
            cached = typo_targets(self.lexicon, word)
            if len(self._fuzzy) >= _CACHE_LIMIT:
                self._fuzzy.clear()
            self._fuzzy[word] = cached
        return cached

    def _plain_findings(self, context: tuple[str, ...]) -> HostFindings:
        """The one findings object for a host with no brand evidence and this context."""
        findings = self._plain.get(context)
        if findings is None:
            findings = self._plain[context] = HostFindings(None, None, {}, context, {})
        return findings

    # -- host, composed from its parent domain ------------------------------------------------------
    def _compose(self, host: str) -> HostFindings | None:
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
                if rest in self._psl_names and host not in self._psl_names:
                    # A new registered domain: straight to the fast path. Its parent record is
                    # left until a subdomain of it comes (most never do).
                    record = self._fresh(host, rest, False)
                    if record is not _LATER:
                        if len(self._parents) >= _CACHE_LIMIT:
                            self._parents.clear()
                        self._parents[host] = record
                else:
                    self._parent(host)
            return self._hosts.get(host)
        if host in self._suffix_tags:
            return None
        if parent[0] is not None:
            return parent[0]
        if parent[7] == 0 and len(head) >= WORDS_FROM and kit_shaped(head, rest.partition(".")[0]):
            return None  # a kit's host shape (finders.kit_host): read whole
        sk = skeleton(head)
        lex = self.lexicon
        if "-" in sk or "_" in sk:
            if next(lex.token_scan(sk.replace("-", "").replace("_", "") + parent[1]), None) is not None:
                return None
            if len(sk) >= lex.fuzzy_min and may_be_typo(lex, sk, self._typo_targets):
                return None
        else:
            if next(lex.token_scan(sk + parent[1]), None) is not None:
                return None
            # A label without separators is its own only typo candidate (see may_be_typo).
            if (
                len(sk) >= lex.fuzzy_min
                and (sk[:2] in lex.typo_by_prefix or sk[-2:] in lex.typo_by_suffix)
                and self._typo_targets(sk)
            ):
                return None
        plain = parent[3]
        if plain is parent[4] or self._keywords.isdisjoint(SPLIT_WORDS(head)):
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
                result = self._fresh(name, rest) if rest in self._psl_names else self._base_parent(name)
            elif name not in self._suffix_tags:
                if above[0] is not None:
                    result = above
                else:
                    findings = self._compose(name)
                    if findings is not None:
                        sk = skeleton(head)
                        flat = sk.replace("-", "").replace("_", "") + above[1]
                        kw = above[2]
                        if kw is None:  # not worked out for a registered domain without context
                            kw = has_keyword(self._keywords, rest)
                        kw = kw or has_keyword(self._keywords, head)
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
        ``label`` adds one. ``kw`` may be None (not worked out) where the parent has no context."""
        key = (tag, cheap, reg_idx >= 3, kw, rnd)
        pair = self._children.get(key)
        if pair is None:
            pair = self._children[key] = self._child_findings(tag, cheap, reg_idx, bool(kw), rnd)
        return (None, flat, kw, pair[0], pair[1], tag, cheap, reg_idx, rnd)

    def _child_findings(
        self, tag: str | None, cheap: bool, reg_idx: int, kw: bool, rnd: bool
    ) -> tuple[HostFindings, HostFindings]:
        """The findings of a child without and with a phishing word of its own (see _make_parent)."""
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
        return self._plain_findings(tuple(plain)), self._plain_findings(tuple(context))

    def _fresh(self, name: str, rest: str, record: bool = True) -> _Parent | None:
        """:meth:`_parent` of a new registered domain ``label.rest`` right under a name of the
        suffix list walk (``example1.com``, ``abc.pages.dev``): the fast path of a feed of new
        domains. What its suffix says (public suffix, listed kind, cheap TLD) is worked out once per
        ``rest``; then one label is read, as :meth:`_base_parent` would read it. Without
        ``record``, only the name's own findings are left (in the host cache) when it names no
        brand, and ``_LATER`` is returned."""
        under = self._under.get(rest)
        if under is None:
            under = self._under[rest] = self._under_info(rest)
        suffix, tag, cheap, flat_rest = under
        if suffix != rest or tag == "":
            return self._base_parent(name)  # a deeper registered label, or official ground above
        tags = self._suffix_tags
        own = tags.get(name)
        if own is not None:
            if own[0] in ("official", "group"):
                return self._base_parent(name)
            tag = own[0]
        lex = self.lexicon
        head = name[: len(name) - len(rest) - 1]
        sk_head = skeleton(head)
        flat = (
            sk_head.replace("-", "").replace("_", "") if "-" in sk_head or "_" in sk_head else sk_head
        ) + flat_rest
        if next(lex.token_scan(flat), None) is not None:
            return self._base_parent(name)
        reg_label = sk_head.replace("-", "") if "-" in sk_head else sk_head
        if lex.loose_labels.get(loose_skeleton(reg_label)) is not None and reg_label not in lex.token_info:
            return self._base_parent(name)
        if len(sk_head) >= lex.fuzzy_min:
            if "-" in sk_head or "_" in sk_head:
                if may_be_typo(lex, sk_head, self._typo_targets):
                    return self._base_parent(name)
            elif (
                sk_head[:2] in lex.typo_by_prefix or sk_head[-2:] in lex.typo_by_suffix
            ) and self._typo_targets(sk_head):
                return self._base_parent(name)
        kw = has_keyword(self._keywords, name) if tag is not None or cheap else None
        if len(head) < 6:
            rnd = False
        elif "-" in head or "_" in head:
            rnd = random_words(head)
        else:
            rnd = looks_random(head)
        if name not in self._hosts:
            key = (tag, cheap, kw, rnd)
            findings = self._own.get(key)
            if findings is None:
                context = []
                if tag is not None:
                    context.append(tag)
                if cheap:
                    context.append(R.CHEAP_TLD)
                if context and kw:
                    context.append(R.PHISHING_KEYWORD)
                if rnd:
                    context.append(R.RANDOM_LABEL)
                findings = self._own[key] = self._plain_findings(tuple(context))
            if len(self._hosts) >= _CACHE_LIMIT:
                self._hosts.clear()
            self._hosts[name] = findings
        if not record:
            return _LATER
        return self._make_parent(tag, cheap, 0, flat, kw, rnd)

    def _under_info(self, rest: str) -> tuple[str, str | None, bool, str]:
        """For the registered domains ``label.rest``: their public suffix (``rest`` itself in the
        common case), the listed kind of ``rest`` or a parent ("" for official ground), whether
        the suffix is a cheap TLD, and ``rest`` folded without separators."""
        probe = "-." + rest  # no suffix rule names a label "-"
        suffix = public_suffix(probe)
        tag = None
        s = rest
        while True:
            found = self._suffix_tags.get(s)
            if found is not None:
                tag = "" if found[0] in ("official", "group") else found[0]
                break
            dot = s.find(".")
            if dot == -1:
                break
            s = s[dot + 1 :]
        flat = skeleton(rest).replace(".", "").replace("-", "").replace("_", "")
        return suffix, tag, is_cheap(suffix, self.lexicon.signals.cheap_tlds), flat

    def _base_parent(self, name: str) -> _Parent | None:
        """:meth:`_parent` of a name whose parent is not composable (a registered domain, mostly).

        The common case, a name that names no brand, is read here in one pass; anything else goes
        through the reader's finders.
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
            if len(labels[li]) >= lo and may_be_typo(lex, labels[li], self._typo_targets):
                return self._base_parent_slow(name, reg, suffix)
        cheap = is_cheap(suffix, lex.signals.cheap_tlds)
        kw = not self._keywords.isdisjoint(SPLIT_WORDS(name))
        rnd = random_words(name.split(".")[reg_idx])
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
            findings = self.reader.read_host(ParsedUrl(name, name, reg, suffix, "", "", False))
            if not findings.evidence and findings.official is None:
                findings = self._plain_findings(findings.context)
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
        kw = not self._keywords.isdisjoint(SPLIT_WORDS(name))
        return self._make_parent(tag, R.CHEAP_TLD in context, reg_idx, flat, kw, R.RANDOM_LABEL in context)


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
