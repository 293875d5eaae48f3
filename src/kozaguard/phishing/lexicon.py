"""Everything the checker looks up, compiled once from the brand registry and the signal lists.

Matching a brand must cost little per URL, so the words are compiled ahead: all brand tokens into
an Aho-Corasick automaton (one pass in C over the host says whether it holds any, whatever the
number of brands: the gate that rules most hosts out) and a trie-shaped regular expression (to find
where they are in the few hosts that hold one), every official host into another such expression,
and the typo targets into plans by their first or last two letters and by word length, so that a
word is compared (in C, by rapidfuzz) only with the few targets it can be a typo of.

>>> lex = default_lexicon()
>>> sorted({t.brand for t in lex.token_hits("sbisec")})
['sbisec']
>>> trie_regex(["sbi", "sbisec", "sec"])
'(?:s(?:bi(?:sec)?|ec))'
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import ahocorasick

from kozaguard.phishing.brands import Brand, BrandRegistry, default_registry
from kozaguard.phishing.glyphs import loose_skeleton, skeleton
from kozaguard.phishing.url import registered_domain

# Token kinds, strongest first.
STRONG = "strong"
EMBEDDED = "embedded"
DOMAIN_LABEL = "domain_label"
WEAK = "weak"

#: Shortest token matched with edits (shorter ones are one edit from too many real words).
FUZZY_MIN_LEN = 6
#: Shortest official domain label matched with edits when it is the whole registered label.
FUZZY_MIN_LEN_DOMAIN = 5
_GENERIC_PATH_WORDS = frozenset(
    {"entry", "index", "web", "app", "pc", "home", "sp", "top", "common", "servlet"}
)

#: A strong token this long counts even inside a longer word ("xxrakutensecurities").
SUBSTRING_MIN_LEN = 9
#: Tokens this long are matched with up to two edits (one for shorter ones).
LONG_TOKEN = 9


@dataclass(frozen=True, slots=True)
class Signals:
    """Brand-independent lists from ``data/signals.toml``."""

    hosting: frozenset[str]
    dynamic_dns: frozenset[str]
    translation_proxy: frozenset[str]
    cheap_tlds: frozenset[str]
    phishing_keywords: frozenset[str]
    affix_words: frozenset[str]
    login_path_words: tuple[str, ...]
    variant_words: tuple[str, ...]
    variant_tlds: tuple[str, ...]


@cache
def default_signals() -> Signals:
    """The shipped signal lists (read once)."""
    raw = resources.files("kozaguard.phishing").joinpath("data/signals.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    return Signals(
        hosting=frozenset(data["hosting"]),
        dynamic_dns=frozenset(data["dynamic_dns"]),
        translation_proxy=frozenset(data["translation_proxy"]),
        cheap_tlds=frozenset(data["cheap_tlds"]),
        phishing_keywords=frozenset(data["phishing_keywords"]),
        affix_words=frozenset(data["affix_words"]),
        login_path_words=tuple(data["login_path_words"]),
        variant_words=tuple(data["variant_words"]),
        variant_tlds=tuple(data["variant_tlds"]),
    )


def trie_regex(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` shaped as a prefix tree, longest match first.

    Python's regex engine tries alternatives one by one; sharing prefixes makes a scan cost about
    the length of the text, not the number of words.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = []
        optional = "" in node
        for ch in sorted(k for k in node if k):
            branches.append(re.escape(ch) + emit(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if optional:
            return "(?:" + body + ")?"
        return body

    return "(?:" + emit(trie) + ")"


def token_scanner(words: Iterable[str]) -> Callable[[str], Iterator[tuple[int, str]]]:
    """``scan(text)``: every occurrence of ``words`` in ``text``, as ``(end index, word)``.

    An Aho-Corasick automaton (``pyahocorasick``): one pass in C over the text, whatever the number
    of words, where a regular expression tries the words at every position.

    >>> scan = token_scanner(["sbi", "sbisec"])
    >>> list(scan("my-sbisec")), next(scan("daiwa"), None)
    ([(5, 'sbi'), (8, 'sbisec')], None)
    """
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    if not len(automaton):
        return lambda text: iter(())
    automaton.make_automaton()
    return automaton.iter


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What a matched token means: which brand, how strong, and its plain spelling."""

    brand: str
    kind: str
    plain: str  # the token before look-alike folding


#: One typo target as a word of a given length meets it: ``(target, its length, edits allowed, close)``.
TypoEntry = tuple[str, int, int, bool]
#: Typo entries by pair of letters, then by word length.
TypoPlans = dict[str, tuple[tuple[TypoEntry, ...], ...]]


