"""Lookalike domains of a brand's domain: what a phisher could register to pass for it.

The fuzzers are those of the well-known ``dnstwist`` tool (addition, bitsquatting, cyrillic,
homoglyph, hyphenation, insertion, omission, plural, repetition, replacement, subdomain,
transposition, vowel-swap, dictionary, tld-swap, various), each producing at least what dnstwist
produces, with wider look-alike tables built from Unicode data (:mod:`kozaguard.phishing.glyphs`).
The label is split with the Public Suffix List, so ``smbcnikko.co.jp`` fuzzes ``smbcnikko`` and keeps
``co.jp``. IDN variants are returned in punycode (``domain``) and Unicode (``unicode``); registries
that accept no Latin IDN (``.jp`` takes only Japanese script) get ASCII look-alikes only.

>>> vs = generate("daiwa.jp")
>>> ("omission", "daiw.jp") in {(v.fuzzer, v.domain) for v in vs}
True
>>> sorted({v.fuzzer for v in generate("mizuho-sc.com")}) == sorted(FUZZERS)
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import idna

from kozaguard.phishing.glyphs import ASCII_LOOKALIKES, KEYBOARDS, LATIN_TO_CYRILLIC, lookalikes_of
from kozaguard.phishing.lexicon import default_signals
from kozaguard.phishing.url import UrlError, parse_url, public_suffix

FUZZERS = (
    "addition",
    "bitsquatting",
    "cyrillic",
    "homoglyph",
    "hyphenation",
    "insertion",
    "omission",
    "plural",
    "repetition",
    "replacement",
    "subdomain",
    "transposition",
    "vowel-swap",
    "dictionary",
    "tld-swap",
    "various",
)

# Registries that take no IDN, or only their own script (no Latin look-alikes possible).
_NO_LATIN_IDN = frozenset(
    {"jp", "co.jp", "ne.jp", "or.jp", "ad.jp", "ac.jp", "go.jp", "gr.jp", "ed.jp", "lg.jp"}
    | {"cn", "com.cn", "net.cn", "org.cn", "tw", "com.tw", "net.tw", "kr", "co.kr"}
    | {"ad", "cz", "sk", "uk", "co.uk", "nl", "edu", "us", "gov", "mil", "int"}
)
_VALID_FQDN = re.compile(r"(?=^.{4,253}$)(^((?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z0-9-]{2,63}$)", re.IGNORECASE)
_ALPHANUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_BITSQUAT_CHARS = frozenset(_ALPHANUM + "-")
_VOWELS = "aeiou"


@dataclass(frozen=True, slots=True, order=True)
class Variant:
    """One lookalike: the fuzzer that made it, its ASCII (punycode) form and its Unicode form."""

    fuzzer: str
    domain: str
    unicode: str

    def to_dict(self) -> dict[str, str]:
        """JSON shape of a variant."""
        return {"fuzzer": self.fuzzer, "domain": self.domain, "unicode": self.unicode}


def validate_domain(text: str) -> str:
    """The domain to fuzz, or ``ValueError`` saying what to pass instead (a URL or a public suffix
    alone is not fuzzed: the first is not a domain, the second belongs to no one).

    >>> validate_domain("  SBISEC.co.jp ")
    'sbisec.co.jp'
    >>> validate_domain("co.jp")
    Traceback (most recent call last):
    ...
    ValueError: 'co.jp' is a public suffix alone: pass a registered domain under it, e.g. example.co.jp
    """
    domain = text.strip().lower().rstrip(".")
    if any(c in domain for c in "/?#@") or domain.startswith(("http:", "https:", "hxxp")):
        raise ValueError(
            f"{text!r} is not a URL's place: pass a domain, not a URL (e.g. sbisec.co.jp);"
            " to check a URL use 'kozaguard phishing check URL'"
        )
    if not domain:
        raise ValueError("empty domain: pass a domain, e.g. sbisec.co.jp")
    if public_suffix(domain) == domain:
        raise ValueError(
            f"{text!r} is a public suffix alone: pass a registered domain under it, e.g. example.{domain}"
        )
    return domain


def split_domain(domain: str) -> tuple[str, str, str]:
    """``(subdomain, label, public suffix)`` of a domain, the label IDN-decoded.

    >>> split_domain("www.sc.mufg.jp")
    ('www.sc', 'mufg', 'jp')
    """
    parsed = parse_url(domain)
    label, _, suffix = parsed.registered_domain.partition(".")
    sub = parsed.host[: -len(parsed.registered_domain)].rstrip(".")
    if label.startswith("xn--"):
        label = idna.decode(label)
    return sub, label, suffix


class _Fuzz:
    def __init__(self, label: str, suffix: str, words: Iterable[str], tlds: Iterable[str]) -> None:
        self.d = label
        self.tld = suffix
        self.words = [w for w in words if w]
        self.tlds = [t for t in tlds if t and t != suffix]

    def addition(self) -> Iterator[str]:
        d = self.d
        for c in _ALPHANUM:
            yield d + c
            yield c + d
        if "-" in d:
            parts = d.split("-")
            for p in range(1, len(parts)):
                for c in _ALPHANUM:
                    yield "-".join(parts[:p]) + c + "-" + "-".join(parts[p:])
                    yield "-".join(parts[:p]) + "-" + c + "-".join(parts[p:])

    def bitsquatting(self) -> Iterator[str]:
        d = self.d
        for i, c in enumerate(d):
            for bit in range(8):
                b = chr(ord(c) ^ (1 << bit))
                if b in _BITSQUAT_CHARS:
                    yield d[:i] + b + d[i + 1 :]

    def cyrillic(self) -> Iterator[str]:
        d = self.d
        full = "".join(LATIN_TO_CYRILLIC.get(c, c) for c in d)
        if full != d:
            yield full
        for i, c in enumerate(d):
            if c in LATIN_TO_CYRILLIC:
                yield d[:i] + LATIN_TO_CYRILLIC[c] + d[i + 1 :]

    def _glyphs(self) -> dict[str, tuple[str, ...]]:
        glyphs = {k: tuple(v) for k, v in ASCII_LOOKALIKES.items()}
        if self.tld not in _NO_LATIN_IDN:
            for letter in _ALPHANUM:
                extra = tuple(g for g in lookalikes_of(letter) if g not in glyphs.get(letter, ()))
                glyphs[letter] = glyphs.get(letter, ()) + extra
            for seq, rep in (("ae", "æ"), ("oe", "œ")):
                glyphs[seq] = (*glyphs.get(seq, ()), rep)
        return glyphs

    def homoglyph(self) -> set[str]:
        glyphs = self._glyphs()

        def mix(domain: str) -> Iterator[str]:
            for i, c in enumerate(domain):
                for g in glyphs.get(c, ()):
                    yield domain[:i] + g + domain[i + 1 :]
            for i in range(len(domain) - 1):
                window = domain[i : i + 2]
                for c in {window[0], window[1], window}:
                    for g in glyphs.get(c, ()):
                        yield domain[:i] + window.replace(c, g) + domain[i + 2 :]

        first = set(mix(self.d))
        second: set[str] = set()
        for r in first:
            second.update(mix(r))
        return first | second

    def hyphenation(self) -> Iterator[str]:
        d = self.d
        return (d[:i] + "-" + d[i:] for i in range(1, len(d)))

    def insertion(self) -> Iterator[str]:
        d = self.d
        for i in range(len(d)):
            pre, c, suf = d[:i], d[i], d[i + 1 :]
            for keys in KEYBOARDS:
                for k in keys.get(c, ""):
                    yield pre + k + c + suf
                    yield pre + c + k + suf

    def omission(self) -> Iterator[str]:
        d = self.d
        return (d[:i] + d[i + 1 :] for i in range(len(d)))

    def plural(self) -> Iterator[str]:
        d = self.d
        for i in range(2, len(d) - 2):
            yield d[: i + 1] + ("es" if d[i] in "sxz" else "s") + d[i + 1 :]
        yield d + ("es" if d[-1:] in ("s", "x", "z") else "s")

    def repetition(self) -> Iterator[str]:
        d = self.d
        return (d[:i] + c + d[i:] for i, c in enumerate(d))

    def replacement(self) -> Iterator[str]:
        d = self.d
        for i, c in enumerate(d):
            for keys in KEYBOARDS:
                for r in keys.get(c, ""):
                    yield d[:i] + r + d[i + 1 :]

    def subdomain(self) -> Iterator[str]:
        d = self.d
        for i in range(1, len(d)):
            if d[i] not in "-." and d[i - 1] not in "-.":
                yield d[:i] + "." + d[i:]

    def transposition(self) -> Iterator[str]:
        d = self.d
        return (d[:i] + d[i + 1] + d[i] + d[i + 2 :] for i in range(len(d) - 1))

    def vowel_swap(self) -> Iterator[str]:
        d = self.d
        for i, c in enumerate(d):
            if c in _VOWELS:
                for v in _VOWELS:
                    yield d[:i] + v + d[i + 1 :]

    def dictionary(self) -> Iterator[str]:
        d = self.d
        parts = d.split("-")
        for w in self.words:
            if not (d.startswith(w) and d.endswith(w)):
                yield from (d + "-" + w, d + w, w + "-" + d, w + d)
            if len(parts) > 1:
                yield "-".join(parts[:-1]) + "-" + w
                yield w + "-" + "-".join(parts[1:])


def _encode(domain: str) -> str | None:
    """Punycode form of a domain, or None if no registry could accept it."""
    if domain.isascii():
        return domain.lower()
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        pass
    try:
        return domain.encode("idna").decode("ascii")  # IDNA 2003, still accepted by some registries
    except UnicodeError:
        return None


def _decode(domain: str) -> str:
    if "xn--" not in domain:
        return domain
    try:
        return idna.decode(domain)
    except (idna.IDNAError, UnicodeError):
        return domain.encode("ascii").decode("idna")


def generate(
    domain: str,
    fuzzers: Iterable[str] | None = None,
    *,
    words: Iterable[str] | None = None,
    tlds: Iterable[str] | None = None,
) -> list[Variant]:
    """All lookalikes of ``domain`` by the given fuzzers (all by default), sorted, no duplicates.

    ``words`` feed the dictionary fuzzer and ``tlds`` the tld-swap fuzzer; both default to the lists
    in ``data/signals.toml``. A domain made by two fuzzers is listed under the first in
    :data:`FUZZERS` order. Raises :class:`~kozaguard.phishing.url.UrlError` for a bad domain.
    """
    chosen = list(FUZZERS if fuzzers is None else fuzzers)
    unknown = [f for f in chosen if f not in FUZZERS]
    if unknown:
        raise ValueError(f"unknown fuzzer(s) {unknown}; known: {', '.join(FUZZERS)}")
    signals = default_signals()
    sub, label, suffix = split_domain(domain)
    if not suffix:
        raise UrlError(f"{domain!r} has no registrable label")
    fz = _Fuzz(
        label,
        suffix,
        signals.variant_words if words is None else words,
        signals.variant_tlds if tlds is None else tlds,
    )
    original = ".".join(filter(None, [sub, label, suffix]))
    seen: dict[str, Variant] = {}

    def add(fuzzer: str, candidate: str) -> None:
        encoded = _encode(candidate)
        if encoded is None or encoded in seen or encoded == _encode(original):
            return
        if not _VALID_FQDN.match(encoded):
            return
        seen[encoded] = Variant(fuzzer, encoded, _decode(encoded))

    for name in chosen:
        if name == "tld-swap":
            for tld in fz.tlds:
                add(name, ".".join(filter(None, [sub, label, tld])))
        elif name == "various":
            for candidate in _various(sub, label, suffix):
                add(name, candidate)
        else:
            for new_label in getattr(fz, name.replace("-", "_"))():
                add(name, ".".join(filter(None, [sub, new_label, suffix])))
    return sorted(seen.values(), key=lambda v: (FUZZERS.index(v.fuzzer), v.domain))


def _various(sub: str, d: str, tld: str) -> Iterator[str]:
    """Suffix and subdomain games: ``smbcnikkocojp.com``, ``smbcnikko.jp``, ``www-smbcnikko.co.jp``."""
    last = tld.rsplit(".", 1)[-1]
    if "." in tld:
        yield ".".join(filter(None, [sub, d, last]))
        yield ".".join(filter(None, [sub, d + tld.replace(".", "")]))
        yield ".".join(filter(None, [sub, d + tld.replace(".", ""), "com"]))
        yield ".".join(filter(None, [sub, d + "-" + tld.replace(".", "-"), "com"]))
        yield ".".join(filter(None, [sub, d + tld]))
    else:
        yield ".".join(filter(None, [sub, d + tld, tld]))
    if tld != "com" and "." not in tld:
        yield ".".join(filter(None, [sub, d + "-" + tld, "com"]))
        yield ".".join(filter(None, [sub, d + tld, "com"]))
    if sub:
        yield ".".join([sub + d, tld])
        yield ".".join([sub.replace(".", "") + d, tld])
        yield ".".join([sub + "-" + d, tld])
        yield ".".join([sub.replace(".", "-") + "-" + d, tld])
