"""The HTTP router, through FastAPI's TestClient."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from kozaguard.entrypoints.api.phishing import router


def make_client() -> TestClient:
    app = FastAPI()
    app.include_router(router)
    return TestClient(app)


def test_post_batch_keeps_order_and_reports_errors():
    response = make_client().post(
        "/phishing/check", json={"urls": ["https://sbisec-login.top/", "https://www.sbisec.co.jp/", ""]}
    )
    assert response.status_code == 200
    body = response.json()
    assert [r["verdict"] for r in body] == ["impersonation", "official", "unknown"]
    assert body[0]["brand"] == "sbisec" and "brand_token" in body[0]["reasons"]
    assert "error" in body[2] and "error" not in body[0]


def test_get_one():
    response = make_client().get("/phishing/check", params={"url": "https://www-smbcnikko-co-jp.abc.top/"})
    assert response.status_code == 200
    assert response.json()["verdict"] == "impersonation"


def test_get_without_url_is_422():
    assert make_client().get("/phishing/check").status_code == 422
