"""The pure reading of a URL: run the registered evidence finders over its host and its path and
score what they found. No caches and no state between calls: the checker
(:mod:`kozaguard.phishing.checker`) wraps this with its caches and its fast path.

>>> from kozaguard.phishing.lexicon import default_lexicon
>>> from kozaguard.phishing.url import parse_url
>>> reader = Reader(default_lexicon())
>>> u = parse_url("https://www-rakuten-sec-co-jp.abcd12.top/app/MhLogin.do")
>>> r = reader.conclude(u.host, reader.read_host(u), u.path, u.userinfo)
>>> str(r.verdict), r.brand, r.reasons[:2]
('impersonation', 'rakuten_sec', ('official_host_embedded', 'brand_login_path'))
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from urllib.parse import unquote

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders import HOST_FINDERS, PATH_FINDERS, URL_FINDERS
from kozaguard.phishing.finders.reading import HostReading, PathReading, TypoLookup, UrlReading
from kozaguard.phishing.finders.typos import typo_targets
from kozaguard.phishing.glyphs import skeleton
from kozaguard.phishing.lexicon import Lexicon, common_words
from kozaguard.phishing.scorer import CheckResult, Verdict, score
from kozaguard.phishing.url import ParsedUrl

#: verdict, brand, score, reasons
Outcome = tuple[Verdict, str | None, float, tuple[str, ...]]
#: Short path segments of ordinary sites that are not in the word lists.
PAGE_WORDS = frozenset(
    {"index", "home", "about", "news", "blog", "faq", "help", "top", "contact", "login", "en", "ja", "jp"}
)
#: The longest part of a path that is read.
PATH_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class HostFindings:
    """What the host finders found in one host."""

    official: str | None  # OFFICIAL_DOMAIN / BRAND_GROUP_DOMAIN, or None
    brand: str | None  # owner of the official/group domain
    evidence: dict[str, list[str]]  # brand -> brand-evidence codes found in the host
    context: tuple[str, ...]
    # Outcome by path, filled in by the checker's cache (a URL without userinfo depends on nothing
    # else); None for official hosts, whose outcome is fixed.
    outcomes: dict[str, Outcome] | None = None


class Reader:
    """Runs the finders for one lexicon. ``typo_targets`` may be replaced by a cached copy."""

    def __init__(self, lexicon: Lexicon, typo_lookup: TypoLookup | None = None) -> None:
        self.lexicon = lexicon
        self.typo_targets: TypoLookup = typo_lookup or partial(typo_targets, lexicon)
        self._common = common_words()
        self._keywords = lexicon.signals.phishing_keywords

    def read_host(self, parsed: ParsedUrl) -> HostFindings:
        """The host finders' findings for a parsed URL's host."""
        if parsed.is_ip:
            return HostFindings(None, None, {}, (R.IP_HOST,), {})
        r = self.host_reading(parsed)
        for find in HOST_FINDERS.values():
            find(r)
            if r.official is not None:
                return HostFindings(r.official, r.brand, {}, ())
        return HostFindings(None, None, r.evidence, tuple(r.context), {})

    def host_reading(self, parsed: ParsedUrl) -> HostReading:
        """A parsed host (not an IP address), folded and cut, with nothing found yet."""
        raw = parsed.host_unicode
        sk = skeleton(raw)
        labels = sk.split(".")
        suffix = parsed.public_suffix
        reg_idx = max(len(labels) - suffix.count(".") - 2, 0)
        flat = sk.replace(".", "").replace("-", "").replace("_", "")
        return HostReading(
            self.lexicon,
            parsed.host,
            raw,
            sk,
            labels,
            raw.split(".") if len(raw) == len(sk) else labels,
            reg_idx,
            suffix,
            flat,
            next(self.lexicon.token_scan(flat), None) is not None,
            self.typo_targets,
        )

    def read_path(self, path: str, userinfo: str) -> tuple[dict[str, list[str]], list[str]]:
        """The path finders' ``(evidence, context)`` for a path (with query) and userinfo."""
        r = self.path_reading(path, userinfo)
        for find in PATH_FINDERS.values():
            find(r)
        return r.evidence, r.context

    def path_reading(self, path: str, userinfo: str) -> PathReading:
        """A path and userinfo, lower case and percent-decoded, with nothing found yet."""
        path = path[:PATH_LIMIT]
        low = ""
        if len(path) > 1:
            low = path.lower()
            if "%" in low:
                low = unquote(low)
        return PathReading(self.lexicon, userinfo, low)

    def is_word(self, segment: str) -> bool:
        """An ordinary word, phishing word or page name (lower case): not a random token."""
        return segment in self._common or segment in self._keywords or segment in PAGE_WORDS

    def conclude(
        self,
        url: str,
        host: HostFindings,
        path: str,
        userinfo: str,
        found: tuple[dict[str, list[str]], list[str]] | None = None,
    ) -> CheckResult:
        """Score a URL from its host's findings and its path (read here unless ``found`` is given)."""
        if host.official is not None:
            return CheckResult(url, Verdict.OFFICIAL, host.brand, 0.0, (host.official,))
        evidence = host.evidence
        context = list(host.context)
        if len(path) > 1 or userinfo:
            if found is None:
                found = self.read_path(path, userinfo)
            if found[0] or found[1]:
                evidence = {k: list(v) for k, v in evidence.items()}
                for brand, codes in found[0].items():
                    evidence.setdefault(brand, []).extend(codes)
                context.extend(found[1])
        if evidence is host.evidence:
            evidence = {k: list(v) for k, v in evidence.items()}  # the URL finders may add to it
        u = UrlReading(self.lexicon, path, evidence, context, self.is_word)
        for find in URL_FINDERS.values():
            find(u)
        if not evidence and not context:
            return CheckResult(url, Verdict.UNKNOWN, None, 0.0, ())
        return score(url, evidence, context)
