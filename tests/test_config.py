"""Settings files: every key typed, unknown keys and bad values refused with the key named."""

from __future__ import annotations

import pytest

from kozaguard.bootstrap import build_engine
from kozaguard.config import ConfigError, load_settings


def test_file_and_overrides(tmp_path):
    path = tmp_path / "k.toml"
    path.write_text('[engine]\nstate = "memory"\nflush_every = 5\n[detectors.lockout]\nmax_failures = 3\n')
    settings = load_settings(path, env={}, engine={"state": f"sqlite:{tmp_path / 's.db'}"})
    assert settings.engine.flush_every == 5 and settings.engine.state.startswith("sqlite:")
    engine = build_engine(settings)
    assert next(d for d in engine.detectors if d.name == "lockout").max_failures == 3
    engine.state.close()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("stat = 'memory'\n", r"unknown key `stat` \(did you mean `\[engine\] state`\?\)"),
        (
            "[engine]\nflush_every = 'often'\n",
            r"engine.flush_every = 'often': Expected `int`, got `str`; use a whole",
        ),
        ("state = \n", "cannot read settings"),
        (
            "[detectors.lockout]\nmax_failures = -3\n",
            r"lockout.max_failures = -3: .* from 1 to .*\(default 5\)",
        ),
        ("[detectors.lockout]\nmax_failures = 'five'\n", r"lockout.max_failures = 'five'"),
        ("[detectors.lockout]\nmax_failurs = 3\n", r"max_failurs` \(did you mean `max_failures`\?\)"),
        ("[detectors.lockot]\n", r"no such detector \(did you mean `lockout`\?\)"),
        (
            "[detectors.lockout]\nlock_hours = 30\n",
            r"lock_hours = 30.0: lock: need 0 < first_wait <= max_wait",
        ),
        ("[detectors.shared_client]\nhome_country = 'jp'\n", r"home_country = 'jp'"),
        ("[http]\nmax_body_bytes = 10\n", r"http.max_body_bytes = 10: .* from 64"),
        ("[http]\nstore = 'postgres'\n", r"http.store = 'postgres': .* one of 'sqlite', 'memory'"),
        ("[identity.rate_limits]\nper_ip = 'lots'\n", r"identity.rate_limits.per_ip = 'lots': not a rate"),
    ],
)
def test_bad_settings_name_the_key(tmp_path, text, words):
    path = tmp_path / "k.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=words) as info:
        load_settings(path, env={})
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("detectors", "words"), [({"no_such": {}}, "no such detector"), ({"lockout": {"max": 1}}, "max")]
)
def test_bad_detector_settings_are_refused(detectors, words):
    with pytest.raises(ConfigError, match=words):
        load_settings(None, env={}, detectors=detectors)


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"KOZAGUARD_DETECTORS_LOCKOUT_MAX_FAILURES": "-3"}, r"MAX_FAILURES = '-3': .* from 1"),
        ({"KOZAGUARD_DETECTORS_LOCKOUT_MAX_FAILURES": "five"}, r"MAX_FAILURES = 'five'"),
        ({"KOZAGUARD_HTTP_MAX_BODY": "5"}, r"did you mean `KOZAGUARD_HTTP_MAX_BODY_BYTES`"),
        ({"KOZAGUARD_STORE": "memory"}, r"KOZAGUARD_STORE is now KOZAGUARD_HTTP_STORE"),
    ],
)
def test_bad_variables_name_the_variable(env, words):
    with pytest.raises(ConfigError, match=words):
        load_settings(None, env=env)


def test_variables_are_typed_and_override_the_file(tmp_path):
    path = tmp_path / "k.toml"
    path.write_text("[detectors.lockout]\nmax_failures = 3\n[http]\nmax_batch_events = 10\n")
    env = {
        "KOZAGUARD_DETECTORS_LOCKOUT_MAX_FAILURES": "7",
        "KOZAGUARD_HTTP_TRUSTED_PROXIES": "10.0.0.1, 10.1.0.0/16",
        "KOZAGUARD_IDENTITY_MFA_AT_LOGIN": "false",
        "KOZAGUARD_PHISHING_BRANDS": "not a setting, left to its own module",
    }
    settings = load_settings(path, env=env)
    assert settings.detectors == {"lockout": {"max_failures": 7}} and settings.http.max_batch_events == 10
    assert (
        settings.http.trusted_proxies == ("10.0.0.1", "10.1.0.0/16")
        and settings.identity.mfa_at_login is False
    )


def test_the_identity_service_locks_by_the_engine_lockout_settings():
    from kozaguard.bootstrap import identity_policy

    policy = identity_policy(load_settings(None, env={}, detectors={"lockout": {"max_failures": 3}}))
    assert policy.lock.max_failures == 3


@pytest.mark.parametrize("command", ["replay", "serve"])
def test_replay_and_serve_refuse_bad_settings_before_any_work(tmp_path, command):
    import subprocess
    import sys

    path = tmp_path / "k.toml"
    path.write_text("[detectors.lockout]\nmax_failures = -3\n")
    args = [str(tmp_path / "none.jsonl")] if command == "replay" else ["--port", "1"]
    run = subprocess.run(
        [sys.executable, "-m", "kozaguard", command, *args, "--config", str(path)],
        capture_output=True,
        timeout=60,
    )
    assert run.returncode == 2 and b"Traceback" not in run.stderr
    assert b"detectors.lockout.max_failures = -3" in run.stderr


def test_every_key_is_in_the_configuration_doc():
    """Each key has its row (type, range, default) in its section's table of docs/configuration.md."""
    import re
    from pathlib import Path

    from kozaguard.config import environment_keys

    doc = (Path(__file__).parents[1] / "docs/configuration.md").read_text(encoding="utf-8")
    tables = dict(re.findall(r"### `\[([\w.]+)\]`\n(.*?)(?=\n###|\Z)", doc, re.S))
    for path, _ in environment_keys().values():
        if path[0] == "detectors":
            row = f"| `{path[1]}` | `{path[2]}` |"
            assert row in tables["detectors.NAME"], f"docs/configuration.md misses {'.'.join(path)}"
        else:
            row = f"| `{path[-1]}` |"
            assert row in tables[".".join(path[:-1])], f"docs/configuration.md misses {'.'.join(path)}"


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
        settings = load_settings(path, env={})
        build_engine(settings).state.close()
        for name, values in settings.detectors.items():
            defaults = inspect.signature(REGISTRY[name].__init__).parameters
            for key, value in values.items():
                assert defaults[key].default == value, f"docs/configuration.md [detectors.{name}] {key}"


def test_every_detector_parameter_declares_its_range():
    """A detector's parameters carry their limits (`engine/detector.py`'s Count, Share, ...): none
    can be set to a value the detector was not written for."""
    from msgspec import Meta

    from kozaguard.config import _fields, detector_parameters
    from kozaguard.engine.detectors import REGISTRY

    for name, detector in REGISTRY.items():
        for key, tp in _fields(detector_parameters(detector)).items():
            metas = [m for m in getattr(tp, "__metadata__", ()) if isinstance(m, Meta)]
            assert metas, f"[detectors.{name}] {key}: declare its range (e.g. `{key}: Count = ...`)"
