"""Each evidence finder on its own: what it adds to a fresh reading, and what it leaves alone."""

from __future__ import annotations

import pytest

from kozaguard.phishing import reasons as R
from kozaguard.phishing.checker import Checker
from kozaguard.phishing.finders import HOST_FINDERS, MODULES, PATH_FINDERS, URL_FINDERS
from kozaguard.phishing.finders.reading import UrlReading
from kozaguard.phishing.lexicon import default_lexicon
from kozaguard.phishing.reader import Reader
from kozaguard.phishing.url import parse_url

READER = Reader(default_lexicon())


def host_found(name: str, host: str, before: tuple[str, ...] = ()) -> tuple[dict, list, str | None]:
    """Run ``before`` then finder ``name`` on a fresh reading of ``host``; what ``name`` added."""
    r = READER.host_reading(parse_url(host))
    for other in before:
        HOST_FINDERS[other](r)
    ev0 = {k: list(v) for k, v in r.evidence.items()}
    ctx0 = list(r.context)
    HOST_FINDERS[name](r)
    # Codes once each, as the scorer counts them.
    added = {k: list(dict.fromkeys(v[len(ev0.get(k, [])) :])) for k, v in r.evidence.items()}
    added = {k: v for k, v in added.items() if v}
    return added, r.context[len(ctx0) :], r.official


def path_found(name: str, path: str, userinfo: str = "") -> tuple[dict, list]:
    r = READER.path_reading(path, userinfo)
    if name == "page_name":
        PATH_FINDERS["path_brand"](r)  # it reads what the path-brand finder found
    ev0 = {k: len(v) for k, v in r.evidence.items()}
    ctx0 = len(r.context)
    PATH_FINDERS[name](r)
    added = {k: list(dict.fromkeys(v[ev0.get(k, 0) :])) for k, v in r.evidence.items()}
    return {k: v for k, v in added.items() if v}, r.context[ctx0:]


