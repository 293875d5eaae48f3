"""gen3 lives in bench/, outside the installed package: make the repository root importable."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.gen3.profiles import profile  # noqa: E402
from bench.gen3.world import run  # noqa: E402

SMALL = {"customers": 160, "days": 6, "warmup": 3}


@pytest.fixture(scope="session")
def small_stream(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """One small default-profile stream shared by the tests: 160 customers, 3 quiet days, 3 with campaigns."""
    out = tmp_path_factory.mktemp("gen3")
    summary = run(SMALL["customers"], SMALL["days"], SMALL["warmup"], 11, profile("default"), out)
    return out, summary
