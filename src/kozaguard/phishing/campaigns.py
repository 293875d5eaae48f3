"""Campaign memory: URLs of one kit inherit the brand that earlier URLs of the kit named.

Real broker phishing comes in campaigns: one registered domain with hundreds of random
subdomains, one random path token or one path-and-query template reused across dozens of throw-away
domains, and only some of the URLs spell the brand. While a feed or a stream is read, the memory
records the *campaign keys* of every URL called ``impersonation`` (its registered domain, its
random path tokens, its kit template) with the brand it named; a later URL that names no brand (or
names the same one weakly) and shares a key inherits the brand, with the evidence named: "same kit
as 41 earlier URLs naming sbisec".

Causal: a verdict depends only on the URL and on the URLs read before it, so the same input in the
same order gives the same output. Each key's record is ``[first URL, {brand: count}]``, kept in a
store with ``get`` and ``put`` (the engine passes its ``watch`` repository, the CLI a JSON file);
the in-process store can be exported. Official hosts are never touched, and the registered domain
of a platform many tenants share (``sites.google.com``) is never a key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Protocol

from kozaguard.phishing import reasons as R
from kozaguard.phishing.checker import Checker, CheckResult, Verdict, default_checker
from kozaguard.phishing.lexicon import common_words
from kozaguard.phishing.url import UrlError, parse_url

#: Key kinds, strongest first, with the reason code a URL inherits through each and its wording.
KINDS: dict[str, tuple[str, str]] = {
    "domain": (R.CAMPAIGN_DOMAIN, "same registered domain as"),
    "kit": (R.CAMPAIGN_KIT, "same kit as"),
    "token": (R.CAMPAIGN_PATH_TOKEN, "same path token as"),
}
PREFIX = "campaign:"
#: At most this many keys are kept (the oldest are forgotten first in the in-process store).
LIMIT = 200_000

_PIECE = re.compile(r"[A-Za-z0-9]+")
_PIECE_OR_SEP = re.compile(r"[A-Za-z0-9]+|[^A-Za-z0-9]+")
_TRACKING = ("utm_", "fbclid", "gclid", "yclid", "mc_", "_ga")
_MIXED_CASE = re.compile(r"[a-z][A-Z]")
_EXTENSIONS = frozenset({"html", "htm", "php", "asp", "aspx", "jsp", "do", "js", "css", "png", "jpg", "cgi"})
_GENERIC = frozenset(
    {
        "index", "home", "login", "signin", "logon", "auth", "account", "member", "members", "mypage",
        "secure", "verify", "check", "update", "user", "users", "main", "page", "pages", "static",
        "assets", "public", "images", "default", "search", "news", "view", "info", "http", "https",
    }
)  # fmt: skip


def _random(piece: str) -> bool:
    """A piece no one would name a page with: letters and digits mixed, case mixed inside the word,
    or almost no vowels (``Qa9x8Zr2``, ``rdQon0jU``, ``xjwyg``); five characters or more.

    >>> [_random(w) for w in ("Qa9x8Zr2", "xjwyg", "ETGate", "article", "2025", "index")]
    [True, True, False, False, False, False]
    """
    n = len(piece)
    if n < 5 or n > 64:
        return False
    digits = sum(c.isdigit() for c in piece)
    letters = n - digits
    if digits and letters >= 2:
        return True
    if not letters:
        return False
    if len(_MIXED_CASE.findall(piece)) >= 3:
        return True
    low = piece.lower()
    return sum(c in "aeiou" for c in low) / letters <= 0.2


class Store(Protocol):
    """Where keys are kept: the engine's repositories have this shape."""

    def get(self, key: str) -> Any: ...

    def put(self, key: str, record: Any) -> None: ...


class DictStore:
    """An in-process store, bounded, that can be exported and loaded back (the CLI's JSON file)."""

    def __init__(self, records: dict[str, Any] | None = None, limit: int = LIMIT) -> None:
        self.records: dict[str, Any] = dict(records or {})
        self.limit = limit

    def get(self, key: str) -> Any:
        return self.records.get(key)

    def put(self, key: str, record: Any) -> None:
        if key not in self.records and len(self.records) >= self.limit:
            del self.records[next(iter(self.records))]
        self.records[key] = record