def typo_plans(targets: Iterable[str], pair_of: Callable[[str], str]) -> TypoPlans:
    """For each pair of letters, the typo targets it starts (or ends) with, worked out per word length.

    ``plans[pair][n]`` lists, in target order, the targets a word of ``n`` letters can be a typo of:
    ``close`` when the lengths differ by no more than the edits allowed (the whole word is compared),
    else the word is longer and can only be the target glued to affix words. A target longer than
    the word by more than the edits allowed is left out. The last plan serves every longer word.

    >>> plans = typo_plans(["sbisec"], lambda key: key[:2])
    >>> plans["sb"][6], plans["sb"][-1], plans["sb"][4]
    ((('sbisec', 6, 1, True),), (('sbisec', 6, 1, False),), ())
    """
    keys = sorted(targets)
    buckets: dict[str, list[str]] = {}
    for key in keys:
        buckets.setdefault(pair_of(key), []).append(key)
    longest = max((len(key) + edits_allowed(key) + 1 for key in keys), default=0)
    plans: TypoPlans = {}
    for pair, bucket in buckets.items():
        per_length = []
        for n in range(longest + 1):
            entries = []
            for key in bucket:
                m, k = len(key), edits_allowed(key)
                if abs(n - m) <= k:
                    entries.append((key, m, k, True))
                elif n > m + k:
                    entries.append((key, m, k, False))
            per_length.append(tuple(entries))
        plans[pair] = tuple(per_length)
    return plans


def edits_allowed(target: str) -> int:
    """Edits a typo may make in a target: two from :data:`LONG_TOKEN` letters on, else one."""
    return 2 if len(target) >= LONG_TOKEN else 1


