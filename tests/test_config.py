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


def test_every_example_in_the_configuration_doc_builds_an_engine_and_states_the_defaults(tmp_path):
    """The doc's TOML loads as it is, and the values it shows are the detectors' real defaults."""
    import inspect
    import re
    from pathlib import Path

    from kozaguard.engine.detectors import REGISTRY

    doc = (Path(__file__).parents[1] / "docs/configuration.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", doc, re.S)
    assert len(blocks) >= 2
    for i, block in enumerate(blocks):
        path = tmp_path / f"example{i}.toml"
        path.write_text(block.replace('"sqlite:kozaguard.db"', f'"sqlite:{tmp_path / "doc.db"}"'))
        settings = load_settings(path)
        build_engine(settings).state.close()
        for name, values in settings.detectors.items():
            defaults = inspect.signature(REGISTRY[name].__init__).parameters
            for key, value in values.items():
                assert defaults[key].default == value, f"docs/configuration.md [detectors.{name}] {key}"