class CampaignMemory:
    """A checker that remembers campaigns. Use one per feed or stream; :meth:`check` as the checker's."""

    def __init__(self, checker: Checker | None = None, store: Store | None = None) -> None:
        self.checker = checker or default_checker()
        self.store: Store = store if store is not None else DictStore()
        self._common = common_words()
        self._shared = self.checker.lexicon.suffix_tags

    # -- public ------------------------------------------------------------------------------------
    def check(self, url: str) -> CheckResult:
        """Check ``url``; inherit a brand from earlier URLs of its campaign; remember its keys."""
        result = self.checker.check(url)
        if result.error is not None or result.verdict == Verdict.OFFICIAL:
            return result
        keys = self.keys(url)
        if not keys:
            return result
        if result.verdict != Verdict.IMPERSONATION:
            result = self._inherit(result, keys)
        if result.verdict == Verdict.IMPERSONATION and result.brand is not None:
            self._learn(keys, result.brand, url)
        return result

    def export(self) -> dict[str, Any]:
        """The remembered keys, as JSON-ready data (only for the in-process store)."""
        if not isinstance(self.store, DictStore):
            raise TypeError("only the in-process store can be exported; the engine's state holds the rest")
        return {"version": 1, "keys": dict(self.store.records)}

    @classmethod
    def from_export(cls, data: Any, checker: Checker | None = None, where: str = "memory") -> CampaignMemory:
        """A memory holding the keys of :meth:`export`; bad data raises ``ValueError`` naming the field."""
        if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("keys"), dict):
            raise ValueError(f'{where}: expected {{"version": 1, "keys": {{...}}}} as written by --memory')
        for key, record in data["keys"].items():
            if not (
                isinstance(key, str)
                and key.startswith(PREFIX)
                and isinstance(record, list)
                and len(record) == 2
                and isinstance(record[0], str)
                and isinstance(record[1], dict)
                and all(isinstance(n, int) and not isinstance(n, bool) for n in record[1].values())
            ):
                raise ValueError(f'{where}: key {key!r}: expected ["first URL", {{"brand": count}}]')
        return cls(checker, DictStore(data["keys"]))

    # -- keys ----------------------------------------------------------------------------------------
    def keys(self, url: str) -> list[tuple[str, str]]:
        """``(kind, key)`` of the campaign marks in a URL: registered domain, kit template, tokens.

        >>> CampaignMemory().keys("https://abc.x7k2.top/page.html?sbisecjapan=login&t=Qa9x8Zr2")
        [('domain', 'x7k2.top'), ('kit', '/page.html?sbisecjapan=*&t=*'), ('token', 'Qa9x8Zr2')]
        """
        try:
            parsed = parse_url(url)
        except UrlError:
            return []
        out: list[tuple[str, str]] = []
        if not self._shared_domain(parsed.host, parsed.registered_domain):
            out.append(("domain", parsed.registered_domain))
        path = parsed.path.split("#", 1)[0][:512]
        if len(path) > 1:
            template = self._template(path)
            if template is not None:
                out.append(("kit", template))
            out.extend(("token", t) for t in dict.fromkeys(t for t in _PIECE.findall(path) if _random(t)))
        return out[:6]

    def _shared_domain(self, host: str, registered: str) -> bool:
        """True when the registered domain is a platform's that many tenants share (free hosting,
        dynamic DNS or a proxy the suffix list does not split per tenant: ``sites.google.com``)."""
        s = host
        while True:
            tag = self._shared.get(s)
            if tag is not None and tag[0] not in ("official", "group"):
                return len(registered) <= len(s)
            dot = s.find(".")
            if dot == -1:
                return False
            s = s[dot + 1 :]

    def _template(self, path: str) -> str | None:
        """The kit's template: path words kept when they are words, other pieces and every query
        value replaced by ``*``, query names kept (tracking parameters dropped). It counts only when
        six letters or more of it are its own (not generic page names): ``/*.html?sbisecjapan=*``,
        or when two random path pieces come with three query names or more: ``/*/*.php?tx=*&k=*&p=*``.
        """
        base, _, query = path.partition("?")
        literal = 0
        random_pieces = 0
        names: list[str] = []
        parts = []
        for piece in _PIECE_OR_SEP.findall(base):
            low = piece.lower()
            if not piece[0].isalnum():
                parts.append(piece)
            elif low in self._common or low in _GENERIC or low in _EXTENSIONS:
                parts.append(low)
                if low not in _GENERIC and low not in _EXTENSIONS:
                    literal += len(low)
            else:
                parts.append("*")
                random_pieces += 1
        template = "".join(parts)
        if query:
            for item in query.split("&")[:16]:
                name = item.partition("=")[0].lower()
                if not name or name.startswith(_TRACKING):
                    continue
                names.append(name + "=*" if "=" in item else name)
                if name.strip("_") not in _GENERIC:
                    literal += sum(c.isalpha() for c in name)
            template += "?" + "&".join(names)
        # Short query names make a kit too when the path is random and the names are many.
        if literal >= 6 or (random_pieces >= 2 and len(names) >= 3):
            return template
        return None

    # -- memory ----------------------------------------------------------------------------------
    def _inherit(self, result: CheckResult, keys: Iterable[tuple[str, str]]) -> CheckResult:
        for kind, key in keys:
            record = self.store.get(PREFIX + kind + ":" + key)
            if not record:
                continue
            brands: dict[str, int] = record[1]
            brand = max(brands, key=lambda b: (brands[b], -list(brands).index(b)))
            if result.brand is not None and result.brand != brand:
                continue
            code, wording = KINDS[kind]
            n = brands[brand]
            note = f"{wording} {n} earlier URL{'s' if n != 1 else ''} naming {brand}"
            reasons = (code, *(r for r in result.reasons if r != code))
            score = round(min(max(result.score, 0.0) + R.WEIGHTS[code], 0.99), 2)
            return CheckResult(result.url, Verdict.IMPERSONATION, brand, score, reasons, None, note)
        return result

    def _learn(self, keys: Iterable[tuple[str, str]], brand: str, url: str) -> None:
        for kind, key in keys:
            name = PREFIX + kind + ":" + key
            record = self.store.get(name) or [url[:300], {}]
            brands = dict(record[1])
            brands[brand] = brands.get(brand, 0) + 1
            self.store.put(name, [record[0], brands])
