"""The customer's letter: Japanese, with the trades, the breakdown, the policy's reasoning and the amount."""

from __future__ import annotations

import re

import pytest
from casekit import WORKED, kozaguard, ok


@pytest.fixture
def db(tmp_path):
    spec = f"sqlite:{tmp_path / 'c.db'}"
    ok("cases", "build", "--events", str(WORKED), "--db", spec)
    return spec


def test_html_letter_has_the_breakdown_and_the_reasoning(db, tmp_path):
    ok(
        "cases",
        "propose",
        "C000001",
        "--db",
        db,
        "--policy",
        "sbi-rakuten-2025",
        "--reduction",
        "mfa_refused=ログイン追加認証のご案内を2回お断りいただいた記録がある <b>",
        staff="alice",
    )
    out = tmp_path / "letter.html"
    ok("cases", "letter", "C000001", "--db", db, "-o", str(out))
    html = out.read_text(encoding="utf-8")
    assert '<html lang="ja">' in html
    for text in (
        "不正アクセスによる被害の補償について",
        "口座番号 K1 のお客様",
        "1,601,500円",
        "151,000円",
        "1,752,500円",
        "買付損失の50%・手数料全額・一律1万円",
        "2025年4月30日",
        "売却",
        "買付",
        "20,000",
    ):
        assert text in html, text
    assert "812,500円" in html  # before the reduction
    assert "406,250円" in html  # after 50% off for MFA refused
    assert "多要素認証の設定をご案内した際にご利用いただけなかったこと" in html
    assert "&lt;b&gt;" in html and "<b>" not in html  # staff text is escaped
    assert not re.search(r"https?://", html)  # never a link in what the customer receives


def test_restore_in_kind_letter_lists_the_shares(db, tmp_path):
    ok("cases", "propose", "C000001", "--db", db, "--policy", "restore", "--settle", "in_kind", staff="alice")
    out = tmp_path / "letter.html"
    ok("cases", "letter", "C000001", "--db", db, "-o", str(out))
    html = out.read_text(encoding="utf-8")
    assert "A 1,000株をお戻し" in html and "X 20,000株" in html and "現金147,500円をお預かり" in html


def test_pdf_letter_embeds_the_japanese_font(db, tmp_path):
    out = tmp_path / "letter.pdf"
    ok("cases", "letter", "C000001", "--db", db, "-o", str(out), "--policy", "matsui-2025")
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert b"IPAexGothic" in pdf and b"/FontFile2" in pdf
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 1


def test_letter_without_a_policy_or_a_proposal_says_what_to_do(db, tmp_path):
    r = kozaguard("cases", "letter", "C000001", "--db", db, "-o", str(tmp_path / "x.html"))
    assert r.exit_code == 2 and "--policy" in r.stderr
