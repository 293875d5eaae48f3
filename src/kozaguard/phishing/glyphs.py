"""Look-alike characters: fold them for matching, and substitute them to generate lookalikes.

Phishing hosts swap letters for ones that look the same: Cyrillic ``а`` for Latin ``a``, ``0`` for
``o``, ``rn`` for ``m``, accented letters in IDN labels. :func:`skeleton` folds all of them to one
plain form so that a brand token is found however it was disguised; the tables below also drive the
``homoglyph`` and ``cyrillic`` fuzzers of :mod:`kozaguard.phishing.variants`.

The tables are built once at import from Unicode data (``unicodedata`` and the Unicode
confusables shipped by ``confusable-homoglyphs``), not typed by hand, so they cover every Latin letter
with a diacritic and every script look-alike that Unicode lists.

>>> skeleton("ѕbіѕес")
'sbisec'
>>> skeleton("rakuten-sec")
'rakuten-sec'
>>> skeleton("m0nex") == skeleton("monex")
True
"""

from __future__ import annotations

import unicodedata

from confusable_homoglyphs import confusables as _confusables

# Letters that read alike in URLs even in plain ASCII. Folded to one representative each so that
# ``sb1sec``, ``sblsec`` and ``sbisec`` compare equal. Applied to brand tokens and hosts alike.
_ASCII_FOLD = {"l": "i", "1": "i", "0": "o", "3": "e", "5": "s", "4": "a", "7": "t", "8": "b"}
_MULTI_FOLD = (("rn", "m"), ("vv", "w"))

# Letters that NFKD does not decompose and confusables do not list, yet pass for Latin letters.
_EXTRA = {
    "ə": "a",
    "ɑ": "a",
    "ɒ": "a",
    "ĸ": "k",
    "ŋ": "n",
    "ƿ": "p",
    "ʒ": "3",
    "ƻ": "2",
    "ƽ": "5",
    "ı": "i",
    "ȷ": "j",
    "ɩ": "i",
    "ø": "o",
    "đ": "d",
    "ħ": "h",
    "ł": "l",
    "ŧ": "t",
    "æ": "ae",
    "œ": "oe",
    "ß": "ss",
    "ƅ": "b",
    "ь": "b",
    "ԍ": "g",
    "ԛ": "q",
    "ѵ": "v",
    "ӏ": "l",
    "ᶌ": "v",
}

# Unicode blocks whose letters are used as Latin look-alikes.
_LATIN_BLOCKS = (
    (0x00C0, 0x024F),  # Latin-1 Supplement letters, Latin Extended-A and -B
    (0x0250, 0x02AF),  # IPA Extensions
    (0x1D00, 0x1DBF),  # Phonetic Extensions
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2C60, 0x2C7F),  # Latin Extended-C
    (0xA720, 0xA7FF),  # Latin Extended-D
    (0xFF01, 0xFF5E),  # Fullwidth ASCII
)


