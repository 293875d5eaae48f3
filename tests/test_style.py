"""The code stays as ruff (configured in pyproject.toml) wants it: lint and format both clean."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed (it comes with the test extras)")
@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(args):
    run = subprocess.run([RUFF, *args, "src", "tests", "bench"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_repo_documents_itself():
    """Users have only the repository: no doc, docstring or comment sends them to a team folder or to
    one machine's paths."""
    outside = re.compile(r"\.\./shared|shared/(spec|glossary|domain|architecture|seed)|/work/|/home/")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("src", "docs", "bench", "tests")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".md", ".toml", ".html"}
        and "data" not in path.parts
        and path.name != "test_style.py"
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if outside.search(line)
    ]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    offenders += ["README.md"] if outside.search(readme) else []
    assert offenders == []
