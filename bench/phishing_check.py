"""How many URLs a second the phishing checker scores on one core.

Two runs on the same 100,000 URLs (real unrelated hosts from tests/phishing/data with typical paths,
mixed with 5% phishing URLs from the labelled set):

* ``cold``: a fresh checker, every host seen for the first time (a certificate-transparency feed);
* ``stream``: URLs whose hosts repeat, 10 URLs per host on average (reports, mail and proxy logs);
* ``warm``: the cold URLs again on the checker that has just read them (every host cached).

Every run starts from a fresh checker (the brand data and Public Suffix List are loaded once per
process, as in a long-running service), in one process pinned to one core.

Usage: PYTHONPATH=src python bench/phishing_check.py [--profile]
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "phishing")]

from labelled import labelled_samples  # noqa: E402

from kozaguard.phishing.checker import Checker  # noqa: E402

PATHS = ["", "/", "/index.html", "/login", "/news/2025/06/article?id=42", "/search?q=kabu", "/static/app.js"]
N = 100_000


def _hosts() -> list[str]:
    text = (ROOT / "tests/phishing/data/unrelated_domains.txt").read_text("utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def build(rng: random.Random, unique_hosts: bool) -> list[str]:
    hosts = _hosts()
    phishing = [url for _, _, url in labelled_samples()]
    urls = []
    for i in range(N):
        if rng.random() < 0.05:
            urls.append(rng.choice(phishing))
            continue
        host = hosts[i % len(hosts)]
        if unique_hosts:
            host = f"{rng.choice(['www', 'app', 'cdn', 'mail', 'shop'])}{i}.{host}"
        urls.append(f"https://{host}{rng.choice(PATHS)}")
    if not unique_hosts:
        rng.shuffle(urls)
    return urls


def run(urls: list[str], warm: bool = False) -> float:
    checker = Checker()
    checker.check("warm-up.example")  # brand data loaded, lexicon compiled
    if warm:
        for url in urls:
            checker.check(url)
    start = time.perf_counter()
    for url in urls:
        checker.check(url)
    return len(urls) / (time.perf_counter() - start)


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    rng = random.Random(1)
    cold, stream = build(rng, True), build(rng, False)
    if "--profile" in sys.argv:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
        run(cold[:30_000])
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))
    for name, urls, warm in (
        ("cold (unique hosts)", cold, False),
        ("stream (hosts repeat)", stream, False),
        ("warm (hosts cached)", cold, True),
    ):
        rate = max(run(urls, warm) for _ in range(3))
        print(f"{name:24} {len(urls):7d} URLs  {rate:10,.0f} URLs/s  (best of 3, one core)")


if __name__ == "__main__":
    main()
