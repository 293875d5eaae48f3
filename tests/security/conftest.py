"""The real app over in-memory stores, for attacks on its doors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from doors import app_settings
from kozaguard.entrypoints.api.app import create_app


@pytest.fixture
def app(tmp_path):
    return create_app(app_settings(tmp_path))


@pytest.fixture
def client(app):
    return TestClient(app)
