"""SMS-lure finder: a path of one short random segment and nothing else (``/xjwyg``, ``/4WzBg4/#/``),
the link an SMS lure sends, on a phishy domain (cheap TLD, random registered label) or after a
brand in the host. Reads the whole URL's findings, so it runs after the host and path finders."""

from __future__ import annotations

import re

from kozaguard.phishing import reasons as R
from kozaguard.phishing.finders.reading import UrlReading

CODES = (R.SMS_LURE_SHAPE,)
_SMS_PATH = re.compile(r"/([A-Za-z0-9]{3,12})/?(?:#/?)?")


def find(r: UrlReading) -> None:
    """Add ``sms_lure_shape`` for a lure's short random link on a phishy place."""
    if len(r.path) <= 3 or not (r.evidence or R.CHEAP_TLD in r.context or R.RANDOM_LABEL in r.context):
        return
    m = _SMS_PATH.fullmatch(r.path)
    if m is not None and not r.is_word(m.group(1).lower()):
        r.context.append(R.SMS_LURE_SHAPE)
