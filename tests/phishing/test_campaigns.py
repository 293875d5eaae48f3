"""Campaign memory: URLs of one kit inherit the brand named by earlier URLs of the kit, causally."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kozaguard.entrypoints.cli import app
from kozaguard.phishing import Verdict
from kozaguard.phishing.campaigns import CampaignMemory, DictStore

runner = CliRunner()


def test_random_subdomains_of_an_attributed_domain_inherit_its_brand():
    memory = CampaignMemory()
    first = memory.check("https://sbisec-login.qx7k2m.com/")
    assert first.verdict == Verdict.IMPERSONATION and first.brand == "sbisec"
    later = memory.check("https://zhuanxiuder.qx7k2m.com/")
    assert later.verdict == Verdict.IMPERSONATION and later.brand == "sbisec"
    assert later.reasons[0] == "campaign_domain"
    assert later.note == "same registered domain as 1 earlier URL naming sbisec"
    again = memory.check("https://holechezizahl.qx7k2m.com/")
    assert again.note == "same registered domain as 2 earlier URLs naming sbisec"


def test_a_kit_template_and_a_path_token_carry_across_domains():
    memory = CampaignMemory()
    memory.check("https://rakutensec-jp.k2j4h1.top/m/Qz81kd.php?sid=9f8e7d6c&acct=x&lang=ja")
    kit = memory.check("https://pw8d0x.top/m/Bv72ls.php?sid=1a2b3c4d&acct=y&lang=ja")
    assert kit.brand == "rakuten_sec" and kit.reasons[0] == "campaign_kit", kit
    memory.check("https://daiwa-login.a8d7f6.cn/Xk29fj/")
    token = memory.check("https://b7q2w9.sbs/Xk29fj/")
    assert token.brand == "daiwa" and token.reasons[0] == "campaign_path_token", token


def test_causal_order_matters_and_same_input_gives_same_output():
    urls = ["https://zz1.qx7k2m.com/", "https://sbisec-login.qx7k2m.com/", "https://zz2.qx7k2m.com/"]
    a = [CampaignMemory().check(u) for u in urls]
    memory = CampaignMemory()
    b = [memory.check(u) for u in urls]
    memory2 = CampaignMemory()
    c = [memory2.check(u) for u in urls]
    assert b == c  # same stream, same verdicts
    assert b[0].verdict != Verdict.IMPERSONATION  # nothing came before it
    assert b[2].brand == "sbisec" and a[2].brand is None


def test_official_hosts_and_shared_platforms_are_never_campaign_keys():
    memory = CampaignMemory()
    memory.check("https://sites.google.com/view/sbisec-login/ETGate/")
    assert memory.check("https://sites.google.com/view/cooking-club/").verdict != Verdict.IMPERSONATION
    memory.check("https://sbisec-login.qx7k2m.com/")
    assert memory.check("https://www.sbisec.co.jp/").verdict == Verdict.OFFICIAL
    assert not any(k[0] == "domain" for k in memory.keys("https://a.sites.google.com/"))


def test_benign_urls_do_not_inherit_from_unrelated_campaigns():
    memory = CampaignMemory()
    for url in (
        "https://sbisec-login.qx7k2m.com/?utm_source=sms&utm_medium=x",
        "https://daiwa-login.qwe.top/index.html",
        "https://rakutensec.k2j4h1.top/search?q=kabu",
    ):
        memory.check(url)
    for url in (
        "https://example.com/?utm_source=sms&utm_medium=x",
        "https://shop.example.org/index.html",
        "https://news.example.net/search?q=kabu",
    ):
        assert memory.check(url).verdict == Verdict.UNKNOWN, url


def test_export_and_load_round_trip_and_bad_exports_name_the_key():
    memory = CampaignMemory()
    memory.check("https://sbisec-login.qx7k2m.com/")
    data = json.loads(json.dumps(memory.export()))
    again = CampaignMemory.from_export(data)
    assert again.check("https://x1.qx7k2m.com/").brand == "sbisec"
    with pytest.raises(ValueError, match="version"):
        CampaignMemory.from_export({"keys": {}})
    with pytest.raises(ValueError, match=r"campaign:domain:x\.com"):
        CampaignMemory.from_export({"version": 1, "keys": {"campaign:domain:x.com": ["u", {"b": "3"}]}})


def test_store_is_bounded():
    store = DictStore(limit=3)
    for i in range(5):
        store.put(f"campaign:domain:{i}.com", ["u", {"b": 1}])
    assert list(store.records) == ["campaign:domain:2.com", "campaign:domain:3.com", "campaign:domain:4.com"]


def test_cli_check_stdin_remembers_and_persists_memory(tmp_path):
    memory_file = tmp_path / "memory.json"
    stream = "https://sbisec-login.qx7k2m.com/\nhttps://abc123.qx7k2m.com/\n"
    result = runner.invoke(app, ["phishing", "check", "-", "--memory", str(memory_file)], input=stream)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[1]["brand"] == "sbisec" and rows[1]["note"].startswith("same registered domain")
    # The next run starts from the saved memory.
    result = runner.invoke(
        app, ["phishing", "check", "https://zzz9.qx7k2m.com/", "--memory", str(memory_file)]
    )
    assert json.loads(result.stdout)["brand"] == "sbisec"
    # Without memory each URL stands alone.
    result = runner.invoke(app, ["phishing", "check", "-", "--no-memory"], input=stream)
    assert json.loads(result.stdout.splitlines()[1])["brand"] is None


def test_cli_bad_memory_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "memory.json"
    bad.write_text('{"version": 2}', "utf-8")
    result = runner.invoke(app, ["phishing", "check", "https://x.com/", "--memory", str(bad)])
    assert result.exit_code == 2
    assert "memory.json" in result.stderr and "version" in result.stderr


def test_the_engine_keeps_the_memory_of_reported_urls_in_its_state():
    """Reports go through the memory held in the state's watch list: the second reported URL names
    no brand, but shares the registered domain of the first, and is watched as impersonation."""
    from kozaguard.adapters.memory import memory_state
    from kozaguard.engine.detectors.phishing_reported import PhishingReported
    from kozaguard.engine.engine import Engine
    from scenarios import history
    from streams import at, ev

    engine = Engine(memory_state(), [PhishingReported()])
    first = "https://sbisec-login.zzq9kx.top/"
    later = "https://x7b2n4.zzq9kx.top/"
    for e in history():
        engine.process(e)
    for day, url in ((2, first), (3, later)):
        engine.process(ev("customer.report", at(day, 12), account_id="A1", kind="phishing_message", url=url))
    assert engine.state.watch.get("phishing:x7b2n4.zzq9kx.top")[0][1] == "A1"
    assert engine.state.watch.get("campaign:domain:zzq9kx.top")[1] == {"sbisec": 2}
    # On its own the later URL is not impersonation: the state's memory made it so.
    assert CampaignMemory().check(later).verdict != Verdict.IMPERSONATION
