"""Bad input to the scale-out commands: a clear error naming the place and the fix, never a traceback."""

from __future__ import annotations

import pytest

from scaleout.pipeline import REDIS_URL, run

pytestmark = pytest.mark.services


def test_publish_names_the_bad_line_and_publishes_what_came_before(tmp_path, nats_url, name):
    events = tmp_path / "events.jsonl"
    good = (
        b'{"type":"fx.rate","event_id":"f1","ts":"2025-04-01T09:00:00+09:00","pair":"USDJPY","rate":150.1}\n'
    )
    events.write_bytes(good + b'{"type":"fx.rate","event_id":"f2","ts":"2025-04-01T09:01:00+09:00"}\n')
    done = run("publish", str(events), "--nats", nats_url, "--stream", name, "--partitions", "2")
    err = done.stderr.decode()
    assert done.returncode == 2 and "events.jsonl:2: event f2: field `pair`" in err, err
    assert "nothing after that line was published" in err and "Traceback" not in err


def test_stream_names_with_dots_are_refused(tmp_path, nats_url):
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"")
    done = run("publish", str(events), "--nats", nats_url, "--stream", "a.b")
    assert done.returncode == 2 and b"--stream 'a.b'" in done.stderr and b"Traceback" not in done.stderr


def test_decisions_of_a_stream_never_published(tmp_path, nats_url, name):
    done = run("decisions", "--nats", nats_url, "--stream", name, "-o", str(tmp_path / "d.jsonl"))
    assert done.returncode == 2 and b"does not exist yet" in done.stderr and b"Traceback" not in done.stderr


def test_unreachable_servers_are_named(tmp_path, name):
    done = run("decisions", "--nats", "nats://127.0.0.1:1", "--stream", name, "-o", str(tmp_path / "d"))
    assert done.returncode == 2 and b"--nats nats://127.0.0.1:1: cannot connect" in done.stderr
    done = run("worker", "--nats", "nats://127.0.0.1:1", "--redis", "redis://127.0.0.1:1/0", "--stream", name)
    assert done.returncode == 2 and b"--redis" in done.stderr and b"Traceback" not in done.stderr


def test_worker_checks_its_case_database(name, nats_url, redis_client):
    done = run(
        "worker",
        "--nats",
        nats_url,
        "--redis",
        REDIS_URL,
        "--stream",
        name,
        "--db",
        "sqlite:////nonexistent/x/y.db",
    )
    assert done.returncode == 2 and b"--db sqlite:////nonexistent/x/y.db: cannot connect" in done.stderr