# (finder, host, expected evidence, expected context), each finder with a hit and a miss.
HOST_CASES = [
    ("listed_domains", "foo.pages.dev", {}, [R.ABUSED_HOSTING]),
    ("listed_domains", "x.duckdns.org", {}, [R.DYNAMIC_DNS]),
    ("listed_domains", "example.com", {}, []),
    ("cheap_tld", "abc.top", {}, [R.CHEAP_TLD]),
    ("cheap_tld", "abc.com", {}, []),
    ("punycode", "xn--80ak6aa92e.com", {}, [R.PUNYCODE_HOST]),
    ("punycode", "xn--sbi-ti4c.com", {}, [R.PUNYCODE_HOST, R.MIXED_SCRIPT]),
    ("punycode", "sbi.com", {}, []),
    ("deep_subdomain", "a.b.c.d.example.com", {}, [R.DEEP_SUBDOMAIN]),
    ("deep_subdomain", "a.b.c.example.com", {}, []),
    ("brand_tokens", "sbisec-login.example.top", {"sbisec": [R.BRAND_TOKEN]}, []),
    ("brand_tokens", "www-rakuten.x7k2.cn", {"rakuten_sec": [R.WEAK_BRAND_TOKEN]}, []),
    ("brand_tokens", "daiwa.top", {"daiwa": [R.BRAND_DOMAIN_LABEL]}, []),
    ("brand_tokens", "sakura.example.com", {}, []),
    ("official_host", "www-sbisec-co-jp.abc.top", {"sbisec": [R.OFFICIAL_HOST_EMBEDDED]}, []),
    ("official_host", "site1.sbisec.co.jp.example.com", {"sbisec": [R.OFFICIAL_HOST_EMBEDDED]}, []),
    ("official_host", "kyoto-daiwa.jp", {}, []),
    ("lookalike_label", "nonnur4.com", {"nomura": [R.BRAND_HOMOGLYPH]}, []),
    ("lookalike_label", "nomads.com", {}, []),
    ("typos", "sbiseec.com", {"sbisec": [R.BRAND_TYPOSQUAT_DOMAIN]}, []),
    ("typos", "login.sbiseec-jp.com", {"sbisec": [R.BRAND_TYPO]}, []),
    ("typos", "likesec.com", {}, []),
    ("glued_brand", "www.sbiab.top", {"sbisec": [R.BRAND_GLUED_LABEL]}, []),
    ("glued_brand", "cheap-gmoksn.cfd", {"gmo_click": [R.BRAND_GLUED_LABEL]}, []),
    ("glued_brand", "www.sbiab.com", {}, []),  # not a cheap place
    ("glued_brand", "sbijp.top", {}, []),  # an affix word, read by the brand-token finder
    ("kit_host", "luckyactivitypage.mk48o.com", {}, [R.KIT_HOST_SHAPE]),
    ("kit_host", "biotransformatio.bgw84.com", {}, [R.KIT_HOST_SHAPE]),
    ("kit_host", "documentation.example.com", {}, []),  # an ordinary registered label
    ("kit_host", "www.mk48o.com", {}, []),  # a short subdomain
    ("kit_host", "a.luckyactivitypage.mk48o.com", {}, []),  # not the only subdomain
    ("japanese_name", "xn--sbi-7k2et47w.com", {"sbisec": [R.BRAND_JAPANESE]}, []),
    ("japanese_name", "xn--80ak6aa92e.com", {}, []),
    ("phishing_words", "sbisec-login.example.com", {}, [R.PHISHING_KEYWORD]),
    ("phishing_words", "login.example.com", {}, []),  # nothing else found: the word alone flags no one
    ("numbered_label", "sbisec01.example.com", {}, [R.NUMBERED_LABEL]),
    ("numbered_label", "sbisec.example.com", {}, []),
    ("random_label", "xk2j9q7.com", {}, [R.RANDOM_LABEL]),
    ("random_label", "sakura.com", {}, []),
]
#: Finders that read what earlier ones found, with what runs before them in the cases above.
BEFORE = {
    "glued_brand": ("listed_domains", "cheap_tld"),
    "phishing_words": ("brand_tokens",),
    "numbered_label": ("brand_tokens",),
}


@pytest.mark.parametrize(("name", "host", "evidence", "context"), HOST_CASES)
def test_host_finder(name, host, evidence, context):
    added, ctx, _ = host_found(name, host, BEFORE.get(name, ()))
    assert (added, ctx) == (evidence, context)


def test_official_hosts_stop_the_reading():
    _, _, official = host_found("listed_domains", "site1.sbisec.co.jp")
    assert official == R.OFFICIAL_DOMAIN
    assert READER.read_host(parse_url("site1.sbisec.co.jp")).evidence == {}


def test_fuzzy_finders_wait_for_exact_ones():
    """A host whose brand is spelt out strongly is not read for typos or look-alike labels."""
    added, _, _ = host_found("typos", "sbisec-sbiseec.com", ("brand_tokens", "official_host"))
    assert added == {}


