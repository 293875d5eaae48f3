"""phishing_catcher's scorer, vendored for bench/phishing_speed.py only (GPL-3.0, see LICENSE)."""
