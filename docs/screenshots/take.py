"""Screens of `kozaguard demo --serve` in Debian's Chromium, for the README.

    .venv/bin/python docs/screenshots/take.py [--out out/demo]

Runs the demo's data (the folder of an earlier `kozaguard demo`, made here when missing) through the
console on a free port, logs in as the demo admin and the demo customer, and saves the main screens
beside this file.
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import uvicorn

HERE = Path(__file__).parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/demo"))
    args = parser.parse_args()
    if not (args.out / "report.json").exists():
        subprocess.run([sys.executable, "-m", "kozaguard", "demo", "--out", str(args.out)], check=True)
    from playwright.sync_api import sync_playwright

    from kozaguard.adapters.notify import OutboxNotifier
    from kozaguard.entrypoints.demo_serve import prepare
    from kozaguard.identity import otp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app, staff, customer = prepare(args.out, "127.0.0.1", port)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://localhost:{port}"
    led = app.state.ledger
    campaign = next((c["symbol"] for c in led.campaigns()), None)
    held = led.alerts()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            admin = staff[0]
            page.goto(f"{base}/staff/login")
            page.fill('input[name="login_id"]', admin.login_id)
            page.fill('input[name="password"]', admin.password)
            page.click('button[type="submit"]')
            page.fill('input[name="code"]', otp.code_at(admin.totp_secret, time.time()))
            page.click('button[type="submit"]')
            page.wait_for_url(f"{base}/staff/")

            def shot(path: str, name: str) -> None:
                page.goto(f"{base}{path}")
                page.screenshot(path=str(HERE / f"{name}.png"), full_page=True)

            shot("/staff/", "console-dashboard")
            shot("/staff/alerts", "console-alerts")
            if campaign:
                shot(f"/staff/campaigns/{campaign}", "console-campaign")
            shot("/staff/cases", "console-cases")
            shot("/staff/cases/C000001", "console-case")
            if held:
                shot(f"/staff/customers/{held[0].account_id}", "console-customer")
            page.click("#lang-switch")
            shot("/staff/", "console-dashboard-en")

            page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
            page.goto(f"{base}/identity/pages/login")
            page.fill("#login_id", customer.login_id)
            page.fill("#password", customer.password)
            page.click("#password-login")
            page.wait_for_selector("#code")
            body = OutboxNotifier(app.state.settings.notifier.outbox_path).read()[-1].body
            page.fill("#code", re.search(r"認証コード: (\d{6})", body).group(1))
            page.click("#code-submit")
            page.wait_for_url(f"{base}/identity/pages/activity")
            page.goto(f"{base}/identity/pages/checkup")
            page.screenshot(path=str(HERE / "customer-checkup.png"), full_page=True)
            browser.close()
    finally:
        server.should_exit = True


if __name__ == "__main__":
    main()
