"""Scores an engine's decisions against a simulator's labels: attacks stopped, loss prevented, friction.

The rules and the valuation of losses are in docs/evaluation.md. `evaluate` is the pure core;
`kozaguard evaluate` wraps it.
"""

from kozaguard.evaluation.report import Report
from kozaguard.evaluation.scoring import InconsistentInput, Sources, evaluate

__all__ = ["InconsistentInput", "Report", "Sources", "evaluate"]
