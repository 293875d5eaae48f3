"""Settings files: every key typed, unknown keys and bad values refused with the key named."""

from __future__ import annotations

import pytest

from kozaguard.bootstrap import build_engine
from kozaguard.config import ConfigError, load_settings


def test_file_and_overrides(tmp_path):
    path = tmp_path / "k.toml"
    path.write_text('state = "memory"\nflush_every = 5\n[detectors.lockout]\nmax_failures = 3\n')
    settings = load_settings(path, state=f"sqlite:{tmp_path / 's.db'}")
    assert settings.flush_every == 5 and settings.state.startswith("sqlite:")
    engine = build_engine(settings)
    assert next(d for d in engine.detectors if d.name == "lockout").max_failures == 3
    engine.state.close()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("stat = 'memory'\n", "stat"),
        ("flush_every = 'often'\n", "flush_every"),
        ("state = \n", "cannot read settings"),
    ],
)
def test_bad_settings_name_the_key(tmp_path, text, words):
    path = tmp_path / "k.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=words) as info:
        load_settings(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("detectors", "words"), [({"no_such": {}}, "unknown detector"), ({"lockout": {"max": 1}}, "max")]
)
def test_bad_detector_settings_are_refused(detectors, words):
    with pytest.raises(ConfigError, match=words):
        build_engine(load_settings(None, detectors=detectors))