@cache
def common_words() -> frozenset[str]:
    """Ordinary words and names (shipped with zxcvbn): one edit from a brand, yet not a typo of it."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    words: set[str] = set()
    for name in (
        "english_wikipedia",
        "us_tv_and_film",
        "surnames",
        "female_names",
        "male_names",
        "passwords",
    ):
        words.update(w for w in FREQUENCY_LISTS[name] if len(w) >= FUZZY_MIN_LEN_DOMAIN - 1)
    return frozenset(words)


class Lexicon:
    """Compiled look-up structures for a brand registry and a set of signals."""

    def __init__(self, registry: BrandRegistry, signals: Signals | None = None) -> None:
        self.registry = registry
        self.signals = signals or default_signals()
        self.brands: dict[str, Brand] = {b.id: b for b in registry}
        self._build_suffixes()
        self._build_tokens()
        self._build_embedded()
        self._build_fuzzy()
        self._build_japanese()
        self._build_paths()
        affixes = sorted(self.signals.affix_words | self.signals.phishing_keywords, key=len, reverse=True)
        self.affix_re = re.compile("(?:" + "|".join(map(re.escape, affixes)) + r"|\d)*")
        folded = sorted({skeleton(a) for a in affixes}, key=len, reverse=True)
        #: The same, for folded text (where "login" reads "iogin" and digits are letters).
        alt = "(?:" + "|".join(map(re.escape, folded)) + ")*"
        self.folded_affix_re = re.compile(alt)
        #: The folded affix words, for ``str.startswith``/``str.endswith`` (a text made of affix
        #: words starts and ends with one).
        self.folded_affixes = tuple(a for a in folded if a)

    # -- hosts that are official, or hosting of a known kind ------------------------------------
    def _build_suffixes(self) -> None:
        tags: dict[str, tuple[str, str]] = {}
        for kind, names in (
            ("abused_hosting", self.signals.hosting),
            ("dynamic_dns", self.signals.dynamic_dns),
            ("translation_proxy", self.signals.translation_proxy),
        ):
            for name in names:
                tags[name] = (kind, "")
        for brand in self.registry:
            for domain in brand.group_domains:
                tags.setdefault(domain, ("group", brand.id))
        for brand in self.registry:
            for domain in brand.domains:
                tags[domain] = ("official", brand.id)
        self.suffix_tags = tags

    # -- brand tokens -----------------------------------------------------------------------------
    def _build_tokens(self) -> None:
        info: dict[str, list[TokenInfo]] = {}

        def add(token: str, brand: str, kind: str) -> None:
            key = skeleton(token)
            if not key:
                return  # a token of separators only ("-") names nothing
            entries = info.setdefault(key, [])
            if not any(e.brand == brand and e.kind == kind for e in entries):
                entries.append(TokenInfo(brand, kind, token))

        self.domain_labels: dict[str, str] = {}
        self.loose_labels: dict[str, str] = {}
        for brand in self.registry:
            for token in brand.tokens:
                add(token, brand.id, STRONG)
            for token in brand.weak_tokens:
                add(token, brand.id, WEAK)
            for domain in brand.domains:
                reg, _ = registered_domain(domain)
                label = reg.split(".")[0].replace("-", "")
                self.domain_labels.setdefault(skeleton(label), brand.id)
                self.loose_labels.setdefault(loose_skeleton(skeleton(label)), brand.id)
                add(label, brand.id, DOMAIN_LABEL)
            for host in (*brand.hosts, *brand.domains):
                # "sbiseccojp": an official host with its dots and hyphens dropped.
                add(host.replace(".", "").replace("-", ""), brand.id, EMBEDDED)
        order = {STRONG: 0, EMBEDDED: 0, DOMAIN_LABEL: 1, WEAK: 2}
        self.token_info = {k: sorted(v, key=lambda e: order[e.kind]) for k, v in info.items()}
        self.token_re = re.compile(trie_regex(self.token_info))
        #: ``token_scan(text)`` iterates over the tokens in a folded, separator-free text, as
        #: ``(end index, token)``; ``next(token_scan(text), None)`` says in one pass in C whether
        #: there is any, the gate that rules out most hosts.
        self.token_scan = token_scanner(self.token_info)

    def token_hits(self, text: str) -> list[TokenInfo]:
        """Every brand token in a folded, hyphen-free text (for tests and tools)."""
        return [info for m in self.token_re.finditer(skeleton(text)) for info in self.token_info[m.group()]]

    # -- official hosts written into another host or a path ---------------------------------------
    def _build_embedded(self) -> None:
        names: dict[str, str] = {}
        for brand in self.registry:
            for host in (*brand.hosts, *brand.domains):
                names.setdefault(skeleton(host.replace("-", ".")), brand.id)
        self.embedded_names = names
        self.embedded_re = re.compile(r"(?<![a-z0-9])" + trie_regex(names) + r"(?![a-z])")

    # -- typos --------------------------------------------------------------------------------------
    def _build_fuzzy(self) -> None:
        targets: dict[str, list[TokenInfo]] = {}
        for key, infos in self.token_info.items():
            kinds = {i.kind for i in infos}
            long_strong = STRONG in kinds and len(key) >= FUZZY_MIN_LEN
            long_label = DOMAIN_LABEL in kinds and len(key) >= FUZZY_MIN_LEN_DOMAIN
            if not (long_strong or long_label):
                continue
            targets[key] = [i for i in infos if i.kind in (STRONG, DOMAIN_LABEL)]
        self.fuzzy_targets = targets
        #: Typo plans by the first (last) two letters of a word, then by its length: see
        #: :func:`typo_plans`.
        self.typo_by_prefix = typo_plans(targets, lambda key: key[:2])
        self.typo_by_suffix = typo_plans(targets, lambda key: key[-2:])
        self.fuzzy_min = min(len(k) for k in targets) - 1
        self.not_typos = {skeleton(w) for b in self.registry for w in b.not_typos}

    # -- Japanese brand names -------------------------------------------------------------------
    def _build_japanese(self) -> None:
        names: dict[str, str] = {}
        for brand in self.registry:
            for name in brand.japanese:
                names.setdefault(unicodedata.normalize("NFKC", name).lower(), brand.id)
        self.japanese = names
        self.japanese_re = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))

    # -- paths -------------------------------------------------------------------------------------
    def _build_paths(self) -> None:
        generic = {w.lower() for w in self.signals.login_path_words} | _GENERIC_PATH_WORDS
        paths: dict[str, str] = {}
        for brand in self.registry:
            for path in brand.login_paths:
                path = path.lower().rstrip("/")
                segments = [seg.split(".")[0] for seg in path.split("/") if seg]
                # "/login" names no broker; only paths with a segment of their own identify one.
                if all(seg in generic or len(seg) < 3 or seg.isdigit() for seg in segments):
                    continue
                paths.setdefault(path, brand.id)
        self.login_paths = paths
        #: Query parameter names of a brand's own login application (``_ActionID``): brand by name.
        self.login_params = {p.lower(): b.id for b in self.registry for p in b.login_params}
        self.login_path_re = re.compile(trie_regex(paths)) if paths else None
        words = sorted(self.signals.login_path_words, key=len, reverse=True)
        self.login_words_re = re.compile("|".join(map(re.escape, words)))


@cache
def default_lexicon() -> Lexicon:
    """The lexicon of the shipped brands and signals (built once)."""
    return Lexicon(default_registry())
