"""Phishing watch: which URLs impersonate a broker, and lookalike domains of its brand.

The engine calls :func:`check_url` on customer reports that carry a URL; the CLI
(``kozaguard phishing``) and the HTTP router (:mod:`kozaguard.entrypoints.api.phishing`) wrap the same code.
"""

from kozaguard.phishing.checker import Checker, CheckResult, Verdict, check_url, default_checker

__all__ = ["CheckResult", "Checker", "Verdict", "check_url", "default_checker"]
