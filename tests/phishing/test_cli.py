"""`kozaguard phishing ...` end to end through typer's runner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kozaguard.entrypoints.cli import app

runner = CliRunner()


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_variants_text_and_json():
    text = runner.invoke(app, ["phishing", "variants", "daiwa.jp", "-f", "omission"])
    assert text.exit_code == 0
    assert "omission" in text.stdout and "daiw.jp" in text.stdout
    js = runner.invoke(app, ["phishing", "variants", "monex.com", "-f", "cyrillic", "--json"])
    rows = _lines(js.stdout)
    assert rows and all(r["fuzzer"] == "cyrillic" and r["domain"].startswith("xn--") for r in rows)


def test_variants_bad_domain_exits_2():
    result = runner.invoke(app, ["phishing", "variants", "not a domain"])
    assert result.exit_code == 2


def test_check_arguments():
    result = runner.invoke(
        app, ["phishing", "check", "https://sbisec-login.top/", "https://www.sbisec.co.jp/"]
    )
    assert result.exit_code == 0
    rows = _lines(result.stdout)
    assert [r["verdict"] for r in rows] == ["impersonation", "official"]


def test_check_stdin_reports_each_bad_line_and_exits_1():
    stdin = "https://sbisec-login.top/\n\nnot a url\nxn--zz.com\nhttps://example.com/\n"
    result = runner.invoke(app, ["phishing", "check", "-"], input=stdin)
    assert result.exit_code == 1
    rows = _lines(result.stdout)
    assert len(rows) == 5  # nothing dropped
    errors = {r["line"]: r["error"] for r in rows if "error" in r}
    assert set(errors) == {2, 3, 4}
    assert "stdin line 3" in result.stderr


def test_scan_plain_and_certstream_lines_with_resume(tmp_path):
    feed = tmp_path / "feed.txt"
    ct = {"data": {"leaf_cert": {"all_domains": ["*.www-sbisec-co-jp.abc.top", "www-sbisec-co-jp.abc.top"]}}}
    feed.write_text(
        "example.com\nsbisec-login.top\n" + json.dumps(ct) + "\n{broken json\nwww.wikipedia.org\n", "utf-8"
    )
    out = tmp_path / "hits.jsonl"
    result = runner.invoke(app, ["phishing", "scan", str(feed), "-o", str(out)])
    assert result.exit_code == 1  # one bad line, reported
    assert "feed.txt:4" in result.stderr
    hits = _lines(out.read_text("utf-8"))
    assert [h["line"] for h in hits] == [2, 3]
    assert all(h["brand"] == "sbisec" and h["score"] > 0 for h in hits)
    state = json.loads((tmp_path / "feed.txt.state").read_text("utf-8"))
    assert state["line"] == 5 and state["offset"] == feed.stat().st_size

    # New lines appended to the feed: --resume reads only those and appends hits.
    with feed.open("a", encoding="utf-8") as f:
        f.write("mizuho-sc-login.web.app\n")
    again = runner.invoke(app, ["phishing", "scan", str(feed), "-o", str(out), "--resume"])
    assert again.exit_code == 0, again.stderr
    hits = _lines(out.read_text("utf-8"))
    assert [h["line"] for h in hits] == [2, 3, 6]


def test_check_with_extra_brand_file(tmp_path, monkeypatch):
    brand = tmp_path / "mybroker.toml"
    brand.write_text(
        '[[brands]]\nid = "kozasec"\nname = "コザ証券"\n'
        'domains = ["koza-sec.example"]\ntokens = ["kozasec"]\n',
        "utf-8",
    )
    result = runner.invoke(app, ["phishing", "check", "--brands", str(brand), "https://kozasec-login.top/"])
    assert result.exit_code == 0
    assert _lines(result.stdout)[0]["brand"] == "kozasec"
    monkeypatch.setenv("KOZAGUARD_PHISHING_BRANDS", str(brand))
    result = runner.invoke(app, ["phishing", "check", "https://www.koza-sec.example/"])
    assert _lines(result.stdout)[0]["verdict"] == "official"


def test_bad_brand_file_names_file_and_field(tmp_path):
    brand = tmp_path / "bad.toml"
    brand.write_text('[[brands]]\nid = "x"\nname = "X"\ndomains = "x.example"\n', "utf-8")
    result = runner.invoke(app, ["phishing", "check", "--brands", str(brand), "https://x.example/"])
    assert result.exit_code == 2
    assert "bad.toml" in result.stderr and "domains" in result.stderr
