"""Scores an engine's decisions against a simulator's labels: attacks stopped, loss prevented, friction.

The rules are those of shared/spec/events.md ("How a stream is scored"), with losses valued as in
shared/spec/compensation.md. `evaluate` is the pure core; `kozaguard evaluate` wraps it.
"""

from kozaguard.evaluation.report import Report
from kozaguard.evaluation.scoring import InconsistentInput, Sources, evaluate

__all__ = ["InconsistentInput", "Report", "Sources", "evaluate"]
