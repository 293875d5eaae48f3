"""A 200 MB body streamed at a real server (uvicorn in its own process) is refused without being read.

At 36173b8 such a body took the server to 1.8 GiB. The server's peak memory (VmHWM) is read from
/proc and must grow by far less than the body.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

BODY = 200 << 20
CHUNK = b"7" * (64 << 10)
pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc to read memory")

SERVER = """
import uvicorn
from kozaguard.entrypoints.api.app import create_app
uvicorn.run(create_app(), host="127.0.0.1", port={port}, log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    env = {
        **os.environ,
        "KOZAGUARD_HTTP_STORE": "memory",
        "KOZAGUARD_NOTIFIER_KIND": "memory",
        "KOZAGUARD_NOTIFIER_OUTBOX_PATH": str(tmp_path_factory.mktemp("outbox") / "outbox.jsonl"),
    }
    proc = subprocess.Popen([sys.executable, "-c", SERVER.format(port=port)], env=env)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the server did not start") from None
            time.sleep(0.2)
    yield proc.pid, port
    proc.terminate()
    proc.wait(timeout=10)


def _stream(port: int, path: str, content_type: str) -> tuple[bytes, int]:
    """Send up to 200 MB chunked; return (the server's answer, bytes the server let us send)."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        )
        s.sendall(head.encode())
        frame = f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n"
        try:
            while sent < BODY:
                s.sendall(frame)
                sent += len(CHUNK)
            s.sendall(b"0\r\n\r\n")
        except OSError:  # the server answered and closed while we were still sending
            pass
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                data = s.recv(65536)
                if not data:
                    break
                answer += data
        except OSError:
            pass
    return answer, sent


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/identity/login", "application/json"), ("/identity/pages/login", "application/x-www-form-urlencoded")],
)
def test_a_streamed_200_mb_body_is_refused_with_memory_bounded(server, path, content_type):
    pid, port = server
    before = _kib(pid, "VmRSS")
    answer, sent = _stream(port, path, content_type)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < BODY // 2, f"the server read {sent:,} bytes before refusing"
    grown = (_kib(pid, "VmHWM") - before) * 1024
    assert grown < 64 << 20, f"server memory grew by {grown:,} bytes"


def test_a_declared_200_mb_body_is_refused_at_once(server):
    _, port = server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(
            b"POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {BODY}\r\n\r\n".encode()
        )
        assert s.recv(65536).startswith(b"HTTP/1.1 413")
