from kozaguard.engine.detectors.phishing_reported import PhishingReported
from scenarios import ABROAD, HOME, history, judge
from streams import at, ev, login


def report(kind="phishing_message"):
    return ev("customer.report", at(3, 12), account_id="A1", kind=kind, url="https://sbisec.co.jp.zzq.top/")


def test_new_device_after_a_phishing_report_is_challenged():
    d = judge(PhishingReported(), [*history(), report(), login(at(4, 9), **ABROAD)])
    assert d.decision == "challenge" and d.reasons == ["customer_reported_phishing"]


def test_familiar_device_only_adds_risk():
    d = judge(PhishingReported(), [*history(), report("unsolicited_code"), login(at(4, 9), **HOME)])
    assert d.decision == "allow" and d.reasons == ["customer_reported_phishing"]


def test_old_reports_expire():
    assert judge(PhishingReported(days=1), [*history(), report(), login(at(9, 9), **ABROAD)]).reasons == []
