"""A labelled set of phishing URLs per pattern and brand, built the way phishing kits build them.

Each sample is ``(pattern, brand id, url)``. The patterns follow what is seen in the wild against
Japanese brokers (brand or whole official hostname in a subdomain of a throw-away domain, numbered
and misspelled tokens, free hosting, dynamic DNS, translation proxies, brand only in the path,
copied login paths, Japanese names in IDN hosts) plus every dnstwist-style fuzzer applied to the
brand's domain. Random parts come from a seeded generator, so the set is the same on every run.
"""

from __future__ import annotations

import random
import string

from kozaguard.phishing.brands import default_registry
from kozaguard.phishing.lexicon import default_lexicon, default_signals
from kozaguard.phishing.url import registered_domain
from kozaguard.phishing.variants import FUZZERS, generate

THROWAWAY_TLDS = (
    "com",
    "net",
    "top",
    "xyz",
    "cn",
    "shop",
    "icu",
    "cyou",
    "sbs",
    "online",
    "vip",
    "info",
    "jp",
)
HOSTING = (
    "pages.dev",
    "workers.dev",
    "github.io",
    "netlify.app",
    "vercel.app",
    "web.app",
    "firebaseapp.com",
    "azurewebsites.net",
)
DYNAMIC = ("duckdns.org", "no-ip.org", "ddns.net", "hopto.org", "mydns.jp")
WORDS = ("login", "secure", "account", "verify", "member", "support", "auth", "mypage", "web", "jp")
#: Typo fuzzers need a label long enough that one edit is not just another real word.
MIN_LABEL_FOR_TYPOS = 5


def _random_label(rng: random.Random, n: int | None = None) -> str:
    n = n or rng.randint(5, 10)
    alphabet = string.ascii_lowercase + string.digits
    return rng.choice(string.ascii_lowercase) + "".join(rng.choice(alphabet) for _ in range(n - 1))


def _typo(rng: random.Random, token: str) -> str:
    i = rng.randrange(1, len(token) - 1)
    kind = rng.choice(("swap", "drop", "double", "replace"))
    if kind == "swap":
        return token[:i] + token[i + 1] + token[i] + token[i + 2 :]
    if kind == "drop":
        return token[:i] + token[i + 1 :]
    if kind == "double":
        return token[:i] + token[i] + token[i:]
    return token[:i] + rng.choice("aeiou") + token[i + 1 :]


def primary_token(brand) -> str:
    """The brand's most recognisable Latin token (its first strong token, else its domain label)."""
    return brand.tokens[0] if brand.tokens else brand.domain_labels[0]


def _slip(rng: random.Random, token: str) -> str:
    """A Latin spelling slip of the kind kits make: ``l`` for ``i``, a doubled or dropped letter, a
    hyphen inside the name."""
    kinds = ["double", "drop", "hyphen"] + (["l_for_i"] if "i" in token[1:] else [])
    kind = rng.choice(kinds)
    i = rng.randrange(1, len(token) - 1)
    if kind == "l_for_i":
        j = token.index("i", 1)
        return token[:j] + "l" + token[j + 1 :]
    if kind == "double":
        return token[:i] + token[i] + token[i:]
    if kind == "drop":
        return token[:i] + token[i + 1 :]
    return token[:i] + "-" + token[i:]


#: Ordinary words a kit strings together into a host label.
PHRASE_WORDS = (
    "lucky",
    "activity",
    "page",
    "from",
    "special",
    "event",
    "you",
    "support",
    "during",
    "times",
    "change",
)
SMS_TLDS = ("cfd", "top", "icu", "cn", "sbs", "xyz", "shop", "cyou", "bond", "tokyo")


def _sms_path(rng: random.Random) -> str:
    n = rng.randint(4, 7)
    alphabet = string.ascii_letters + string.digits
    token = "".join(rng.choice(alphabet) for _ in range(n))
    return rng.choice([f"/{token}", f"/{token}/", f"/{token}/#/"])


