"""The authentication-policy tests import their shared helpers from mfakit."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # mfakit, the helpers these tests share
