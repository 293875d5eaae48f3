"""Split a reported URL into the parts phishing hides in: host labels, registered domain, path.

Input comes from customers, mail filters and threat feeds, so it is lenient where that is safe
(no scheme, upper case, a trailing dot, "defanged" ``hxxp://`` and ``[.]``) and strict where a guess
would be wrong (spaces, empty labels, invalid IDN): those raise :class:`UrlError` with a message
saying what is wrong.

The registered domain comes from the Public Suffix List shipped by ``publicsuffixlist``, private
section included, so ``evil.pages.dev`` is a registrable name of its own like ``evil.com``.

>>> u = parse_url("https://site1.sbisec.co.jp.example.com/ETGate/?x=1")
>>> u.host, u.registered_domain, u.path
('site1.sbisec.co.jp.example.com', 'example.com', '/ETGate/?x=1')
>>> parse_url("xn--80ak6aa92e.com").host_unicode
'аррӏе.com'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import idna
from publicsuffixlist import PublicSuffixList


class UrlError(ValueError):
    """The text is not a URL or host we can check; the message says why."""


@dataclass(frozen=True, slots=True)
class ParsedUrl:
    """A URL cut into the parts the checker reads. Hosts are lower case, without port or dot."""

    host: str  # ASCII (punycode) form
    host_unicode: str  # IDN labels decoded
    registered_domain: str  # e.g. example.com, evil.pages.dev; the host itself for an IP
    public_suffix: str  # e.g. com, co.jp, pages.dev
    path: str  # path, query and fragment as given ("" if none)
    userinfo: str  # text before '@' in the authority ("" if none)
    is_ip: bool


_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):(//)?", re.IGNORECASE)
_DEFANG_RE = re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)", re.IGNORECASE)
_LABEL_RE = re.compile(r"^[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?$")
_IPV4_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_SPACE_RE = re.compile(r"\s")
_WEB_SCHEMES = frozenset({"http", "https", "hxxp", "hxxps", "ws", "wss", "ftp"})


@cache
def _psl() -> tuple[frozenset[str], frozenset[str]]:
    """The Public Suffix List rules (with punycode forms) and every dot-suffix of every rule.

    The second set lets :func:`public_suffix` walk a host from its TLD leftwards and stop as soon
    as no rule can match any more: two or three set look-ups per host.
    """
    rules = PublicSuffixList()._publicsuffix
    closure = set()
    for rule in rules:
        name = rule.lstrip("!")
        if name.startswith("*."):
            name = name[2:]
        parts = name.split(".")
        for i in range(len(parts)):
            closure.add(".".join(parts[i:]))
    return frozenset(rules), frozenset(closure)


def public_suffix(host: str) -> str:
    """The public suffix of an ASCII host, by the PSL rules (wildcards and exceptions included).

    Unknown TLDs count as a public suffix of one label, as browsers do.

    >>> public_suffix("a.b.example.co.jp"), public_suffix("x.pages.dev"), public_suffix("foo.unknowntld")
    ('co.jp', 'pages.dev', 'unknowntld')
    >>> public_suffix("a.b.kawasaki.jp"), public_suffix("city.kawasaki.jp")
    ('b.kawasaki.jp', 'kawasaki.jp')
    """
    walk = _walk()
    pos = host.rfind(".")
    best = host[pos + 1 :]
    while True:
        suffix = host[pos + 1 :]
        flags = walk.get(suffix)
        if flags is None:
            return best
        if flags & _EXCEPTION:
            return suffix.partition(".")[2]
        if flags & _RULE:
            best = suffix
        if flags & _WILDCARD:
            if pos == -1:
                return suffix
            best = host[host.rfind(".", 0, pos) + 1 :]
        if pos == -1:
            return best
        pos = host.rfind(".", 0, pos)


_RULE, _EXCEPTION, _WILDCARD = 1, 2, 4


@cache
def _walk() -> dict[str, int]:
    """Every name :func:`public_suffix` may pass on its walk, with what the rules say about it."""
    rules, closure = _psl()
    walk = {}
    for name in closure:
        walk[name] = (
            (_RULE if name in rules else 0)
            | (_EXCEPTION if "!" + name in rules else 0)
            | (_WILDCARD if "*." + name in rules else 0)
        )
    return walk


def registered_domain(host: str) -> tuple[str, str]:
    """``(registered domain, public suffix)``; a bare public suffix is its own registered domain.

    >>> registered_domain("site1.sbisec.co.jp")
    ('sbisec.co.jp', 'co.jp')
    """
    suffix = public_suffix(host)
    if len(suffix) >= len(host):
        return host, suffix
    head = host[: -len(suffix) - 1]
    return head.rsplit(".", 1)[-1] + "." + suffix, suffix


def refang(text: str) -> str:
    """Undo the usual "defanging" of threat-intel feeds: ``hxxp://a[.]com`` -> ``http://a.com``.

    >>> refang("hxxps://evil[.]example(.)com")
    'https://evil.example.com'
    """
    if "[" in text or "(" in text or "{" in text:
        text = _DEFANG_RE.sub(".", text)
    if text[:4].lower() == "hxxp":
        text = "http" + text[4:]
    return text


def _decode_label(label: str) -> str:
    try:
        return idna.decode(label)
    except idna.IDNAError as exc:
        raise UrlError(f"invalid IDN label {label!r}: {exc}") from None
    except UnicodeError as exc:
        raise UrlError(f"invalid IDN label {label!r}: {exc}") from None


def _encode_label(label: str) -> str:
    try:
        return idna.encode(label, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise UrlError(f"invalid IDN label {label!r}: {exc}") from None
    except UnicodeError as exc:
        raise UrlError(f"invalid IDN label {label!r}: {exc}") from None


def split_host(text: str) -> tuple[str, str, str]:
    """``(authority, path, scheme)`` of a URL or bare host; raises :class:`UrlError` if unusable."""
    text = text.strip()
    if not text:
        raise UrlError("empty input")
    if _SPACE_RE.search(text):
        raise UrlError("contains whitespace; give one URL per line")
    text = refang(text)
    scheme = ""
    m = _SCHEME_RE.match(text)
    if m and (m.group(2) or m.group(1).lower() in _WEB_SCHEMES):
        scheme = m.group(1).lower()
        if scheme not in _WEB_SCHEMES:
            raise UrlError(f"scheme {scheme!r} is not a web URL")
        text = text[m.end() :]
    elif m and not text[m.end() :][:1].isdigit():
        # "mailto:x", "javascript:..." but not "host:8080/path"
        raise UrlError(f"scheme {m.group(1)!r} is not a web URL")
    cut = len(text)
    for sep in "/?#\\":
        i = text.find(sep)
        if i != -1 and i < cut:
            cut = i
    return text[:cut], text[cut:], scheme


#: A plain URL: optional http(s) scheme, an ASCII host (group 1) of labels ending in a TLD that starts
#: with a letter, no user or port, then an optional path. Written so that it never backtracks.
_FAST_RE = re.compile(
    r"(?:[hH][tT][tT][pP][sS]?://)?((?:[A-Za-z0-9_-]{1,63}\.)+[A-Za-z][A-Za-z0-9-]{0,62})(?:[/?#]\S*)?"
)


def parse_url(text: str) -> ParsedUrl:
    """Parse a URL (or a bare host with optional path) for checking.

    >>> parse_url("HTTPS://User@WWW.Example.COM.:8443/a").host
    'www.example.com'
    >>> parse_url("not a url")
    Traceback (most recent call last):
    ...
    kozaguard.phishing.url.UrlError: contains whitespace; give one URL per line
    """
    m = _FAST_RE.fullmatch(text)
    if m is not None and "--" not in m.group(1):
        # The common case: plain ASCII host, no port, no user, nothing to undo.
        host = m.group(1).lower()
        path = text[m.end(1) :]
        reg, suffix = registered_domain(host)
        return ParsedUrl(host, host, reg, suffix, path, "", False)
    authority, path, _ = split_host(text)
    userinfo = ""
    if "@" in authority:
        userinfo, _, authority = authority.rpartition("@")
    host = authority
    if host.startswith("["):
        end = host.find("]")
        if end == -1:
            raise UrlError("unclosed '[' in IPv6 host")
        ip = host[1:end].lower()
        if not ip or any(c not in "0123456789abcdef:." for c in ip):
            raise UrlError(f"invalid IPv6 host {ip!r}")
        return ParsedUrl(ip, ip, ip, "", path, userinfo, True)
    if ":" in host:
        host, _, port = host.rpartition(":")
        if port and not port.isdigit():
            raise UrlError(f"invalid port {port!r}")
    host = host.lower().rstrip(".")
    if not host:
        raise UrlError("no host")
    if len(host) > 253:
        raise UrlError("host longer than 253 characters")
    if _IPV4_RE.match(host):
        if any(int(p) > 255 for p in host.split(".")):
            raise UrlError(f"invalid IPv4 address {host!r}")
        return ParsedUrl(host, host, host, "", path, userinfo, True)
    if "." not in host:
        raise UrlError(f"host {host!r} has no dot: not a domain name")
    labels = host.split(".")
    if not host.isascii():
        labels = [lab if lab.isascii() else _encode_label(lab) for lab in labels]
        host = ".".join(labels)
    host_unicode = host
    if "xn--" in host:
        host_unicode = ".".join(_decode_label(lab) if lab.startswith("xn--") else lab for lab in labels)
    for lab in labels:
        if not _LABEL_RE.match(lab):
            if not lab:
                raise UrlError(f"empty label in host {host!r}")
            if len(lab) > 63:
                raise UrlError(f"label longer than 63 characters in host {host!r}")
            raise UrlError(f"invalid character in host label {lab!r}")
    if labels[-1].isdigit():
        raise UrlError(f"host {host!r} ends in a number: not a domain name")
    reg, suffix = registered_domain(host)
    return ParsedUrl(host, host_unicode, reg, suffix, path, userinfo, False)
