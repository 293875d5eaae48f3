"""kozaguard's URL checker next to phishing_catcher's scorer, on URLs whose registered domains are all new.

A certificate-transparency feed or a phishing feed is mostly names never seen before: not new
subdomains of known parents, new registered domains. This builds 100,000 such URLs: real unrelated
hosts (tests/phishing/data) whose registered label is made unique (``example.com`` →
``example1a2.com``, subdomains and typical paths kept), 5% of them phishing URLs of the labelled set
made unique the same way. Both scorers read the same list in the same process, pinned to one core,
interleaved, best of three, timed in CPU seconds of the process (``time.process_time``: on a shared
machine the wall clock also counts the time other processes hold the core). Each kozaguard round
starts from a fresh checker (the brand data and suffix list are loaded once per process, as in a
service); phishing_catcher scores each URL's host (what it reads from certificates).

phishing_catcher's ``score_domain`` is vendored in bench/phishing_catcher (GPL-3.0, benchmark only;
``pip install tld Levenshtein PyYAML`` first).

Usage: PYTHONPATH=src python bench/phishing_speed.py [--n 100000] [--rounds 3] [--profile]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "phishing"), str(ROOT / "bench")]

from labelled import labelled_samples  # noqa: E402

from kozaguard.phishing.checker import Checker  # noqa: E402
from kozaguard.phishing.url import registered_domain  # noqa: E402

PATHS = ["", "/", "/index.html", "/login", "/news/2025/06/article?id=42", "/search?q=kabu", "/static/app.js"]


def _hosts() -> list[str]:
    text = (ROOT / "tests/phishing/data/unrelated_domains.txt").read_text("utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def _base36(i: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        i, r = divmod(i, 36)
        out = digits[r] + out
        if not i:
            return out


def _renamed(url: str, i: int) -> str:
    """``url`` with its registered label made unique by a suffix (``x1a2``)."""
    parts = urlsplit(url if "//" in url else "https://" + url)
    host = parts.hostname or ""
    reg, suffix = registered_domain(host)
    if not suffix or len(reg) <= len(suffix):
        return url
    label = reg[: -len(suffix) - 1]
    new_host = host[: len(host) - len(reg)] + f"{label}x{_base36(i)}.{suffix}"
    return url.replace(host, new_host, 1)


def build(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    hosts = _hosts()
    phishing = [url for _, _, url in labelled_samples()]
    urls = []
    for i in range(n):
        if rng.random() < 0.05:
            urls.append(_renamed(rng.choice(phishing), i))
        else:
            urls.append(_renamed(f"https://{hosts[i % len(hosts)]}{rng.choice(PATHS)}", i))
    return urls


def time_kozaguard(urls: list[str]) -> float:
    checker = Checker()
    checker.check("warm-up.example")
    check = checker.check
    start = time.process_time()
    for url in urls:
        check(url)
    return len(urls) / (time.process_time() - start)


def time_phishing_catcher(urls: list[str]) -> float:
    from phishing_catcher.score import score_domain

    hosts = [urlsplit(u).hostname or u for u in urls]
    start = time.process_time()
    for host in hosts:
        score_domain(host)
    return len(hosts) / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    urls = build(args.n)
    regs = {registered_domain(urlsplit(u).hostname or "")[0] for u in urls}
    print(f"{len(urls)} URLs, {len(regs)} distinct registered domains")
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
        time_kozaguard(urls[:30_000])
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    best = {"kozaguard": 0.0, "phishing_catcher": 0.0}
    for r in range(args.rounds):
        k = time_kozaguard(urls)
        p = time_phishing_catcher(urls)
        best["kozaguard"] = max(best["kozaguard"], k)
        best["phishing_catcher"] = max(best["phishing_catcher"], p)
        print(f"round {r + 1}: kozaguard {k:,.0f} URLs/s, phishing_catcher {p:,.0f} URLs/s")
    ratio = best["kozaguard"] / best["phishing_catcher"]
    print(
        f"best: kozaguard {best['kozaguard']:,.0f} URLs/s, phishing_catcher {best['phishing_catcher']:,.0f}"
        f" URLs/s, ratio {ratio:.2f}"
    )


if __name__ == "__main__":
    main()
