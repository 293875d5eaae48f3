"""Recall per phishing pattern, false positives on real unrelated domains, official hosts never flagged."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from labelled import labelled_samples, official_urls

from kozaguard.phishing import Verdict, default_checker

DATA = Path(__file__).parent / "data"
FLAGGED = (Verdict.IMPERSONATION, Verdict.SUSPICIOUS)
#: Recall floor per pattern; two fuzzers get a lower one, see docs/phishing.md ("Measured").
FLOORS = {"fuzzer:homoglyph": 0.85, "fuzzer:dictionary": 0.85}


def unrelated_domains() -> list[str]:
    lines = (DATA / "unrelated_domains.txt").read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def measured():
    checker = default_checker()
    per_pattern: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pattern, brand, url in labelled_samples():
        result = checker.check(url)
        row = per_pattern[pattern]
        row[0] += 1
        if result.brand == brand and result.verdict in FLAGGED:
            row[1] += 1
        if result.brand == brand and result.verdict == Verdict.IMPERSONATION:
            row[2] += 1
    negatives = unrelated_domains()
    fp_flagged = fp_imp = 0
    for host in negatives:
        verdict = checker.check(host).verdict
        fp_flagged += verdict in FLAGGED
        fp_imp += verdict == Verdict.IMPERSONATION
    return per_pattern, len(negatives), fp_flagged, fp_imp


def test_precision_recall_table(measured, capsys):
    per_pattern, n_neg, fp_flagged, fp_imp = measured
    lines = [
        f"{'pattern':32} {'n':>5} {'recall':>7} {'recall_imp':>10} {'precision':>9} {'precision_imp':>13}",
    ]
    for pattern, (n, flagged, imp) in sorted(per_pattern.items()):
        # Precision against the whole negative set: as if every false positive belonged to this pattern.
        precision = flagged / (flagged + fp_flagged) if flagged else 0.0
        precision_imp = imp / (imp + fp_imp) if imp else 0.0
        lines.append(
            f"{pattern:32} {n:5} {flagged / n:7.3f} {imp / n:10.3f} {precision:9.4f} {precision_imp:13.4f}"
        )
    total = sum(r[0] for r in per_pattern.values())
    tp = sum(r[1] for r in per_pattern.values())
    lines.append(f"{'ALL':32} {total:5} {tp / total:7.3f}")
    lines.append(
        f"unrelated domains: {n_neg}, flagged {fp_flagged} ({fp_flagged / n_neg:.4%}),"
        f" impersonation {fp_imp} ({fp_imp / n_neg:.4%})"
    )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    for pattern, (n, flagged, _) in per_pattern.items():
        assert flagged / n >= FLOORS.get(pattern, 0.9), pattern


def test_false_positive_rate_on_unrelated_domains(measured):
    _, n_neg, fp_flagged, fp_imp = measured
    assert n_neg >= 5000
    assert fp_imp / n_neg <= 0.01
    assert fp_flagged / n_neg <= 0.01


def test_official_hosts_are_never_flagged():
    checker = default_checker()
    for brand, url in official_urls():
        result = checker.check(url)
        assert result.verdict == Verdict.OFFICIAL, url
        assert result.brand == brand
