"""The checker on hand-picked URLs of each shape, and properties that must hold for any input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kozaguard.phishing import CheckResult, Verdict, check_url, default_checker
from kozaguard.phishing.brands import default_registry


@pytest.mark.parametrize(
    ("url", "brand", "reason"),
    [
        ("https://site4.sbisec.co.jp.k8s2xq.com/ETGate/", "sbisec", "official_host_embedded"),
        ("https://www-rakuten-sec-co-jp.q1w2e3.top/", "rakuten_sec", "official_host_embedded"),
        ("https://monex-login01.abcde.cn/", "monex", "weak_brand_token"),
        ("https://smbcnikko-secure.pages.dev/", "smbcnikko", "brand_token"),
        ("https://member-rakuten-sec.duckdns.org/", "rakuten_sec", "brand_token"),
        ("https://www-smbcnikko-co-jp.translate.goog/", "smbcnikko", "official_host_embedded"),
        ("https://xn--b-jtb0bzebf.co.jp/", "sbisec", "brand_homoglyph"),
        ("https://sbisecc.co.jp/", "sbisec", "brand_typosquat_domain"),
        ("https://x7k2m9.top/site1.sbisec.co.jp/ETGate/", "sbisec", "official_host_in_path"),
        ("https://www.sbisec.co.jp@evil.example/", "sbisec", "brand_in_userinfo"),
        ("https://楽天証券-login.com/", "rakuten_sec", "brand_japanese"),
        ("hxxps://nomura-co-jp[.]xyz/web/rmfIndexWebAction.do", "nomura", "official_host_embedded"),
    ],
)
def test_impersonation_shapes(url, brand, reason):
    result = check_url(url)
    assert result.verdict == Verdict.IMPERSONATION, result
    assert result.brand == brand
    assert reason in result.reasons


@pytest.mark.parametrize(
    "url",
    [
        "https://daiwahouse.co.jp/",  # "daiwa" glued to an ordinary word
        "https://www.mizuhofutures.com/",
        "https://kabutan.jp/stock/?code=7203",
        "https://onlinesecurity.com/",  # contains "linesec"
        "https://clicksecurity.com/",  # contains "clicksec"
        "https://nikko-hotels.com/",
        "https://money.co.jp/",  # one edit from "monex", but a word
        "https://www.mitsui.com/",  # one edit from "matsui", but another company
        "https://example.com/login",
    ],
)
def test_ordinary_domains_are_not_impersonation(url):
    assert check_url(url).verdict != Verdict.IMPERSONATION


def test_group_domains_are_official():
    result = check_url("https://www.rakuten.co.jp/")
    assert result.verdict == Verdict.OFFICIAL
    assert result.reasons == ("brand_group_domain",)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("not a url", "whitespace"),
        ("xn--zz.com", "invalid IDN"),
        ("a..com", "empty label"),
        ("mailto:x@example.com", "not a web URL"),
        ("localhost", "no dot"),
        ("999.1.1.1", "IPv4"),
    ],
)
def test_bad_input_is_an_error_not_a_crash(text, fragment):
    result = check_url(text)
    assert result.error is not None and fragment in result.error
    assert result.verdict == Verdict.UNKNOWN


def test_result_shape():
    result = check_url("https://sbisec-login.top/")
    assert isinstance(result, CheckResult)
    assert set(result.to_dict()) == {"url", "verdict", "brand", "score", "reasons"}
    assert 0.0 <= result.score < 1.0


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=120))
def test_random_junk_never_crashes(text):
    result = default_checker().check(text)
    assert result.verdict in set(Verdict)
    assert 0.0 <= result.score < 1.0


_OFFICIAL = sorted({h for b in default_registry() for h in (*b.hosts, *b.domains)})


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_OFFICIAL),
    st.lists(st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True), max_size=3),
    st.sampled_from(["", "/", "/login", "/ETGate/?x=1", "/%E3%83%AD%E3%82%B0%E3%82%A4%E3%83%B3"]),
    st.sampled_from(["https://", "http://", ""]),
)
def test_every_official_host_is_official(host, subdomains, path, scheme):
    url = scheme + ".".join([*subdomains, host]) + path
    assert check_url(url).verdict == Verdict.OFFICIAL, url
