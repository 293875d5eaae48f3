"""The checker's answer does not depend on the process it runs in (Python's per-process hash seed)."""

from __future__ import annotations

import os
import subprocess
import sys

from labelled import labelled_samples

SCRIPT = """
import sys
from kozaguard.phishing.checker import Checker
checker = Checker()
for url in sys.stdin.read().splitlines():
    r = checker.check(url)
    print(r.verdict, r.brand, r.score, ",".join(r.reasons))
"""


def _answers(urls: str, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    cmd = [sys.executable, "-c", SCRIPT]
    return subprocess.run(cmd, input=urls, env=env, capture_output=True, text=True, check=True).stdout


def test_reasons_come_in_the_same_order_whatever_the_hash_seed():
    urls = "\n".join(url for _, _, url in labelled_samples())
    first = _answers(urls, "0")
    assert first.count("\n") > 1000 and "impersonation" in first
    assert _answers(urls, "1") == first