def _kit_patterns(rng, brand, token, host, tld, rnd, word, login_paths) -> list[tuple[str, str, str]]:
    """The shapes of real broker phishing described in the issue on real URLs (written from that
    description: brand in hyphen-parts, official labels spread out, slips, copied login paths and
    parameters, free hosting with random names)."""
    any_token = rng.choice((*brand.tokens, *brand.weak_tokens) or (token,))
    domain = brand.domains[0]
    label = registered_domain(domain)[0].split(".")[0]
    own_paths = [p for p in brand.login_paths if p.lower().rstrip("/") in default_lexicon().login_paths]
    login = rng.choice(own_paths or login_paths)
    word2 = rng.choice(WORDS)
    rnd2 = _random_label(rng)
    maybe_login = rng.choice(["/", login])
    out = [
        ("hyphen_part_brand", brand.id, f"https://{any_token}-{word}.{rnd}.com{maybe_login}"),
        ("hyphen_part_www", brand.id, f"https://www-{any_token}.{rnd}.cn{maybe_login}"),
        ("hyphen_part_middle", brand.id, f"https://{word}-{any_token}-{word2}.{rnd}.top{maybe_login}"),
        ("brand_label_login_path", brand.id, f"https://{any_token}.{rnd}.{tld}{login}"),
        ("official_domain_dashed", brand.id, f"https://{domain.replace('.', '-')}.{rnd}.com/"),
        (
            "digits_host_official_path",
            brand.id,
            f"https://{rng.randint(10, 99999)}.{rng.randint(10, 9999)}.cc/{domain}",
        ),
        ("brand_query_param", brand.id, f"https://{rnd}.com/{rnd2}.html?{token}japan=login"),
        (
            "hosting_random_subdomain",
            brand.id,
            f"https://{rnd}-{rnd2[:5]}.{rnd2}.{rng.choice(HOSTING)}/{host}{login}",
        ),
        (
            "translation_proxy_path",
            brand.id,
            f"https://{rnd}.{rnd2}.workers.dev/{host}?_x_tr_sch=http&_x_tr_sl={label}&_x_tr_tl=ja",
        ),
        ("storage_page", brand.id, f"https://storage.googleapis.com/{rnd}/{token}/index.html"),
        ("sms_lure", "", f"https://{rnd}.{rng.choice(SMS_TLDS)}{_sms_path(rng)}"),
    ]
    # Patterns added later draw from their own generator: the samples above stay as they were.
    later = random.Random(f"{brand.id}:{rnd}")
    # A throw-away series: a brand word with two or three letters glued on, on a cheap TLD.
    glue = "".join(later.choice(string.ascii_lowercase) for _ in range(later.randint(2, 3)))
    short = later.choice(
        [t for t in (*brand.weak_tokens, *brand.tokens, label) if 3 <= len(t) <= 8] or [label]
    )
    out.append(("glued_series", brand.id, f"https://www.{short}{glue}.{later.choice(SMS_TLDS)}/login/"))
    # An SMS lure whose one path token opens or closes with the brand word.
    lure = "".join(later.choice(string.ascii_lowercase) for _ in range(later.randint(3, 4)))
    word_in_link = short.replace("-", "")  # a lure's link token has letters and digits only
    piece = f"{word_in_link}{lure}" if later.random() < 0.5 else f"{lure}{word_in_link}"
    out.append(("sms_brand_token", brand.id, f"https://{rnd}.{later.choice(SMS_TLDS)}/{piece}"))
    if brand.tokens:
        # A kit's page named after the brand on a compromised site whose host names nothing.
        page = later.choice(("", ".html", ".php", "/"))
        out.append(("brand_page_name", brand.id, f"https://{rnd}{word2}.com/{brand.tokens[0]}{page}"))
    # A kit's host: a run of ordinary words (cut at sixteen letters, some kits do) over a short
    # registered label of letters and digits; it names no brand.
    phrase = "".join(later.choice(PHRASE_WORDS) for _ in range(later.randint(3, 5)))
    phrase = phrase[:16] if later.random() < 0.5 else phrase
    code = later.choice(string.ascii_lowercase) + "".join(later.choice(string.digits) for _ in range(2))
    code += "".join(later.choice(string.ascii_lowercase + string.digits) for _ in range(later.randint(1, 3)))
    out.append(("kit_host_shape", "", f"https://{phrase}.{code}.com{later.choice(('', '/', '/#/'))}"))
    if own_paths:
        # Only a login path of the brand's own names the brand ("/login" names no one).
        out += [
            ("co_jp_in_path", brand.id, f"https://{rnd}.{tld}/co.jp{login}"),
            ("login_path_unrelated_host", brand.id, f"https://{rnd}.{tld}{login}?{word}={rnd2}"),
        ]
    if len(token) >= 6:
        # Slips in shorter names make other words; the checker reads typos from six letters on.
        out += [
            ("latin_slip", brand.id, f"https://{_slip(rng, token)}.{rnd}.{tld}/"),
            ("latin_slip_word", brand.id, f"https://{_slip(rng, token)}-{word}.{rnd}.{tld}/"),
        ]
    return out


