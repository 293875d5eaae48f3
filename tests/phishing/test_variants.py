"""Lookalike generation: every fuzzer, IDN in punycode, and a superset of dnstwist when installed."""

from __future__ import annotations

import pytest

from kozaguard.phishing.variants import FUZZERS, generate

BROKER_DOMAINS = ["sbisec.co.jp", "smbcnikko.co.jp", "rakuten-sec.co.jp", "daiwa.jp", "www.sc.mufg.jp"]


def test_every_fuzzer_produces_variants():
    found = {v.fuzzer for v in generate("mizuho-sc.com")}
    assert found == set(FUZZERS)


def test_idn_variants_are_punycode_with_unicode_form():
    idn = [v for v in generate("monex.com", ["homoglyph", "cyrillic"]) if v.domain.startswith("xn--")]
    assert idn
    assert all(v.unicode != v.domain and v.domain.isascii() for v in idn)


def test_jp_gets_no_latin_idn():
    assert all(v.domain.isascii() for v in generate("sbisec.co.jp", ["homoglyph"]))


def test_unknown_fuzzer_is_rejected():
    with pytest.raises(ValueError, match="unknown fuzzer"):
        generate("sbisec.co.jp", ["nope"])


@pytest.mark.parametrize("domain", BROKER_DOMAINS)
def test_superset_of_dnstwist(domain):
    dnstwist = pytest.importorskip("dnstwist")
    fuzzer = dnstwist.Fuzzer(domain)
    fuzzer.generate()
    theirs = {p["domain"] for p in fuzzer.domains if p["fuzzer"] != "*original"}
    ours = {v.domain for v in generate(domain)}
    assert theirs <= ours, sorted(theirs - ours)[:20]
