"""``kozaguard phishing``: lookalike variants, URL checks and feed scans from the command line.

Output is JSON lines (one object per URL, variant or hit) so that it pipes into ``jq`` and log
stores. Bad input never stops a run: each bad line gets a JSON line with an ``error`` field naming
the line, a message on stderr, and the command exits with status 1 at the end.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, BinaryIO, TextIO

import typer

from kozaguard.phishing.brands import ENV_BRANDS, BrandError, load_registry
from kozaguard.phishing.campaigns import CampaignMemory
from kozaguard.phishing.checker import Checker, Verdict, default_checker
from kozaguard.phishing.feed import FeedHit, FeedProblem, scan_lines
from kozaguard.phishing.variants import FUZZERS, generate, validate_domain

phishing_app = typer.Typer(
    name="phishing",
    help="Find URLs and domains that impersonate a broker.",
    no_args_is_help=True,
    add_completion=False,
)

BrandsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--brands",
        help=f"Extra brand file (TOML) or folder of them; repeatable. Also read from ${ENV_BRANDS}.",
    ),
]


def _checker(brands: list[Path] | None) -> Checker:
    if not brands and not os.environ.get(ENV_BRANDS):
        return default_checker()
    try:
        return Checker(load_registry(brands or ()))
    except BrandError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


MemoryOption = Annotated[
    Path | None,
    typer.Option(
        "--memory",
        help="Campaign memory file (JSON): read at the start if it exists, written at the end.",
    ),
]
NoMemoryOption = Annotated[
    bool, typer.Option("--no-memory", help="Check each URL on its own, remembering no campaign")
]


def _memory(path: Path | None, checker: Checker) -> CampaignMemory:
    """The campaign memory of a run: empty, or the one saved in ``path``."""
    if path is None or not path.exists():
        return CampaignMemory(checker)
    try:
        data = json.loads(path.read_text("utf-8"))
        return CampaignMemory.from_export(data, checker, where=str(path))
    except (OSError, json.JSONDecodeError, ValueError) as exc:
        typer.echo(f"error: memory file {path}: {exc}; delete it or pass another --memory", err=True)
        raise typer.Exit(2) from None


def _save_memory(path: Path | None, memory: CampaignMemory | None) -> None:
    if path is None or memory is None:
        return
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(memory.export(), ensure_ascii=False), "utf-8")
    tmp.replace(path)


def _emit(obj: dict, out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _read_words(path: Path | None, what: str) -> list[str] | None:
    if path is None:
        return None
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        typer.echo(f"error: cannot read {what} file {path}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    return [w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#")]


@phishing_app.command()
def variants(
    domain: Annotated[str, typer.Argument(help="Domain to fuzz, e.g. sbisec.co.jp")],
    fuzzer: Annotated[
        list[str] | None, typer.Option("--fuzzer", "-f", help=f"Only these fuzzers: {', '.join(FUZZERS)}")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json")] = False,
    fmt: Annotated[str, typer.Option("--format", help="text, json (JSON lines) or csv")] = "text",
    resolve: Annotated[
        bool, typer.Option("--resolve", help="Look every variant up in DNS; show those that exist")
    ] = False,
    nameserver: Annotated[
        str | None, typer.Option("--nameserver", help="DNS server IP[:PORT] (default: the system's)")
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="With --resolve: also the variants that do not exist")
    ] = False,
    threads: Annotated[int, typer.Option("--threads", help="Parallel DNS look-ups", min=1, max=64)] = 8,
    dictionary: Annotated[
        Path | None, typer.Option("--dictionary", help="Words for the dictionary fuzzer, one a line")
    ] = None,
    tld: Annotated[
        Path | None, typer.Option("--tld", help="TLDs for the tld-swap fuzzer, one a line")
    ] = None,
) -> None:
    """Print lookalike domains of DOMAIN, each with the fuzzer that made it (and, with --resolve,
    the DNS records of those that exist)."""
    fmt = "json" if as_json else fmt.lower()
    if fmt not in ("text", "json", "csv"):
        typer.echo(f"error: --format {fmt!r}: pass csv, json or text", err=True)
        raise typer.Exit(2)
    try:
        domain = validate_domain(domain)
        found = generate(
            domain, fuzzer or None, words=_read_words(dictionary, "dictionary"), tlds=_read_words(tld, "TLD")
        )
    except ValueError as exc:  # UrlError is a ValueError
        typer.echo(f"error: {exc}" if str(exc).startswith("'") else f"error: {domain!r}: {exc}", err=True)
        raise typer.Exit(2) from None
    rows: list[dict] = [v.to_dict() for v in found]
    failed = 0
    if resolve:
        from kozaguard.phishing.resolve import make_resolver, resolve_all

        try:
            resolver = make_resolver(nameserver)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        results = resolve_all(found, resolver, threads)
        failed = sum(r.error is not None for r in results)
        rows = [r.to_dict() for r in results if show_all or r.exists or r.error is not None]
    _write_variants(rows, fmt, resolve, sys.stdout)
    if failed:
        typer.echo(f"{failed} look-ups failed (their rows carry an error)", err=True)
        raise typer.Exit(1)


def _write_variants(rows: list[dict], fmt: str, resolved: bool, out: TextIO) -> None:
    """Variants as text (aligned), JSON lines or CSV with a header."""
    if fmt == "json":
        for row in rows:
            _emit(row, out)
        return
    if fmt == "csv":
        import csv

        fields = ["fuzzer", "domain", "unicode"]
        if resolved:
            fields += ["exists", "a", "aaaa", "mx", "ns", "error"]
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            flat = {k: row.get(k, "") for k in fields}
            for k in ("a", "aaaa", "mx", "ns"):
                if k in flat and isinstance(flat[k], list):
                    flat[k] = " ".join(flat[k])
            if resolved:
                flat["exists"] = "true" if row.get("exists") else "false"
                flat["error"] = row.get("error") or ""
            writer.writerow(flat)
        return
    for row in rows:
        shown = row["domain"] if row["unicode"] == row["domain"] else f"{row['domain']}  ({row['unicode']})"
        line = f"{row['fuzzer']:<14} {shown}"
        if resolved:
            records = " ".join(f"{k.upper()}:{','.join(row[k])}" for k in ("a", "aaaa", "mx", "ns") if row[k])
            line += f"  {records or '-'}" + (f"  error: {row['error']}" if row.get("error") else "")
        out.write(line + "\n")


def _check_inputs(urls: list[str]) -> Iterator[tuple[str, int | None, str]]:
    """(origin, line number, text): arguments, or stdin lines when the only argument is '-'."""
    if urls == ["-"]:
        for number, line in enumerate(sys.stdin, 1):
            yield "stdin", number, line.rstrip("\r\n")
    else:
        for number, url in enumerate(urls, 1):
            yield "argument", number, url


@phishing_app.command()
def check(
    urls: Annotated[
        list[str], typer.Argument(help="URLs to check, or '-' to read one URL a line from stdin")
    ],
    brands: BrandsOption = None,
    memory_file: MemoryOption = None,
    no_memory: NoMemoryOption = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="A page saved from the one URL given: read it too")
    ] = None,
) -> None:
    """Check URLs: one JSON line each with verdict, brand, score and reasons.

    URLs of one run share a campaign memory: a URL that shares a registered domain, a kit template
    or a random path token with an earlier URL called impersonation inherits its brand ("note").
    """
    checker = _checker(brands)
    if html is not None:
        _check_page(checker, urls, html)
        return
    memory = None if no_memory else _memory(memory_file, checker)
    run = checker.check if memory is None else memory.check
    failed = 0
    out = sys.stdout
    for origin, number, text in _check_inputs(urls):
        if not text.strip():
            result_dict = {"url": text, "line": number, "error": "empty line"}
            failed += 1
            typer.echo(f"{origin} line {number}: empty line", err=True)
            _emit(result_dict, out)
            continue
        result = run(text)
        obj = result.to_dict()
        if result.error is not None:
            failed += 1
            obj["line"] = number
            typer.echo(f"{origin} line {number}: {result.error}: {text[:200]!r}", err=True)
        _emit(obj, out)
    out.flush()
    _save_memory(memory_file, memory)
    if failed:
        raise typer.Exit(1)


def _check_page(checker: Checker, urls: list[str], html: Path) -> None:
    """``check --html FILE URL``: the verdict on URL with the saved page read too."""
    from kozaguard.phishing.pages import PageReader

    if len(urls) != 1 or urls == ["-"]:
        typer.echo("error: --html FILE takes exactly one URL: the one the page was saved from", err=True)
        raise typer.Exit(2)
    try:
        text = html.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        typer.echo(f"error: cannot read page {html}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    result = PageReader(checker).check(urls[0], text)
    _emit(result.to_dict(), sys.stdout)
    if result.error is not None:
        typer.echo(f"argument line 1: {result.error}: {urls[0][:200]!r}", err=True)
        raise typer.Exit(1)


def _load_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, json.JSONDecodeError) as exc:
        typer.echo(f"error: state file {path} is unreadable ({exc}); delete it or drop --resume", err=True)
        raise typer.Exit(2) from None


def _save_state(path: Path, state: dict) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(state), "utf-8")
    tmp.replace(path)


def _numbered_lines(stream: BinaryIO, start_line: int, position: list[int]) -> Iterator[tuple[int, str]]:
    number = start_line
    for raw in stream:
        number += 1
        position[0] += len(raw)
        position[1] = number
        yield number, raw.decode("utf-8", errors="replace")


@phishing_app.command()
def scan(
    feed: Annotated[
        Path, typer.Argument(help="Feed file: domains/URLs one a line, or CT JSON lines ('-': stdin)")
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write hits here (default stdout)")
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from the saved state")] = False,
    state: Annotated[
        Path | None, typer.Option("--state", help="State file (default: FEED.state next to the feed)")
    ] = None,
    min_verdict: Annotated[
        str, typer.Option("--min-verdict", help="Report 'suspicious' and worse, or only 'impersonation'")
    ] = "suspicious",
    brands: BrandsOption = None,
    every: Annotated[int, typer.Option("--save-every", help="Save the state every N lines")] = 10_000,
    memory_file: MemoryOption = None,
    no_memory: NoMemoryOption = False,
) -> None:
    """Scan a feed of newly seen domains; write hits (JSON lines with brand and score).

    The feed is read with a campaign memory (see ``check``), saved with --memory FILE.
    """
    if min_verdict not in ("suspicious", "impersonation"):
        typer.echo("error: --min-verdict must be 'suspicious' or 'impersonation'", err=True)
        raise typer.Exit(2)
    checker = _checker(brands)
    memory = None if no_memory else _memory(memory_file, checker)
    from_stdin = str(feed) == "-"
    if from_stdin and resume:
        typer.echo("error: --resume needs a feed file, not stdin", err=True)
        raise typer.Exit(2)
    state_path = state or Path(str(feed) + ".state")
    offset, start_line, hits_before = 0, 0, 0
    if resume:
        saved = _load_state(state_path)
        if saved and saved.get("feed") != str(feed.resolve()):
            typer.echo(f"error: state file {state_path} belongs to {saved.get('feed')}, not {feed}", err=True)
            raise typer.Exit(2)
        offset, start_line, hits_before = saved.get("offset", 0), saved.get("line", 0), saved.get("hits", 0)
    try:
        stream: BinaryIO = sys.stdin.buffer if from_stdin else feed.open("rb")
    except OSError as exc:
        typer.echo(f"error: cannot open feed {feed}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    total = None if from_stdin else feed.stat().st_size
    if offset:
        if total is not None and offset > total:
            typer.echo(f"error: saved offset {offset} is past the end of {feed} ({total} bytes)", err=True)
            raise typer.Exit(2)
        stream.seek(offset)
    out: TextIO = output.open("a" if resume else "w", encoding="utf-8") if output else sys.stdout
    position = [offset, start_line]
    hits, problems = hits_before, 0
    progress = None
    if not from_stdin and sys.stderr.isatty():
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

        progress = Progress(
            TextColumn("scanning"), BarColumn(), TransferSpeedColumn(), TimeRemainingColumn(), transient=True
        )
        progress.start()
        task = progress.add_task("scan", total=total, completed=offset)

    def save() -> None:
        _save_memory(memory_file, memory)
        if not from_stdin:
            out.flush()
            _save_state(
                state_path,
                {"feed": str(feed.resolve()), "offset": position[0], "line": position[1], "hits": hits},
            )

    try:
        lines = _numbered_lines(stream, start_line, position)
        last_saved = start_line
        for item in scan_lines(lines, memory or checker, min_verdict=Verdict(min_verdict)):
            if isinstance(item, FeedHit):
                hits += 1
                _emit(item.to_dict(), out)
            elif isinstance(item, FeedProblem):
                problems += 1
                typer.echo(f"{feed}:{item.line}: {item.error}", err=True)
            if position[1] - last_saved >= every:
                save()
                last_saved = position[1]
                if progress is not None:
                    progress.update(task, completed=position[0])
        # Lines after the last hit or problem were read by the generator; record them too.
        save()
    finally:
        if progress is not None:
            progress.stop()
        if output:
            out.close()
        if not from_stdin:
            stream.close()
    typer.echo(
        f"scanned {position[1] - start_line} lines, {hits - hits_before} hits, {problems} bad lines", err=True
    )
    if problems:
        raise typer.Exit(1)
