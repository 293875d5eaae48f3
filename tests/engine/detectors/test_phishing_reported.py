from kozaguard.engine.detectors.phishing_reported import PhishingReported
from scenarios import ABROAD, HOME, history, judge
from streams import at, ev, login


def report(kind="phishing_message"):
    return ev("customer.report", at(3, 12), account_id="A1", kind=kind, url="https://sbisec.co.jp.zzq.top/")


def test_new_device_after_a_phishing_report_is_challenged():
    d = judge(PhishingReported(), [*history(), report(), login(at(4, 9), **ABROAD)])
    assert d.decision == "challenge" and d.reasons[0] == "customer_reported_phishing"


def test_familiar_device_only_adds_risk():
    d = judge(PhishingReported(), [*history(), report("unsolicited_code"), login(at(4, 9), **HOME)])
    assert d.decision == "allow" and d.reasons == [
        "customer_reported_phishing",
        "reported_url_impersonates_broker",
    ]


def test_old_reports_expire():
    assert judge(PhishingReported(days=1), [*history(), report(), login(at(9, 9), **ABROAD)]).reasons == []


def test_a_reported_url_impersonating_a_broker_raises_the_risk_and_is_watched():
    from kozaguard.adapters.memory import memory_state
    from kozaguard.engine.engine import Engine

    engine = Engine(memory_state(), [PhishingReported()])
    for e in [*history(), report()]:  # https://sbisec.co.jp.zzq.top/ - the official host as a prefix
        engine.process(e)
    d = engine.process(login(at(4, 9), **ABROAD))
    assert d.decision == "challenge" and "reported_url_impersonates_broker" in d.reasons and d.score >= 0.85
    assert engine.state.watch.get("phishing:sbisec.co.jp.zzq.top")[0][1] == "A1"


def test_a_harmless_url_does_not():
    harmless = ev(
        "customer.report", at(3, 12), account_id="A1", kind="phishing_message", url="https://www.python.org/"
    )
    d = judge(PhishingReported(), [*history(), harmless, login(at(4, 9), **ABROAD)])
    assert d.reasons == ["customer_reported_phishing"]
