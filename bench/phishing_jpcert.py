"""Broker phishing URLs of JPCERT/CC's public list: how many the checker flags and names rightly.

JPCERT/CC publishes the phishing URLs it confirmed, one CSV per month (``YYYY/YYYYMM.csv``: date,
URL, description = the brand imitated). This reads a checkout of that list, keeps the rows whose
brand is a broker of the registry, and prints, per month and overall: URLs, flagged (suspicious or
impersonation), flagged with the right brand, and the same among the URLs that spell the brand
(one of its tokens, official labels, Japanese names or login paths appears in the URL); once URL by
URL, and once through the campaign memory in the list's order.

The list has no licence file, so no copy of it is kept in this repository: pass the folder.
Only months up to ``--until`` (default 2025-06) are read; later files are not opened.

Usage: PYTHONPATH=src python bench/phishing_jpcert.py FOLDER [--until YYYY-MM] [--misses]
"""

from __future__ import annotations

import argparse
import csv
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from kozaguard.phishing.brands import default_registry
from kozaguard.phishing.checker import Checker, Verdict

#: JPCERT/CC's description of each broker → brand id of the registry.
BROKERS = {
    "SBI証券": "sbisec",
    "大和証券": "daiwa",
    "マネックス証券": "monex",
    "松井証券": "matsui",
    "楽天証券": "rakuten_sec",
    "GMOクリック証券": "gmo_click",
    "三菱UFJeスマート証券": "mufg_esmart",
    "auカブコム証券": "mufg_esmart",
    "みずほ証券": "mizuho",
    "野村證券": "nomura",
    "SMBC日興証券": "smbcnikko",
    "岩井コスモ証券": "iwaicosmo",
    "岡三証券": "okasan",
    "PayPay証券": "paypay_sec",
    "東海東京証券": "tokaitokyo",
}
FLAGGED = (Verdict.IMPERSONATION, Verdict.SUSPICIOUS)
_MONTH = re.compile(r"(\d{4})(\d{2})\.csv$")


def month_files(folder: Path, until: str) -> list[Path]:
    """The monthly CSVs up to ``until`` (``YYYY-MM``), chosen by file name before any is opened."""
    files = []
    for path in sorted(folder.rglob("*.csv")):
        m = _MONTH.search(path.name)
        if m and f"{m.group(1)}-{m.group(2)}" <= until:
            files.append(path)
    return files


def names_brand(url: str, brand_id: str) -> bool:
    """True if the URL spells the brand: a token, official label, Japanese name or login path."""
    brand = default_registry().get(brand_id)
    text = unicodedata.normalize("NFKC", url).lower()
    flat = re.sub(r"[^0-9a-z\u3040-\u30ff\u4e00-\u9fff]", "", text)
    words = [*brand.tokens, *brand.weak_tokens, *brand.domain_labels]
    if any(w.replace("-", "") in flat for w in words if len(w) >= 3):
        return True
    if any(unicodedata.normalize("NFKC", j).lower() in text for j in brand.japanese):
        return True
    return any(p.lower().rstrip("/") in text for p in brand.login_paths if len(p) > 6)


def rows(files: list[Path]) -> list[tuple[str, str, str]]:
    out = []
    for path in files:
        month = _MONTH.search(path.name).group(0)[:6]
        with path.open(encoding="utf-8", errors="replace", newline="") as f:
            for row in csv.reader(f):
                if len(row) >= 3 and row[2].strip() in BROKERS:
                    out.append((month, row[1].strip(), BROKERS[row[2].strip()]))
    return out


def measure(samples, check) -> dict[str, list[int]]:
    """Per month: [urls, flagged, right brand, urls naming the brand, right brand among those]."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for month, url, brand in samples:
        result = check(url)
        flagged = result.verdict in FLAGGED
        right = flagged and result.brand == brand
        named = names_brand(url, brand)
        for key in (month, "all"):
            row = table[key]
            row[0] += 1
            row[1] += flagged
            row[2] += right
            row[3] += named
            row[4] += named and right
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--until", default="2025-06", help="last month read (YYYY-MM)")
    parser.add_argument("--misses", action="store_true", help="print the URLs not flagged rightly")
    args = parser.parse_args()
    samples = rows(month_files(args.folder, args.until))
    runs = {"url by url": Checker().check}
    try:
        from kozaguard.phishing.campaigns import CampaignMemory

        runs["campaign memory"] = CampaignMemory(Checker()).check
    except ImportError:
        pass
    for name, check in runs.items():
        table = measure(samples, check)
        print(f"\n{name}")
        print(f"{'month':8} {'urls':>6} {'flagged':>8} {'right':>7} {'naming':>7} {'right|naming':>12}")
        for key in sorted(table, key=lambda k: (k == "all", k)):
            n, flagged, right, named, named_right = table[key]
            share = f"{named_right / named:12.3f}" if named else f"{'-':>12}"
            print(f"{key:8} {n:6} {flagged / n:8.3f} {right / n:7.3f} {named:7} {share}")
    if args.misses:
        check = Checker().check
        for month, url, brand in samples:
            result = check(url)
            if result.verdict not in FLAGGED or result.brand != brand:
                print(month, brand, result.verdict, result.brand, url)


if __name__ == "__main__":
    main()