PATH_CASES = [
    ("userinfo", "/", "www.sbisec.co.jp", {"sbisec": [R.BRAND_IN_USERINFO]}, [R.USERINFO_IN_URL]),
    ("userinfo", "/", "", {}, []),
    ("login_path", "/ETGate/", "", {"sbisec": [R.BRAND_LOGIN_PATH]}, []),
    ("login_path", "/etgatexyz", "", {}, []),
    ("query_params", "/?_ActionID=login", "", {"sbisec": [R.BRAND_QUERY_PARAM]}, []),
    ("query_params", "/?sbisecjapan=1", "", {"sbisec": [R.BRAND_QUERY_PARAM]}, []),
    ("query_params", "/?q=kabu", "", {}, []),
    ("path_brand", "/www.sbisec.co.jp/login", "", {"sbisec": [R.OFFICIAL_HOST_IN_PATH, R.BRAND_IN_PATH]}, []),
    ("path_brand", "/news/2025/06/article", "", {}, []),
    ("page_name", "/sbisec.html", "", {}, [R.BRAND_PAGE_NAME]),
    ("page_name", "/sbisec/login", "", {}, []),
    ("suffix_fragment", "/co.jp.login/", "", {}, [R.OFFICIAL_SUFFIX_FRAGMENT]),
    ("suffix_fragment", "/cojpx", "", {}, []),
    ("path_japanese", "/%E6%A5%BD%E5%A4%A9%E8%A8%BC%E5%88%B8/", "", {"rakuten_sec": [R.BRAND_IN_PATH]}, []),
    ("path_japanese", "/%E3%81%82/", "", {}, []),
    ("login_words", "/signin", "", {}, [R.LOGIN_PATH_WORDS]),
    ("login_words", "/news", "", {}, []),
]


@pytest.mark.parametrize(("name", "path", "userinfo", "evidence", "context"), PATH_CASES)
def test_path_finder(name, path, userinfo, evidence, context):
    assert path_found(name, path, userinfo) == (evidence, context)


@pytest.mark.parametrize(
    ("path", "context", "expected"),
    [
        ("/xjwyg", [R.CHEAP_TLD], [R.SMS_LURE_SHAPE]),
        ("/4WzBg4/#/", [R.RANDOM_LABEL], [R.SMS_LURE_SHAPE]),
        ("/xjwyg", [], []),  # an ordinary place: a short path is just a page
        ("/about", [R.CHEAP_TLD], []),  # a page name, not a token
        ("/a/b/c", [R.CHEAP_TLD], []),
    ],
)
def test_sms_lure(path, context, expected):
    u = UrlReading(READER.lexicon, path, {}, list(context), READER.is_word)
    URL_FINDERS["sms_lure"](u)
    assert u.context[len(context) :] == expected


@pytest.mark.parametrize(
    ("path", "context", "expected"),
    [
        ("/sbiuen", [R.SMS_LURE_SHAPE], {"sbisec": [R.BRAND_IN_PATH]}),
        ("/Hsffgsbi/", [R.SMS_LURE_SHAPE], {"sbisec": [R.BRAND_IN_PATH]}),
        ("/xk2wq", [R.SMS_LURE_SHAPE], {}),
        ("/sbiuen", [R.CHEAP_TLD], {}),  # not a lure's shape
    ],
)
def test_sms_brand(path, context, expected):
    u = UrlReading(READER.lexicon, path, {}, list(context), READER.is_word)
    URL_FINDERS["sms_brand"](u)
    assert u.evidence == expected


def test_url_finders_leave_the_hosts_findings_alone():
    """What a URL finder adds belongs to that URL: hosts that share findings are not touched."""
    checker = Checker()
    assert checker.check("https://qzkvw.top/sbiuen").brand == "sbisec"
    assert checker.check("https://qzkvw.top/").verdict == "unknown"
    assert checker.check("https://mxqwz.top/").brand is None


def test_every_finder_is_registered_tested_and_adds_only_its_codes():
    tested = {c[0] for c in HOST_CASES} | {c[0] for c in PATH_CASES} | {"sms_lure", "sms_brand"}
    registered = set(HOST_FINDERS) | set(PATH_FINDERS) | set(URL_FINDERS)
    assert registered == set(MODULES) == tested
    for name, _, evidence, context in HOST_CASES:
        codes = {c for v in evidence.values() for c in v} | set(context)
        assert codes <= set(MODULES[name].CODES), name
    for name, _, _, evidence, context in PATH_CASES:
        codes = {c for v in evidence.values() for c in v} | set(context)
        assert codes <= set(MODULES[name].CODES), name
    assert all(set(m.CODES) <= set(R.WEIGHTS) for m in MODULES.values())
