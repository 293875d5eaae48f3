"""Comparing two runs of one stream: every kind of difference is named, and one no other account's
events explain is `unexplained` (what the scale-out tests fail on)."""

from kozaguard.evaluation.partition_order import compare


def ev(k: str, account: str, session: str | None = None) -> dict:
    return {"event_id": k, "account_id": account, "session_id": session}


def d(k: str, decision: str = "allow", *reasons: str, score: float = 0.1) -> dict:
    return {"event_id": k, "decision": decision, "reasons": list(reasons), "score": score}


def test_identical_runs_have_no_differences():
    events = [ev("1", "A", "s"), ev("2", "B", "t")]
    runs = [d("1"), d("2", "hold", "new_device")]
    c = compare(runs, list(runs), events)
    assert (c.differ, c.missing, c.extra, c.decisions) == ({}, [], [], 2)


def test_each_explanation_and_the_unexplained():
    events = [
        ev("1", "A", "s"),  # login: seen on another account in one run only
        ev("2", "A", "s"),  # order on that session: same reasons, another score
        ev("3", "A", "u"),  # a later session of A: its state moved with the hold
        ev("4", "B", "v"),  # B's order: nothing about other accounts, yet different
    ]
    a = [
        d("1", "challenge", "device_shared_across_accounts"),
        d("2", "hold", "sell_out_on_risky_session", score=0.99),
        d("3"),
        d("4"),
    ]
    b = [
        d("1", "challenge"),
        d("2", "hold", "sell_out_on_risky_session", score=0.95),
        d("3", score=0.2),
        d("4", "hold"),
    ]
    c = compare(a, b, events)
    assert c.differ == {
        "1": "cross_account_reason",
        "2": "cross_account_session",
        "3": "downstream",
        "4": "unexplained",
    }
    assert c.unexplained == ["4"]
    assert c.counts() == {
        "cross_account_reason": 1,
        "cross_account_session": 1,
        "downstream": 1,
        "unexplained": 1,
    }


def test_a_session_doubted_in_both_runs_still_explains_a_score():
    events = [ev("1", "A", "s"), ev("2", "A", "s")]
    a = [d("1", "challenge", "ip_shared_across_accounts"), d("2", "hold", score=0.9)]
    b = [d("1", "challenge", "ip_shared_across_accounts"), d("2", "hold", score=0.8)]
    assert compare(a, b, events).differ == {"2": "cross_account_session"}


def test_missing_and_extra_decisions_are_listed():
    events = [ev("1", "A"), ev("2", "A"), ev("3", "A")]
    c = compare([d("1"), d("2")], [d("1"), d("3")], events)
    assert (c.missing, c.extra, c.differ) == (["2"], ["3"], {})


def test_a_threshold_of_the_friction_budget_and_a_campaign_finding_explain_a_difference():
    events = [ev("1", "A", "s"), ev("2", "B", "t"), ev("3", "C", "u")]
    a = [d("1", "hold", "takeover_evidence"), d("2", "hold", "campaign_infrastructure"), d("3", "hold")]
    b = [d("1"), d("2"), d("3", "hold", "sell_out")]  # C: nothing about other accounts differs
    assert compare(a, b, events).differ == {
        "1": "friction_budget",
        "2": "cross_account_reason",
        "3": "unexplained",
    }
