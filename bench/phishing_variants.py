"""Lookalike generation side by side with dnstwist: count, superset check and time per domain.

dnstwist is a benchmark dependency only (``pip install dnstwist``). Both tools get the same
dictionary words and TLDs (those shipped in kozaguard/phishing/data/signals.toml) so that the
dictionary and tld-swap fuzzers are compared too; a second line per domain uses dnstwist's defaults.

Usage: PYTHONPATH=src python bench/phishing_variants.py [DOMAIN ...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import dnstwist  # noqa: E402

from kozaguard.phishing.lexicon import default_signals  # noqa: E402
from kozaguard.phishing.variants import generate  # noqa: E402

DOMAINS = [
    "sbisec.co.jp",
    "smbcnikko.co.jp",
    "rakuten-sec.co.jp",
    "daiwa.jp",
    "www.sc.mufg.jp",
    "kabu.com",
    "click-sec.com",
]


def theirs(domain: str, words: list[str], tlds: list[str]) -> tuple[set[str], float]:
    start = time.perf_counter()
    fuzzer = dnstwist.Fuzzer(domain, dictionary=words, tld_dictionary=tlds)
    fuzzer.generate()
    found = {p["domain"] for p in fuzzer.domains if p["fuzzer"] != "*original"}
    return found, time.perf_counter() - start


def ours(domain: str, words: list[str] | None, tlds: list[str] | None) -> tuple[set[str], float]:
    start = time.perf_counter()
    found = {v.domain for v in generate(domain, words=words, tlds=tlds)}
    return found, time.perf_counter() - start


def main() -> None:
    signals = default_signals()
    words, tlds = list(signals.variant_words), list(signals.variant_tlds)
    print(f"dnstwist {dnstwist.__version__}")
    print(
        f"{'domain':20} {'inputs':9} {'dnstwist':>9} {'s':>6} {'kozaguard':>10} {'s':>6}  superset  missing"
    )
    for domain in sys.argv[1:] or DOMAINS:
        for label, w, t in (("same", words, tlds), ("defaults", [], [])):
            d_set, d_time = theirs(domain, w, t)
            o_set, o_time = ours(domain, w if label == "same" else None, t if label == "same" else None)
            missing = d_set - o_set
            print(
                f"{domain:20} {label:9} {len(d_set):9d} {d_time:6.2f} {len(o_set):10d} {o_time:6.2f}"
                f"  {'yes' if not missing else 'NO':8}  {len(missing)}"
            )


if __name__ == "__main__":
    main()
