"""A message's stream sequence and store time, read from its reply subject, equal the client's own
metadata in both reply forms (no server needed)."""

import pytest
from nats.aio.msg import Msg

from kozaguard.entrypoints.worker import _position

REPLIES = [
    "$JS.ACK.kozaguard.p0-ab12.1.4711.42.1733100000123456789.7",
    "$JS.ACK.hub.ACCHASH.kozaguard.p1-cd34.2.815.9.1733100000987654321.0.rnd",
]


@pytest.mark.parametrize("reply", REPLIES)
def test_the_position_equals_the_client_metadata(reply):
    msg = Msg(_client=None, subject="kozaguard.events.0", reply=reply, data=b"{}")
    meta = msg.metadata
    seq, stored = _position(msg)
    assert seq == meta.sequence.stream
    assert stored == pytest.approx(meta.timestamp.timestamp(), abs=1e-6)
