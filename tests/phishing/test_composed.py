"""A new host under a parent domain already read is scored from the parent's record: the result must
be the one the whole analysis of the host gives."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kozaguard.phishing.checker import Checker
from kozaguard.phishing.url import UrlError, parse_url

DATA = Path(__file__).parent / "data"
PATHS = ("", "/", "/login", "/search?q=kabu", "/sbisec/ETGate", "/news/2025/06/article?id=42")
PHISHING_HOSTS = [
    "site4.sbisec.co.jp.k8s2xq.com",
    "www-rakuten-sec-co-jp.q1w2e3.top",
    "monex-login01.abcde.cn",
    "smbcnikko-secure.pages.dev",
    "member-rakuten-sec.duckdns.org",
    "sbisecc.co.jp",
    "nomura-co-jp.xyz",
    "rnonex.co.jp",
    "sbi.sec.co.jp",
    "matsui-sec.web.app",
]
PREFIXES = ("www", "mail", "app", "login", "secure-", "my", "sbi", "x", "shop-00", "a-b_c", "monex")


def _whole(url: str) -> dict | None:
    """The result of reading the host whole, on a checker that has seen nothing."""
    try:
        parsed = parse_url(url)
    except UrlError:
        return None
    return Checker().check_parsed(url, parsed).to_dict()


def _urls(n: int) -> list[str]:
    rng = random.Random(11)
    lines = (DATA / "unrelated_domains.txt").read_text("utf-8").splitlines()
    hosts = [line for line in lines if line and not line.startswith("#")]
    hosts += PHISHING_HOSTS * 20
    urls = []
    for host in rng.sample(hosts, n):
        urls.append(f"https://{host}{rng.choice(PATHS)}")
        urls.append(f"https://{rng.choice(PREFIXES)}{rng.randint(0, 99999)}.{host}{rng.choice(PATHS)}")
        urls.append(f"https://a.{rng.choice(PREFIXES)}.{host}/")
        urls.append(f"https://{rng.choice(PREFIXES)}.b.c.d.{host}/login")
    return urls


def test_composed_hosts_score_as_read_whole():
    checker = Checker()
    urls = _urls(1200)
    for url in urls:  # parents read first, as in a feed
        checker.check(url)
    reference = Checker()
    for url in urls:
        composed = checker.check(url).to_dict()
        try:
            parsed = parse_url(url)
        except UrlError:
            assert "error" in composed
            continue
        reference._hosts.clear()
        assert composed == reference.check_parsed(url, parsed).to_dict(), url


_LABEL = st.text(alphabet="abcdeiklmnorstuvwxyz0123456789-_", min_size=1, max_size=14).filter(
    lambda s: s[0] not in "-_" and s[-1] not in "-_" and "--" not in s
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_LABEL, min_size=1, max_size=5),
    st.sampled_from(["example.com", "sbisec.co.jp", "abc12.top", "foo.pages.dev", "co.jp", "x.duckdns.org"]),
    st.sampled_from(PATHS),
)
def test_any_new_label_scores_as_read_whole(labels, parent, path):
    url = f"https://{'.'.join(labels)}.{parent}{path}"
    checker = Checker()
    checker.check(f"https://{parent}/")
    checker.check(f"https://{labels[-1]}.{parent}/")
    assert checker.check(url).to_dict() == _whole(url)
