"""The Japanese font the chart and the PDF letter use: IPAexGothic, shipped by japanize-matplotlib.

Located through the package's files without importing it (its import changes matplotlib's global
settings), so output looks the same on every machine, with or without system fonts.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path


@lru_cache(maxsize=1)
def font_path() -> Path:
    """The IPAexGothic TrueType file."""
    spec = find_spec("japanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("japanize-matplotlib is not installed; reinstall kozaguard with its dependencies")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"


def japanese_font():
    """matplotlib font properties for Japanese labels."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=str(font_path()))
