"""Feeds of newly seen names: one domain or URL a line, or certificate-transparency JSON lines.

A feed line may be a plain domain or URL, or a JSON object in the shape certstream emits
(``{"data": {"leaf_cert": {"all_domains": [...]}}}``), or any JSON object with ``domain``,
``domains``, ``url`` or ``all_domains``. :func:`names_in_line` turns a line into the names to check;
:func:`scan_lines` checks them and yields hits. Both are pure: reading files, the progress bar and
the resume state live in the CLI.

>>> names_in_line('{"data": {"leaf_cert": {"all_domains": ["*.sbisec-login.top", "sbisec-login.top"]}}}')
['sbisec-login.top']
>>> names_in_line("https://evil.example/login")
['https://evil.example/login']
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kozaguard.phishing.checker import Checker, CheckResult, Verdict

if TYPE_CHECKING:
    from kozaguard.phishing.campaigns import CampaignMemory


class FeedError(ValueError):
    """A feed line that is neither a name nor a JSON record we know."""


def _from_json(obj: Any) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, list):
        return [x for x in obj if isinstance(x, str)]
    if not isinstance(obj, dict):
        return []
    data = obj.get("data")
    if isinstance(data, dict):
        leaf = data.get("leaf_cert")
        if isinstance(leaf, dict) and isinstance(leaf.get("all_domains"), list):
            return [x for x in leaf["all_domains"] if isinstance(x, str)]
    for key in ("all_domains", "domains", "dns_names"):
        if isinstance(obj.get(key), list):
            return [x for x in obj[key] if isinstance(x, str)]
    for key in ("url", "domain", "host", "name"):
        if isinstance(obj.get(key), str):
            return [obj[key]]
    return []


def names_in_line(line: str) -> list[str]:
    """The names a feed line carries, wildcards removed and duplicates dropped, in order.

    Raises :class:`FeedError` for JSON that carries no name.
    """
    text = line.strip()
    if not text or text.startswith("#"):
        return []
    if text[0] in "{[":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FeedError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
        names = _from_json(obj)
        if not names:
            raise FeedError(
                "JSON record without a domain (expected data.leaf_cert.all_domains, domains or url)"
            )
    else:
        names = [text]
    out: list[str] = []
    for name in names:
        name = name.strip()
        if name.startswith("*."):
            name = name[2:]
        if name and name not in out:
            out.append(name)
    return out


@dataclass(frozen=True, slots=True)
class FeedHit:
    """A name from the feed that scored as impersonation or suspicious."""

    line: int
    result: CheckResult

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of a hit: the check result plus the feed line number."""
        return {"line": self.line, **self.result.to_dict()}


@dataclass(frozen=True, slots=True)
class FeedProblem:
    """A feed line that could not be read, with its number and what is wrong."""

    line: int
    error: str


def scan_lines(
    lines: Iterable[tuple[int, str]],
    checker: Checker | CampaignMemory,
    *,
    min_verdict: Verdict = Verdict.SUSPICIOUS,
) -> Iterator[FeedHit | FeedProblem]:
    """Check every name in ``(line number, text)`` pairs; yield hits and unreadable lines.

    ``min_verdict`` is ``suspicious`` (report suspicious and impersonation) or ``impersonation``.
    Errors on single names in a certificate are skipped (certificates carry odd names); a line
    whose every name is unreadable is reported as a problem.
    """
    wanted = {Verdict.IMPERSONATION}
    if min_verdict == Verdict.SUSPICIOUS:
        wanted.add(Verdict.SUSPICIOUS)
    for number, text in lines:
        try:
            names = names_in_line(text)
        except FeedError as exc:
            yield FeedProblem(number, str(exc))
            continue
        errors = []
        for name in names:
            result = checker.check(name)
            if result.error is not None:
                errors.append(f"{name!r}: {result.error}")
            elif result.verdict in wanted:
                yield FeedHit(number, result)
        if errors and len(errors) == len(names):
            yield FeedProblem(number, "; ".join(errors))
