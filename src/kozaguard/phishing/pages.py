"""Read a saved page: which brand it shows, and whether it asks for a password to send elsewhere.

Kits copy the broker's page: its title, its Japanese and Latin names, its logo (with the logo's
``alt`` text), often its style sheets and images straight from the official host, and a login form
whose ``action`` posts to the kit's own server. The page alone never makes ``impersonation``: a
brand named in it counts as impersonation only on a page that has a password field (or posts a form
to another host); a news article about a broker stays ``suspicious`` at most.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from kozaguard.phishing import reasons as R
from kozaguard.phishing.checker import Checker, default_checker
from kozaguard.phishing.scorer import CheckResult, Verdict, score

#: Pages larger than this are read up to here (kits' pages are a few hundred kilobytes at most).
MAX_PAGE = 2_000_000
_SKIP = frozenset({"script", "style", "noscript", "template", "svg"})


@dataclass
class Page:
    """What a page shows and asks for, as read by :func:`read_page`."""

    title: str = ""
    text: list[str] = field(default_factory=list)
    alts: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)  # absolute URLs of links, images, scripts
    forms: list[tuple[str, bool]] = field(default_factory=list)  # (absolute action, has password)
    password: bool = False


class _Reader(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.base = base
        self._skip = 0
        self._in_title = False
        self._form: list[str | bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag in _SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "base" and a.get("href"):
            self.base = urljoin(self.base, a["href"])
        if tag == "img" and a.get("alt"):
            self.page.alts.append(a["alt"])
        for attr in ("src", "href"):
            if a.get(attr) and tag in ("img", "link", "script", "iframe", "a", "source"):
                self.page.resources.append(urljoin(self.base, a[attr]))
        if tag == "form":
            self._form = [urljoin(self.base, a.get("action", "")), False]
            self.page.forms.append(("", False))
        if tag == "input" and a.get("type", "").lower() == "password":
            self.page.password = True
            if self._form is not None:
                self._form[1] = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
        elif tag == "form" and self._form is not None:
            self.page.forms[-1] = (str(self._form[0]), bool(self._form[1]))
            self._form = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        text = data.strip()
        if not text:
            return
        if self._in_title:
            self.page.title += text
        else:
            self.page.text.append(text)

    def close(self) -> None:
        super().close()
        if self._form is not None:  # a form never closed: keep what it held
            self.page.forms[-1] = (str(self._form[0]), bool(self._form[1]))


def read_page(html: str, url: str = "") -> Page:
    """Parse a saved page (never raises on broken HTML); relative links resolve against ``url``."""
    reader = _Reader(url)
    reader.feed(html[:MAX_PAGE])
    reader.close()
    return reader.page


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class PageReader:
    """Finds brand evidence in a page; :meth:`check` combines it with the URL's own evidence."""

    def __init__(self, checker: Checker | None = None) -> None:
        self.checker = checker or default_checker()
        lex = self.checker.lexicon
        self._names: list[tuple[str, str]] = []
        for brand in lex.registry:
            for name in (brand.name, *brand.japanese, brand.name_en):
                if name and len(name) >= 3:
                    self._names.append((unicodedata.normalize("NFKC", name).lower(), brand.id))
        self._names.sort(key=lambda item: len(item[0]), reverse=True)

    def _named(self, text: str) -> list[str]:
        norm = unicodedata.normalize("NFKC", text).lower()
        return list(dict.fromkeys(b for name, b in self._names if name in norm))

    def evidence(self, page: Page, url: str) -> tuple[dict[str, list[str]], list[str]]:
        """Brand evidence (brand → codes) and context found in the page served at ``url``."""
        evidence: dict[str, list[str]] = {}
        tags = self.checker.lexicon.suffix_tags

        def add(brands: list[str], code: str) -> None:
            for b in brands:
                if code not in evidence.setdefault(b, []):
                    evidence[b].append(code)

        add(self._named(page.title), R.PAGE_TITLE_BRAND)
        add(self._named(" ".join(page.alts)), R.PAGE_LOGO_ALT)
        add(self._named(" ".join(page.text)[:200_000]), R.PAGE_TEXT_BRAND)
        for resource in page.resources:
            owner = self._official_owner(_host(resource), tags)
            if owner is not None:
                add([owner], R.PAGE_OFFICIAL_RESOURCES)
        context: list[str] = []
        if page.password:
            context.append(R.PASSWORD_FORM)
        here = _host(url)
        for action, has_password in page.forms:
            there = _host(action)
            if has_password and there and there != here and self._official_owner(there, tags) is None:
                context.append(R.FORM_POSTS_ELSEWHERE)
                break
        return evidence, context

    @staticmethod
    def _official_owner(host: str, tags: dict[str, tuple[str, str]]) -> str | None:
        s = host
        while s:
            tag = tags.get(s)
            if tag is not None and tag[0] in ("official", "group"):
                return tag[1]
            s = s.partition(".")[2]
        return None

    def check(self, url: str, html: str) -> CheckResult:
        """The verdict on ``url`` with the page saved from it read too."""
        result = self.checker.check(url)
        if result.error is not None or result.verdict == Verdict.OFFICIAL:
            return result
        page_evidence, page_context = self.evidence(read_page(html, url), url)
        evidence: dict[str, list[str]] = {}
        url_context = [c for c in result.reasons if c not in R.BRAND_EVIDENCE]
        if result.brand is not None:
            evidence[result.brand] = [c for c in result.reasons if c in R.BRAND_EVIDENCE]
        for brand, codes in page_evidence.items():
            evidence.setdefault(brand, []).extend(codes)
        if not evidence and not url_context and not page_context:
            return result
        return score(url, evidence, [*url_context, *page_context], result.note)
