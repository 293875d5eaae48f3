"""`phishing variants --resolve` against a DNS server started on loopback for the test."""

from __future__ import annotations

import csv
import io
import json

import pytest
from dnslib import AAAA, MX, NS, QTYPE, RCODE, RR, A
from dnslib.server import BaseResolver, DNSLogger, DNSServer
from typer.testing import CliRunner

from kozaguard.entrypoints.cli import app
from kozaguard.phishing.resolve import lookup, make_resolver, parse_nameserver, resolve_all
from kozaguard.phishing.variants import Variant, generate

runner = CliRunner()

#: The lookalikes that "exist" on the test server, with their records.
ZONE = {
    "daiw.jp.": [("A", "192.0.2.10")],
    "dalwa.jp.": [("AAAA", "2001:db8::1"), ("MX", "mail.dalwa.jp.")],
    "daiwa.co.jp.": [("NS", "ns1.example.net.")],
}


class _Zone(BaseResolver):
    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).lower()
        if name == "servfail.jp.":
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        records = ZONE.get(name)
        if records is None:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        qtype = QTYPE[request.q.qtype]
        for rtype, value in records:
            if rtype != qtype:
                continue
            rdata = {"A": A, "AAAA": AAAA, "MX": MX, "NS": NS}[rtype](value)
            reply.add_answer(RR(request.q.qname, getattr(QTYPE, rtype), rdata=rdata, ttl=60))
        return reply


@pytest.fixture(scope="module")
def nameserver():
    quiet = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", logf=lambda _: None)
    server = DNSServer(_Zone(), port=0, address="127.0.0.1", logger=quiet)
    server.start_thread()
    try:
        yield f"127.0.0.1:{server.server.server_address[1]}"
    finally:
        server.stop()


def test_lookup_tells_existing_from_missing_names(nameserver):
    resolver = make_resolver(nameserver)
    found = {
        r.variant.domain: r for r in resolve_all(generate("daiwa.jp", ["omission", "homoglyph"]), resolver)
    }
    assert found["daiw.jp"].exists and found["daiw.jp"].records["A"] == ("192.0.2.10",)
    assert found["dalwa.jp"].exists and found["dalwa.jp"].records["MX"] == ("10 mail.dalwa.jp.",)
    assert not found["aiwa.jp"].exists and found["aiwa.jp"].error is None


def test_a_failing_server_is_an_error_not_a_missing_name(nameserver):
    result = lookup(Variant("test", "servfail.jp", "servfail.jp"), make_resolver(nameserver, timeout=1.0))
    assert not result.exists and result.error is not None


def test_cli_resolve_formats(nameserver):
    base = ["phishing", "variants", "daiwa.jp", "-f", "omission", "-f", "homoglyph", "-f", "tld-swap"]
    base += ["--resolve", "--nameserver", nameserver]
    js = runner.invoke(app, [*base, "--format", "json"])
    assert js.exit_code == 0, js.output
    rows = [json.loads(line) for line in js.stdout.splitlines()]
    assert {r["domain"] for r in rows} == {"daiw.jp", "dalwa.jp", "daiwa.co.jp"}
    assert all(r["exists"] for r in rows)
    assert next(r for r in rows if r["domain"] == "daiwa.co.jp")["ns"] == ["ns1.example.net."]
    every = runner.invoke(app, [*base, "--format", "csv", "--all"])
    table = list(csv.DictReader(io.StringIO(every.stdout)))
    assert {"fuzzer", "domain", "unicode", "exists", "a", "aaaa", "mx", "ns", "error"} <= set(table[0])
    assert any(r["exists"] == "false" for r in table) and len(table) > 3
    text = runner.invoke(app, [*base, "--format", "text"])
    assert "daiw.jp" in text.stdout and "192.0.2.10" in text.stdout and "aiwa.jp" not in text.stdout


def test_cli_formats_without_resolving():
    csv_out = runner.invoke(app, ["phishing", "variants", "daiwa.jp", "-f", "omission", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert rows and set(rows[0]) == {"fuzzer", "domain", "unicode"}
    bad = runner.invoke(app, ["phishing", "variants", "daiwa.jp", "--format", "xml"])
    assert bad.exit_code == 2 and "csv, json or text" in bad.stderr


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("co.jp", "public suffix"),
        ("com", "public suffix"),
        ("https://www.daiwa.jp/login", "not a URL"),
        ("daiwa.jp/login", "not a URL"),
    ],
)
def test_variants_input_is_validated(given, says):
    result = runner.invoke(app, ["phishing", "variants", given])
    assert result.exit_code == 2
    assert says in result.stderr and "e.g." in result.stderr


def test_bad_nameserver_says_what_to_pass():
    with pytest.raises(ValueError, match="IP address"):
        parse_nameserver("dns.example")
    result = runner.invoke(app, ["phishing", "variants", "daiwa.jp", "--resolve", "--nameserver", "x"])
    assert result.exit_code == 2 and "IP address" in result.stderr
