"""Recall per phishing pattern, false positives on real unrelated domains, official hosts never flagged."""

from __future__ import annotations

import csv
import unicodedata
from collections import defaultdict
from importlib import resources
from pathlib import Path

import idna
import pytest
from labelled import campaign_streams, labelled_samples, official_urls

from kozaguard.phishing import Verdict, default_checker
from kozaguard.phishing.brands import default_registry
from kozaguard.phishing.campaigns import CampaignMemory

DATA = Path(__file__).parent / "data"
FLAGGED = (Verdict.IMPERSONATION, Verdict.SUSPICIOUS)
#: Recall floor per pattern; three fuzzers get a lower one, see docs/phishing.md ("Measured").
FLOORS = {"fuzzer:homoglyph": 0.85, "fuzzer:dictionary": 0.85, "fuzzer:plural": 0.85}


#: Paths of ordinary pages, put after every unrelated host: a login page of its own included.
BENIGN_PATHS = ("", "/", "/index.html", "/login", "/news/2025/06/article?id=42", "/search?q=kabu", "/ja/")


def unrelated_domains() -> list[str]:
    lines = (DATA / "unrelated_domains.txt").read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def listed_company_hosts() -> list[str]:
    """Japanese IDN hosts made of the names of companies listed in Tokyo (the tokyo-stock-exchange
    package), those of the registry's brands and their groups left out: Japanese names that are
    not brokers must not read as one."""
    brands = [unicodedata.normalize("NFKC", n).lower() for b in default_registry() for n in b.japanese]
    hosts = []
    with resources.files("tokyo_stock_exchange").joinpath("tse.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = unicodedata.normalize("NFKC", row["銘柄名"]).lower()
            name = "".join(c for c in name if c.isalnum())
            if not name or any(b in name or name in b for b in brands) or "証券" in name:
                continue
            try:
                hosts.append(idna.encode(name + ".jp", uts46=True).decode("ascii"))
            except idna.IDNAError:
                continue
    return hosts


def benign_urls() -> list[str]:
    """Every unrelated host with every ordinary path, and the listed companies' hosts."""
    urls = [f"https://{h}{p}" for h in unrelated_domains() for p in BENIGN_PATHS]
    return urls + [f"https://{h}/" for h in listed_company_hosts()]


@pytest.fixture(scope="module")
def measured():
    checker = default_checker()
    per_pattern: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pattern, brand, url in labelled_samples():
        result = checker.check(url)
        row = per_pattern[pattern]
        row[0] += 1
        # A pattern whose URLs name no brand (brand "") counts when flagged at all.
        right = result.brand == brand or not brand
        if right and result.verdict in FLAGGED:
            row[1] += 1
        if right and result.verdict == Verdict.IMPERSONATION:
            row[2] += 1
    negatives = benign_urls()
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
        f"benign URLs: {n_neg}, flagged {fp_flagged} ({fp_flagged / n_neg:.4%}),"
        f" impersonation {fp_imp} ({fp_imp / n_neg:.4%})"
    )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    for pattern, (n, flagged, _) in per_pattern.items():
        assert flagged / n >= FLOORS.get(pattern, 0.9), pattern


def test_overall_recall_and_brand(measured):
    per_pattern = measured[0]
    total = sum(r[0] for r in per_pattern.values())
    assert sum(r[1] for r in per_pattern.values()) / total >= 0.95
    named = [r for p, r in per_pattern.items() if p != "sms_lure"]
    # Every other pattern names its brand: the right brand, flagged.
    assert sum(r[1] for r in named) / sum(r[0] for r in named) >= 0.95


def test_false_positive_rate_on_benign_urls(measured):
    _, n_neg, fp_flagged, fp_imp = measured
    assert n_neg >= 10_000
    assert fp_imp == 0
    assert fp_flagged / n_neg <= 0.001


def test_official_hosts_are_never_flagged():
    checker = default_checker()
    for brand, url in official_urls():
        result = checker.check(url)
        assert result.verdict == Verdict.OFFICIAL, url
        assert result.brand == brand


@pytest.fixture(scope="module")
def measured_with_memory():
    """The labelled set, then the campaign streams, then the benign URLs: one feed through one
    campaign memory, in that order (benign URLs come after every campaign, so they meet all of it)."""
    memory = CampaignMemory(default_checker())
    per_pattern: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for pattern, brand, url in [*labelled_samples(), *campaign_streams()]:
        result = memory.check(url)
        row = per_pattern[pattern]
        row[0] += 1
        row[1] += (result.brand == brand or not brand) and result.verdict in FLAGGED
    benign = [memory.check(url).verdict for url in benign_urls()]
    return per_pattern, len(benign), sum(v in FLAGGED for v in benign), benign.count(Verdict.IMPERSONATION)


def test_campaign_memory_recall_and_precision(measured_with_memory, capsys):
    per_pattern, n_neg, fp_flagged, fp_imp = measured_with_memory
    total = sum(r[0] for r in per_pattern.values())
    right = sum(r[1] for r in per_pattern.values())
    lines = [
        f"{p:32} {n:5} {k / n:7.3f}" for p, (n, k) in sorted(per_pattern.items()) if p.startswith("camp")
    ]
    lines.append(f"{'ALL with campaign memory':32} {total:5} {right / total:7.3f}")
    lines.append(f"benign URLs after them: {n_neg}, flagged {fp_flagged}, impersonation {fp_imp}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert right / total >= 0.90
    for pattern in ("campaign_domain", "campaign_kit", "campaign_path_token"):
        n, k = per_pattern[pattern]
        assert k / n >= 0.85, pattern
    assert fp_imp == 0
    assert fp_flagged / n_neg <= 0.001