def _base_letter(ch: str) -> str | None:
    """The ASCII letter or digit a character stands for, or None if it stands for none."""
    if ch in _EXTRA:
        return _EXTRA[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    if base and base.isascii() and base.isalnum():
        return base
    name = unicodedata.name(ch, "")
    # "LATIN SMALL LETTER R WITH FISHHOOK", "LATIN LETTER SMALL CAPITAL B", ...
    for marker in ("LATIN SMALL LETTER ", "LATIN LETTER SMALL CAPITAL ", "LATIN CAPITAL LETTER "):
        if name.startswith(marker):
            rest = name[len(marker) :].split(" ")[0]
            if len(rest) == 1 and rest.isalpha():
                return rest.lower()
    return None


def _build_fold() -> dict[str, str]:
    fold: dict[str, str] = {}
    for ch, entries in _confusables.confusables_data.items():
        if len(ch) != 1 or ch.isascii():
            continue
        for entry in entries:
            target = entry["c"]
            if len(target) == 1 and target.isascii() and target.isalnum():
                fold[ch] = target.lower()
                break
    for start, end in _LATIN_BLOCKS:
        for code in range(start, end + 1):
            ch = chr(code)
            if ch in fold:
                continue
            base = _base_letter(ch)
            if base is not None:
                fold[ch] = base
    fold.update(_EXTRA)
    return fold


#: Every non-ASCII character known to pass for an ASCII letter or digit, mapped to it.
UNICODE_TO_ASCII: dict[str, str] = _build_fold()

_TABLE = str.maketrans({**UNICODE_TO_ASCII, **_ASCII_FOLD})
for _ch, _target in UNICODE_TO_ASCII.items():
    _TABLE[ord(_ch)] = "".join(_ASCII_FOLD.get(c, c) for c in _target)

#: The same fold for ASCII text, as a byte table (``bytes.translate`` is a single C loop).
_ASCII_BYTES = bytes(ord(chr(i).translate(_TABLE)) for i in range(128)) + bytes(range(128, 256))


def skeleton(text: str) -> str:
    """Fold look-alike characters so that disguised spellings compare equal.

    Lower-case input is expected (hosts are lower-cased on parsing); separators are kept.

    >>> skeleton("rnonex")
    'monex'
    >>> skeleton("ｓｂｉｓｅｃ")
    'sbisec'
    """
    if text.isascii():
        folded = text.encode("ascii").translate(_ASCII_BYTES).decode("ascii")
    else:
        folded = text.translate(_TABLE)
    for seq, rep in _MULTI_FOLD:
        if seq in folded:
            folded = folded.replace(seq, rep)
    return folded


_LOOSE_TABLE = str.maketrans(
    {"v": "u", "j": "i", "h": "n", "c": "e", "q": "g", "6": "b", "9": "g", "2": "z", "d": "b"}
)
_LOOSE_BYTES = bytes(ord(chr(i).translate(_LOOSE_TABLE)) for i in range(128)) + bytes(range(128, 256))
_LOOSE_SEQ = (("ci", "d"), ("ic", "k"), ("nn", "m"), ("rr", "m"), ("rn", "m"), ("uu", "w"))


def loose_skeleton(text: str) -> str:
    """A coarser fold for comparing a whole label with an official one (two look-alikes deep).

    Too coarse for free text, exact enough for "is this label the official label in disguise".

    >>> loose_skeleton(skeleton("nonnur4")) == loose_skeleton(skeleton("nomura"))
    True
    """
    for seq, rep in _LOOSE_SEQ:
        if seq in text:
            text = text.replace(seq, rep)
    if text.isascii():
        return text.encode("ascii").translate(_LOOSE_BYTES).decode("ascii")
    return text.translate(_LOOSE_TABLE)


def lookalikes_of(letter: str) -> tuple[str, ...]:
    """All non-ASCII characters that pass for ``letter`` (for the homoglyph fuzzer).

    >>> "а" in lookalikes_of("a") and "á" in lookalikes_of("a")
    True
    """
    return _LOOKALIKES.get(letter, ())


def _build_lookalikes() -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for ch, target in UNICODE_TO_ASCII.items():
        # Only lower-case letters that survive IDNA (they are what a registrant can put in a label).
        if ch != ch.lower() or unicodedata.category(ch) not in ("Ll", "Lo", "Lm"):
            continue
        groups.setdefault(target, []).append(ch)
    return {k: tuple(sorted(v)) for k, v in groups.items()}


_LOOKALIKES = _build_lookalikes()

#: Latin letters and the Cyrillic letter that looks the same (whole-label Cyrillic spoofs).
LATIN_TO_CYRILLIC = {
    "a": "а",
    "b": "ь",
    "c": "с",
    "d": "ԁ",
    "e": "е",
    "g": "ԍ",
    "h": "һ",
    "i": "і",
    "j": "ј",
    "k": "к",
    "l": "ӏ",
    "m": "м",
    "o": "о",
    "p": "р",
    "q": "ԛ",
    "s": "ѕ",
    "t": "т",
    "v": "ѵ",
    "w": "ԝ",
    "x": "х",
    "y": "у",
}

#: ASCII letters and sequences that pass for one another at a glance.
ASCII_LOOKALIKES: dict[str, tuple[str, ...]] = {
    "0": ("o",),
    "1": ("l", "i"),
    "2": ("z",),
    "3": ("8", "e"),
    "5": ("s",),
    "6": ("9", "b"),
    "8": ("3", "b"),
    "9": ("6", "g", "q"),
    "a": ("4",),
    "b": ("d", "lb", "6", "8"),
    "c": ("e",),
    "d": ("b", "cl", "dl"),
    "e": ("c", "3"),
    "g": ("q", "9"),
    "h": ("lh", "b"),
    "i": ("1", "l", "j"),
    "k": ("lc", "lk"),
    "l": ("1", "i"),
    "m": ("n", "nn", "rn", "rr"),
    "n": ("m", "r", "h"),
    "o": ("0",),
    "q": ("g", "9"),
    "s": ("5", "z"),
    "t": ("7",),
    "u": ("v",),
    "v": ("u",),
    "w": ("vv",),
    "z": ("2", "s"),
    "rn": ("m",),
    "cl": ("d",),
    "nn": ("m",),
    "vv": ("w",),
}

#: Neighbouring keys on the keyboards people type on (typos).
KEYBOARDS: tuple[dict[str, str], ...] = (
    {  # QWERTY
        "1": "2q", "2": "3wq1", "3": "4ew2", "4": "5re3", "5": "6tr4", "6": "7yt5", "7": "8uy6",
        "8": "9iu7", "9": "0oi8", "0": "po9", "q": "12wa", "w": "3esaq2", "e": "4rdsw3",
        "r": "5tfde4", "t": "6ygfr5", "y": "7uhgt6", "u": "8ijhy7", "i": "9okju8", "o": "0plki9",
        "p": "lo0", "a": "qwsz", "s": "edxzaw", "d": "rfcxse", "f": "tgvcdr", "g": "yhbvft",
        "h": "ujnbgy", "j": "ikmnhu", "k": "olmji", "l": "kop", "z": "asx", "x": "zsdc",
        "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk",
    },
    {  # QWERTZ
        "1": "2q", "2": "3wq1", "3": "4ew2", "4": "5re3", "5": "6tr4", "6": "7zt5", "7": "8uz6",
        "8": "9iu7", "9": "0oi8", "0": "po9", "q": "12wa", "w": "3esaq2", "e": "4rdsw3",
        "r": "5tfde4", "t": "6zgfr5", "z": "7uhgt6", "u": "8ijhz7", "i": "9okju8", "o": "0plki9",
        "p": "lo0", "a": "qwsy", "s": "edxyaw", "d": "rfcxse", "f": "tgvcdr", "g": "zhbvft",
        "h": "ujnbgz", "j": "ikmnhu", "k": "olmji", "l": "kop", "y": "asx", "x": "ysdc",
        "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk",
    },
    {  # AZERTY
        "1": "2a", "2": "3za1", "3": "4ez2", "4": "5re3", "5": "6tr4", "6": "7yt5", "7": "8uy6",
        "8": "9iu7", "9": "0oi8", "0": "po9", "a": "2zq1", "z": "3esqa2", "e": "4rdsz3",
        "r": "5tfde4", "t": "6ygfr5", "y": "7uhgt6", "u": "8ijhy7", "i": "9okju8", "o": "0plki9",
        "p": "lo0m", "q": "zswa", "s": "edxwqz", "d": "rfcxse", "f": "tgvcdr", "g": "yhbvft",
        "h": "ujnbgy", "j": "iknhu", "k": "olji", "l": "kopm", "m": "lp", "w": "sxq",
        "x": "wsdc", "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhj",
    },
)  # fmt: skip
