"""Every runtime dependency declared in pyproject.toml is used by the package's own code."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).parents[1]
USED_BY_ANOTHER = {"python-multipart": "FastAPI reads the customer pages' forms with it"}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_declared_dependency_is_used():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    modules: dict[str, set[str]] = {}
    for module, dists in packages_distributions().items():
        for dist in dists:
            modules.setdefault(dist.lower().replace("_", "-"), set()).add(module)
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src/kozaguard").rglob("*.py"))
    unused = []
    for dist in map(_name, declared):
        if dist in USED_BY_ANOTHER:
            continue
        names = modules.get(dist, {dist.replace("-", "_")})
        # imported, read as a resource (data packages), or named as a SQLAlchemy driver
        ways = "|".join(rf"(?:^|\s)(?:import|from) {m}\b|[\"']{m}[\"']|\+{m}:" for m in map(re.escape, names))
        if not re.search(ways, code, re.M):
            unused.append(dist)
    assert not unused, f"declared in pyproject.toml but never used by src/kozaguard: {unused}"
