"""The shipped brand registry is sound, and every reason code is documented."""

from __future__ import annotations

from pathlib import Path

from kozaguard.phishing import reasons
from kozaguard.phishing.brands import default_registry

DOC = Path(__file__).parents[2] / "docs" / "phishing.md"
TEN_FIRMS = {
    "smbcnikko": "smbcnikko.co.jp",
    "sbisec": "sbisec.co.jp",
    "daiwa": "daiwa.jp",
    "nomura": "nomura.co.jp",
    "matsui": "matsui.co.jp",
    "monex": "monex.co.jp",
    "mizuho": "mizuho-sc.com",
    "mufg_esmart": "kabu.com",
    "mumss": "sc.mufg.jp",
    "rakuten_sec": "rakuten-sec.co.jp",
}


def test_ten_firms_present_with_official_domains():
    registry = default_registry()
    for brand_id, domain in TEN_FIRMS.items():
        assert domain in registry.get(brand_id).domains
    assert len(registry) >= 20


def test_every_brand_has_login_host_and_japanese_name():
    for brand in default_registry():
        assert brand.hosts and brand.japanese, brand.id
        assert all(brand.is_official(h) for h in brand.hosts)


def test_every_reason_code_is_documented():
    text = DOC.read_text("utf-8")
    codes = [v for k, v in vars(reasons).items() if k.isupper() and isinstance(v, str)]
    assert codes
    for code in codes:
        assert f"`{code}`" in text, code
