"""Whether an action comes from another client than the one that opened its session.

A stolen session cookie replayed by an attacker arrives with his device cookie and his browser. The
customer's own client changes too, but only in its version: browsers and the broker's app update
themselves in the middle of long sessions (`MiraiTrade/6.8.2` becomes `MiraiTrade/6.9.0`) and keep
their device cookie. So a different device cookie is another client; a user agent that differs in
more than its version numbers is another client; an update is not.

>>> a = "MiraiTrade/6.8.2 (Android 15; Pixel 8; ja-JP)"
>>> family(a) == family("MiraiTrade/6.9.0 (Android 15; Pixel 8; ja-JP)")
True
>>> family(a) == family("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0")
False
"""

from __future__ import annotations

import re

_VERSION = re.compile(r"\d+(?:[._]\d+)*")


def family(user_agent: str) -> str:
    """The user agent without its version numbers."""
    return _VERSION.sub("#", user_agent)


def changed(session_device: str | None, session_ua: str, device_id: str | None, user_agent: str) -> bool:
    """Another client than the session's: another device cookie, or another browser or app."""
    if session_device and device_id and session_device != device_id:
        return True
    return user_agent != session_ua and family(user_agent) != family(session_ua)
