"""The evidence finders, registered in one place. A new finder is one file here and one line below.

Each finder reads one part of a URL and adds brand evidence (which brand is named or imitated) or
context (how phishy the place is), as reason codes (:mod:`kozaguard.phishing.reasons`); the pure
scorer (:mod:`kozaguard.phishing.scorer`) turns them into a verdict. Host finders read a
:class:`~kozaguard.phishing.finders.reading.HostReading`, path finders a ``PathReading``, URL
finders the merged ``UrlReading``. They run in the order listed: the order of evidence is the order
of the reasons, and a later finder may look at what earlier ones found.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from kozaguard.phishing.finders import (
    brand_tokens,
    cheap_tld,
    deep_subdomain,
    glued_brand,
    japanese_name,
    kit_host,
    listed_domains,
    login_path,
    login_words,
    lookalike_label,
    numbered_label,
    official_host,
    page_name,
    path_brand,
    path_japanese,
    phishing_words,
    punycode,
    query_params,
    random_label,
    sms_brand,
    sms_lure,
    suffix_fragment,
    typos,
    userinfo,
)

_HOST = (
    listed_domains,
    cheap_tld,
    punycode,
    deep_subdomain,
    brand_tokens,
    official_host,
    lookalike_label,
    typos,
    glued_brand,
    japanese_name,
    phishing_words,
    numbered_label,
    random_label,
    kit_host,
)
_PATH = (
    userinfo,
    login_path,
    query_params,
    path_brand,
    page_name,
    suffix_fragment,
    path_japanese,
    login_words,
)
_URL = (sms_lure, sms_brand)

#: Every finder module by name, with the codes it may add (``CODES``).
MODULES: dict[str, ModuleType] = {m.__name__.rpartition(".")[2]: m for m in (*_HOST, *_PATH, *_URL)}


def _registry(modules: tuple[ModuleType, ...]) -> dict[str, Callable[[Any], None]]:
    return {m.__name__.rpartition(".")[2]: m.find for m in modules}


#: Host finders, in order. ``listed_domains`` comes first: an official host is read no further.
HOST_FINDERS = _registry(_HOST)
#: Path finders, in order.
PATH_FINDERS = _registry(_PATH)
#: Finders of the whole URL, after host and path.
URL_FINDERS = _registry(_URL)