def labelled_samples(per_pattern: int = 6, seed: int = 2025) -> list[tuple[str, str, str]]:
    """``(pattern, brand, url)`` for every pattern and brand in the shipped registry."""
    rng = random.Random(seed)
    signals = default_signals()
    out: list[tuple[str, str, str]] = []
    for brand in default_registry():
        token = primary_token(brand)
        login_paths = [p for p in brand.login_paths if len(p) > 6] or ["/login"]
        for _ in range(per_pattern):
            host = rng.choice(brand.hosts)
            dashed = host.replace(".", "-")
            tld = rng.choice(THROWAWAY_TLDS)
            rnd = _random_label(rng)
            word = rng.choice(WORDS)
            n = rng.randint(1, 99)
            out += [
                ("official_host_prefix", brand.id, f"https://{host}.{rnd}.{tld}/"),
                ("hyphenated_official_host", brand.id, f"https://{dashed}.{rnd}.{tld}/"),
                ("hyphenated_host_as_domain", brand.id, f"https://{dashed}-{word}.{tld}/"),
                ("brand_login_numbered", brand.id, f"https://{token}-{word}{n:02d}.{rnd}.{tld}/"),
                ("brand_subdomain", brand.id, f"https://{token}.{rnd}.{tld}/"),
                ("misspelled_brand", brand.id, f"https://{_typo(rng, token)}-{word}.{rnd}.{tld}/"),
                ("abused_hosting", brand.id, f"https://{token}-{word}.{rng.choice(HOSTING)}/"),
                (
                    "dynamic_dns",
                    brand.id,
                    f"https://{token}{rng.choice(['', '-'])}{word}.{rng.choice(DYNAMIC)}/",
                ),
                ("translation_proxy", brand.id, f"https://{dashed}.translate.goog/"),
                ("brand_in_path", brand.id, f"https://{rnd}.{tld}/{token}/{word}"),
                ("official_host_in_path", brand.id, f"https://{rnd}.{tld}/{host}/{word}/"),
                ("copied_login_path", brand.id, f"https://{rnd}.{tld}/{token}{rng.choice(login_paths)}"),
            ]
            out += _kit_patterns(rng, brand, token, host, tld, rnd, word, login_paths)
            japanese = [n for n in brand.japanese if " " not in n]
            if japanese:
                jp = rng.choice(japanese)
                out.append(
                    ("japanese_idn", brand.id, f"https://{jp}-{word}.{rng.choice(['com', 'net', 'top'])}/")
                )
        label = registered_domain(brand.domains[0])[0].split(".")[0]
        if len(label.replace("-", "")) < MIN_LABEL_FOR_TYPOS:
            continue
        variants = generate(brand.domains[0], words=signals.variant_words, tlds=signals.variant_tlds)
        by_fuzzer: dict[str, list[str]] = {}
        for v in variants:
            by_fuzzer.setdefault(v.fuzzer, []).append(v.domain)
        for fuzzer in FUZZERS:
            domains = by_fuzzer.get(fuzzer, [])
            for domain in rng.sample(domains, min(len(domains), per_pattern * 2)):
                out.append((f"fuzzer:{fuzzer}", brand.id, f"https://{domain}/"))
    return out


