"""The brand registry: which brokers we protect, their official hosts and the words that name them.

Brands are data, not code: ``data/brands.toml`` ships the Japanese online brokers, and a broker adds
its own in one TOML file of the same shape, passed with ``--brands FILE`` or listed in the
``KOZAGUARD_PHISHING_BRANDS`` environment variable (paths separated by ``os.pathsep``). A brand in
an extra file replaces the shipped brand with the same ``id``.

>>> registry = default_registry()
>>> registry.get("sbisec").name
'SBI証券'
>>> "site1.sbisec.co.jp" in registry.get("sbisec").hosts
True
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

ENV_BRANDS = "KOZAGUARD_PHISHING_BRANDS"

_LIST_FIELDS = (
    "domains",
    "hosts",
    "group_domains",
    "tokens",
    "weak_tokens",
    "japanese",
    "login_paths",
    "login_params",
    "login_sources",
    "not_typos",
)
_KNOWN_FIELDS = {"id", "name", "name_en", *_LIST_FIELDS}


class BrandError(ValueError):
    """A brand file is malformed; the message names the file, the brand and the field."""


@dataclass(frozen=True, slots=True)
class Brand:
    """One broker: the hosts that are really its own and the words that name it."""

    id: str
    name: str
    name_en: str = ""
    domains: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    group_domains: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    weak_tokens: tuple[str, ...] = ()
    japanese: tuple[str, ...] = ()
    login_paths: tuple[str, ...] = ()
    login_params: tuple[str, ...] = ()
    login_sources: tuple[str, ...] = ()
    not_typos: tuple[str, ...] = ()

    def is_official(self, host: str) -> bool:
        """True if ``host`` is one of the brand's own hosts (under an official domain).

        >>> default_registry().get("mumss").is_official("www.sc.mufg.jp")
        True
        >>> default_registry().get("mumss").is_official("sc.mufg.jp.example.com")
        False
        """
        return any(host == d or host.endswith("." + d) for d in self.domains)

    @property
    def domain_labels(self) -> tuple[str, ...]:
        """The first label of each official domain (``sbisec`` of ``sbisec.co.jp``), hyphens removed."""
        return tuple(dict.fromkeys(d.split(".")[0].replace("-", "") for d in self.domains))


@dataclass(frozen=True, slots=True)
class BrandRegistry:
    """All brands known to the checker, looked up by id."""

    brands: tuple[Brand, ...]
    _by_id: Mapping[str, Brand] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {b.id: b for b in self.brands})

    def get(self, brand_id: str) -> Brand:
        """The brand with this id (KeyError if none)."""
        return self._by_id[brand_id]

    def __iter__(self):
        return iter(self.brands)

    def __len__(self) -> int:
        return len(self.brands)

    def merged(self, extra: Iterable[Brand]) -> BrandRegistry:
        """A registry where ``extra`` brands replace same-id brands and the rest are appended."""
        by_id = dict(self._by_id)
        for brand in extra:
            by_id[brand.id] = brand
        return BrandRegistry(tuple(by_id.values()))


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list):
        raise BrandError(f"{where}: expected a list of strings, got {type(value).__name__}")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise BrandError(f"{where}[{i}]: expected a non-empty string, got {item!r}")
    return tuple(item.strip() for item in value)


def _normalise_token(token: str) -> str:
    return token.lower().replace("-", "").replace("_", "").replace(".", "")


def brand_from_mapping(data: Mapping[str, Any], where: str = "brand") -> Brand:
    """Build and validate one :class:`Brand` from a parsed TOML table.

    >>> brand_from_mapping({"id": "x", "name": "X証券", "domains": ["x-sec.example"]}).domains
    ('x-sec.example',)
    >>> brand_from_mapping({"id": "x", "name": "X"})
    Traceback (most recent call last):
    ...
    kozaguard.phishing.brands.BrandError: brand 'x': needs at least one entry in "domains"
    """
    unknown = set(data) - _KNOWN_FIELDS
    if unknown:
        raise BrandError(f"{where}: unknown field(s) {sorted(unknown)}; known: {sorted(_KNOWN_FIELDS)}")
    brand_id = data.get("id")
    if not isinstance(brand_id, str) or not brand_id.strip():
        raise BrandError(f'{where}: "id" must be a non-empty string')
    where = f"{where} {brand_id!r}" if where != "brand" else f"brand {brand_id!r}"
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BrandError(f'{where}: "name" must be a non-empty string')
    lists = {k: _strings(data[k], f"{where}.{k}") for k in _LIST_FIELDS if k in data}
    domains = tuple(d.lower().rstrip(".") for d in lists.get("domains", ()))
    if not domains:
        raise BrandError(f'{where}: needs at least one entry in "domains"')
    hosts = tuple(h.lower().rstrip(".") for h in lists.get("hosts", ()))
    for host in hosts:
        if not any(host == d or host.endswith("." + d) for d in domains):
            raise BrandError(f"{where}.hosts: {host!r} is not under any official domain {list(domains)}")
    for path in lists.get("login_paths", ()):
        if not path.startswith("/"):
            raise BrandError(f"{where}.login_paths: {path!r} must start with '/'")
    return Brand(
        id=brand_id.strip(),
        name=name.strip(),
        name_en=str(data.get("name_en", "")),
        domains=domains,
        hosts=hosts or tuple(domains),
        group_domains=tuple(d.lower().rstrip(".") for d in lists.get("group_domains", ())),
        tokens=tuple(dict.fromkeys(_normalise_token(t) for t in lists.get("tokens", ()))),
        weak_tokens=tuple(dict.fromkeys(_normalise_token(t) for t in lists.get("weak_tokens", ()))),
        japanese=lists.get("japanese", ()),
        login_paths=lists.get("login_paths", ()),
        login_params=lists.get("login_params", ()),
        login_sources=lists.get("login_sources", ()),
        not_typos=tuple(t.lower() for t in lists.get("not_typos", ())),
    )


def parse_brands(text: str, source: str = "<brands>") -> tuple[Brand, ...]:
    """Parse a brand TOML document (``[[brands]]`` tables); errors name ``source``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BrandError(f"{source}: not valid TOML: {exc}") from exc
    tables = data.get("brands")
    if not isinstance(tables, list) or not tables:
        raise BrandError(f"{source}: expected one or more [[brands]] tables")
    brands = []
    seen: set[str] = set()
    for i, table in enumerate(tables):
        if not isinstance(table, dict):
            raise BrandError(f"{source}: brands[{i}] is not a table")
        brand = brand_from_mapping(table, where=f"{source}: brands[{i}]")
        if brand.id in seen:
            raise BrandError(f"{source}: brand id {brand.id!r} appears twice")
        seen.add(brand.id)
        brands.append(brand)
    return tuple(brands)


@cache
def default_registry() -> BrandRegistry:
    """The brands shipped with kozaguard (read once)."""
    text = resources.files("kozaguard.phishing").joinpath("data/brands.toml").read_text("utf-8")
    return BrandRegistry(parse_brands(text, "kozaguard/phishing/data/brands.toml"))


def brand_paths_from_env(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Extra brand files named by ``KOZAGUARD_PHISHING_BRANDS``."""
    value = (os.environ if environ is None else environ).get(ENV_BRANDS, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def load_registry(
    extra_paths: Iterable[str | os.PathLike[str]] = (), *, use_env: bool = True
) -> BrandRegistry:
    """Shipped brands plus the brands in ``extra_paths`` (files, or folders of ``*.toml``) and the env."""
    registry = default_registry()
    paths = [Path(p) for p in extra_paths]
    if use_env:
        paths = brand_paths_from_env() + paths
    for path in paths:
        files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
        for file in files:
            try:
                text = file.read_text("utf-8")
            except OSError as exc:
                raise BrandError(f"{file}: cannot read brand file: {exc.strerror or exc}") from exc
            registry = registry.merged(parse_brands(text, str(file)))
    return registry
