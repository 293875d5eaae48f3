"""Every refusal text lives in the catalogue, in English and Japanese with a fix, and is documented."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from kozaguard.identity.catalogue import CATALOGUE, refusal

DOC = (Path(__file__).parents[2] / "docs" / "identity.md").read_text()


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_entry_has_japanese_a_fix_and_is_documented(key):
    t = CATALOGUE[key]
    assert t.en and t.fix and re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", t.ja), key
    assert f"`{t.code or key}`" in DOC, f"{t.code or key} missing from docs/identity.md"
    names = {n for text in (t.en, t.ja, t.fix) for _, n, _, _ in string.Formatter().parse(text) if n}
    r = refusal(key, field="f", **dict.fromkeys(names, "X"))
    assert r.code == (t.code or key) and r.field == "f" and "{" not in r.message + r.message_ja + r.fix


def test_no_refusal_text_outside_the_catalogue():
    src = Path(__file__).parents[2] / "src" / "kozaguard" / "identity"
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if p.name != "catalogue.py" and "message_ja=" in p.read_text()
    ]
    assert offenders == []
