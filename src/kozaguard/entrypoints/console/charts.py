"""The dashboard's charts, drawn on the server with matplotlib (SVG: sharp on a phone and a laptop)."""

from __future__ import annotations

import io
from datetime import datetime

import matplotlib

matplotlib.use("Agg")

import japanize_matplotlib  # noqa: F401 - Japanese labels
from matplotlib.figure import Figure

_COLOURS = {
    "allow": "#9bc59d",
    "challenge": "#f2c14e",
    "hold": "#f78154",
    "deny": "#b5446e",
    "lock": "#4d1f3a",
}


def _svg(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    return buf.getvalue()


def decisions_per_hour(slots: list[datetime], series: dict[str, list[int]], labels: dict[str, str]) -> bytes:
    """Stacked bars: decisions per hour by outcome (allow left out when others would vanish beside it)."""
    fig = Figure(figsize=(8, 2.8), dpi=100)
    ax = fig.subplots()
    bottom = [0] * len(slots)
    x = list(range(len(slots)))
    for outcome in ("challenge", "hold", "deny", "lock"):
        values = series.get(outcome, [0] * len(slots))
        ax.bar(
            x, values, bottom=bottom, color=_COLOURS[outcome], label=labels.get(outcome, outcome), width=0.9
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    step = max(1, len(slots) // 8)
    ax.set_xticks(x[::step], [s.strftime("%m-%d %H:00") for s in slots[::step]], fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7, frameon=False, ncols=4, loc="upper left")
    return _svg(fig)


def bars(names: list[str], values: list[float], colour: str = "#3d5a80") -> bytes:
    """Horizontal bars with their values (FSA table, outcomes)."""
    fig = Figure(figsize=(5, 0.35 * max(len(names), 2) + 0.6), dpi=100)
    ax = fig.subplots()
    ax.barh(names, values, color=colour)
    ax.invert_yaxis()
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:,.0f}", va="center", fontsize=7)
    return _svg(fig)
