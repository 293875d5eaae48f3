"""The console's two languages: gettext catalogues (Babel), Japan time, yen as people write it.

Message ids are English; `locale/ja/LC_MESSAGES/console.po` holds the Japanese, compiled to the
`.mo` beside it (`python -m kozaguard.entrypoints.console.i18n` extracts, merges and compiles; a
test fails when the compiled file is stale or a message lacks its Japanese). The language is the
`kz_lang` cookie, Japanese by default.
"""

from __future__ import annotations

import gettext
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).parent / "locale"
LANGS = ("ja", "en")
DEFAULT = "ja"
COOKIE = "kz_lang"
TOKYO = ZoneInfo("Asia/Tokyo")
DOMAIN = "console"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as f:
        return gettext.GNUTranslations(f)


def pick(cookie: str | None) -> str:
    return cookie if cookie in LANGS else DEFAULT


def yen(amount: int | float | Decimal | None, lang: str) -> str:
    """1234567 -> '1,234,567円' (ja) or '¥1,234,567' (en).

    >>> yen(1234567, "ja"), yen(-500, "en"), yen(None, "ja")
    ('1,234,567円', '-¥500', '—')
    """
    if amount is None:
        return "—"
    n = format_decimal(abs(round(Decimal(str(amount)))), locale="ja_JP" if lang == "ja" else "en_US")
    sign = "-" if amount < 0 else ""
    return f"{sign}{n}円" if lang == "ja" else f"{sign}¥{n}"


def jst(value: str | datetime | None, lang: str) -> str:
    """A time in Japan time, as a Japanese or English reader writes it.

    >>> jst("2025-04-21T01:05:00+00:00", "ja"), jst("2025-04-21T01:05:00+00:00", "en")
    ('2025/04/21 10:05', 'Apr 21, 2025, 10:05 JST')
    """
    if value is None or value == "":
        return "—"
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    at = at.astimezone(TOKYO)
    if lang == "ja":
        return format_datetime(at, "yyyy/MM/dd HH:mm", locale="ja_JP")
    return format_datetime(at, "MMM d, yyyy, HH:mm", locale="en_US") + " JST"


def number(n: int | float, lang: str) -> str:
    return format_decimal(n, locale="ja_JP" if lang == "ja" else "en_US")


def extract_and_compile() -> list[str]:
    """Extract messages, merge them into the catalogue and compile it; returns ids still untranslated."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po, write_po

    here = Path(__file__).parent
    template = Catalog(domain=DOMAIN)
    method_map = [("templates/**.html", "jinja2"), ("**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(here, method_map):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    po = LOCALE_DIR / "ja" / "LC_MESSAGES" / f"{DOMAIN}.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    catalog = read_po(po.open("rb"), locale="ja") if po.exists() else Catalog(locale="ja", domain=DOMAIN)
    catalog.update(template, no_fuzzy_matching=True)
    with po.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False, no_location=True)
    with (po.with_suffix(".mo")).open("wb") as f:
        write_mo(f, catalog)
    return [m.id for m in catalog if m.id and not m.string]


if __name__ == "__main__":
    missing = extract_and_compile()
    print(f"{len(missing)} messages without Japanese", *missing, sep="\n  ")
