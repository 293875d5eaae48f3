"""The console's app: memory stores, cases and ledger in the test's folder, staff of every role."""

from __future__ import annotations

import pytest

from doors import console_app, staff_client


@pytest.fixture
def app(tmp_path):
    return console_app(tmp_path)


@pytest.fixture
def staff(app):
    """A function: a logged-in client for a new staff member of a role."""
    return lambda role, staff_id=None: staff_client(app, role, staff_id)