def official_urls(seed: int = 7) -> list[tuple[str, str]]:
    """``(brand, url)`` for every official host of every brand, with and without paths."""
    rng = random.Random(seed)
    out = []
    for brand in default_registry():
        for host in (*brand.hosts, *brand.domains):
            out.append((brand.id, f"https://{host}/"))
            for path in brand.login_paths:
                out.append((brand.id, f"https://{host}{path}"))
            out.append((brand.id, f"https://{_random_label(rng)}.{brand.domains[0]}/login?next=/"))
    return out


def _kit_token(rng: random.Random) -> str:
    """A kit's random path token: letters and digits mixed, as kits generate them."""
    alphabet = string.ascii_letters + string.digits
    while True:
        token = "".join(rng.choice(alphabet) for _ in range(rng.randint(5, 8)))
        if any(c.isdigit() for c in token) and sum(c.isalpha() for c in token) >= 2:
            return token


#: Query names kits use; each kit takes three, in its own order.
KIT_PARAMS = ["sid", "acct", "lang", "ref", "k", "uid", "tx", "cid", "mode", "page"]


def campaign_streams(followers: int = 8, seed: int = 14) -> list[tuple[str, str, str]]:
    """Campaigns as a feed shows them, in order: one URL that names the brand, then URLs of the same
    kit that name nothing (random subdomains of its registered domain; its query template on new
    domains; its random path token on new domains). Streams of different brands are interleaved."""
    rng = random.Random(seed)
    streams: list[list[tuple[str, str, str]]] = []
    for brand in default_registry():
        token = primary_token(brand)
        word = rng.choice(WORDS)
        domain = f"{_random_label(rng)}.{rng.choice(THROWAWAY_TLDS)}"
        stream = [("campaign_domain", brand.id, f"https://{token}-{word}.{domain}/")]
        stream += [
            ("campaign_domain", brand.id, f"https://{_random_label(rng)}.{domain}/") for _ in range(followers)
        ]
        streams.append(stream)
        query = "&".join(f"{name}={{{i}}}" for i, name in enumerate(rng.sample(KIT_PARAMS, 3)))

        def kit_url(host: str, query: str = query) -> str:
            values = [_kit_token(rng) for _ in range(4)]
            return f"https://{host}/{_kit_token(rng)}/{_kit_token(rng)}.php?" + query.format(*values)

        first = f"{token}-jp.{_random_label(rng)}.{rng.choice(THROWAWAY_TLDS)}"
        stream = [("campaign_kit", brand.id, kit_url(first))]
        stream += [
            ("campaign_kit", brand.id, kit_url(f"{_random_label(rng)}.{rng.choice(THROWAWAY_TLDS)}"))
            for _ in range(followers)
        ]
        streams.append(stream)
        path_token = _kit_token(rng)
        stream = [
            ("campaign_path_token", brand.id, f"https://{token}.{_random_label(rng)}.top/{path_token}/")
        ]
        stream += [
            (
                "campaign_path_token",
                brand.id,
                f"https://{_random_label(rng)}.{rng.choice(SMS_TLDS)}/{path_token}/",
            )
            for _ in range(followers)
        ]
        streams.append(stream)
    out: list[tuple[str, str, str]] = []
    while streams:
        stream = rng.choice(streams)
        out.append(stream.pop(0))
        if not stream:
            streams.remove(stream)
    return out
