"""Saved pages: the brand a kit's page shows, and a password form that posts elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kozaguard.entrypoints.api.phishing import router
from kozaguard.entrypoints.cli import app
from kozaguard.phishing import Verdict
from kozaguard.phishing.pages import PageReader, read_page

PAGES = Path(__file__).parent / "data" / "pages"
runner = CliRunner()


def test_read_page_collects_title_text_alts_forms():
    page = read_page((PAGES / "sbi_kit.html").read_text("utf-8"), "https://a8d7f6.top/login/")
    assert page.title == "SBI証券｜ログイン"
    assert page.alts == ["SBI証券"] and page.password
    assert page.forms == [("https://api.qx7k2m.top/post.php", True)]
    assert "https://a8d7f6.top/js/jquery.min.js" in page.resources
    assert not any("loading" in t for t in page.text)  # scripts are not visible text


@pytest.mark.parametrize(
    ("page", "url", "brand", "reason"),
    [
        ("sbi_kit.html", "https://a8d7f6.top/", "sbisec", "form_posts_elsewhere"),
        ("rakuten_kit.html", "https://b7q2w9.com/r/", "rakuten_sec", "page_logo_alt"),
        ("monex_kit_latin.html", "https://k2j4h1.cn/", "monex", "page_title_brand"),
    ],
)
def test_kit_pages_name_their_brand(page, url, brand, reason):
    result = PageReader().check(url, (PAGES / page).read_text("utf-8"))
    assert result.verdict == Verdict.IMPERSONATION, result
    assert result.brand == brand and reason in result.reasons


def test_a_page_about_a_broker_without_a_password_form_is_not_impersonation():
    result = PageReader().check(
        "https://money-blog.example.jp/sbi", (PAGES / "news_article.html").read_text()
    )
    assert result.verdict != Verdict.IMPERSONATION


def test_an_unrelated_login_page_names_no_brand():
    result = PageReader().check("https://okome-shop.example.jp/", (PAGES / "shop_login.html").read_text())
    assert result.brand is None and result.verdict == Verdict.UNKNOWN


def test_the_official_site_stays_official_whatever_the_page():
    result = PageReader().check("https://www.sbisec.co.jp/ETGate/", (PAGES / "sbi_kit.html").read_text())
    assert result.verdict == Verdict.OFFICIAL


def test_broken_html_never_raises():
    result = PageReader().check("https://x.example/", "<html><form><input type=password><title>SBI証券")
    assert result.error is None


def test_cli_check_html(tmp_path):
    result = runner.invoke(
        app, ["phishing", "check", "--html", str(PAGES / "sbi_kit.html"), "https://a8d7f6.top/"]
    )
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    assert row["verdict"] == "impersonation" and row["brand"] == "sbisec"
    missing = runner.invoke(
        app, ["phishing", "check", "--html", str(tmp_path / "nope.html"), "https://x.top/"]
    )
    assert missing.exit_code == 2 and "nope.html" in missing.stderr
    two = runner.invoke(
        app, ["phishing", "check", "--html", str(PAGES / "sbi_kit.html"), "https://a.top/", "https://b.top/"]
    )
    assert two.exit_code == 2 and "one URL" in two.stderr


def test_api_page():
    client = TestClient(FastAPI())
    client.app.include_router(router)
    html = (PAGES / "rakuten_kit.html").read_text("utf-8")
    response = client.post("/phishing/page", json={"url": "https://b7q2w9.com/r/", "html": html})
    assert response.status_code == 200
    assert response.json()["brand"] == "rakuten_sec"
    assert client.post("/phishing/page", json={"url": "https://b7q2w9.com/"}).status_code == 422
