"""HTTP door to the URL checker: ``POST /phishing/check`` and ``GET /phishing/check?url=``.

The main app includes :data:`router`; both routes call the same pure checker as the CLI and the
engine. A URL that cannot be read comes back as a result with an ``error`` field, not as an HTTP
error, so that one bad URL in a batch does not hide the verdicts on the others.
"""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from kozaguard.phishing.campaigns import CampaignMemory
from kozaguard.phishing.checker import default_checker

MAX_URLS = 10_000

router = APIRouter(prefix="/phishing", tags=["phishing"])


class CheckRequest(BaseModel):
    """A batch of URLs to check."""

    urls: list[str] = Field(..., max_length=MAX_URLS, description="URLs to check (at most 10,000)")


class CheckResponseItem(BaseModel):
    """The verdict on one URL (``error`` is set when the URL could not be read)."""

    url: str
    verdict: str
    brand: str | None = None
    score: float
    reasons: list[str]
    error: str | None = None
    note: str | None = None


class PageRequest(BaseModel):
    """A page saved from a URL, to be read with it."""

    url: str = Field(..., description="The URL the page was saved from")
    html: str = Field(..., max_length=2_000_000, description="The page's HTML")


@cache
def memory() -> CampaignMemory:
    """The process's campaign memory: URLs checked through the API form one stream."""
    return CampaignMemory(default_checker())


@router.post("/check", response_model=list[CheckResponseItem], response_model_exclude_none=True)
def check_many(request: CheckRequest) -> list[dict]:
    """Check a batch of URLs; results come back in the order given. The batch goes through the
    campaign memory in order, after the URLs checked before it."""
    check = memory().check
    return [check(url).to_dict() for url in request.urls]


@router.get("/check", response_model=CheckResponseItem, response_model_exclude_none=True)
def check_one(url: str = Query(..., description="The URL to check")) -> dict:
    """Check one URL (through the campaign memory)."""
    return memory().check(url).to_dict()


@router.post("/page", response_model=CheckResponseItem, response_model_exclude_none=True)
def check_page(request: PageRequest) -> dict:
    """Check a URL with the page saved from it: title, text, logos' alt text, forms."""
    from kozaguard.phishing.pages import PageReader

    return PageReader(default_checker()).check(request.url, request.html).to_dict()
