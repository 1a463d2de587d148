"""The README's picture of the dashboard: its programme page on the demo's own data (a tool beside the
benchmarks, not one of them; `make screenshot` runs it).

    .venv/bin/python bench/dashboard_screenshot.py [--data .sim/demo] [--lang lv|en] [-o bench/dashboard-programme.png]

Runs `mikronet demo --dir` into a temporary folder (or works on a copy of an earlier run's folder given
with --data, such as `make demo`'s .sim/demo, which is left as it was), adds a ministry user with a
generated password that is never shown, serves the dashboard on a free loopback port, logs in through
the form with Playwright driving the system's Chromium (never a downloaded browser) and takes the
programme page, 1200 pixels wide, from the top to the end of its first chart. Stops the server and
removes the temporary folder; exits 1 if the browser reported a console error or a warning, or if the
picture is over 200 KB.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import ConsoleMessage, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "dashboard-programme.png"
WIDTH, HEIGHT = 1200, 860  # the window; the picture goes on down to the end of the page's first chart
LIMIT = 200 * 1024
USER = "ministrija"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        sys.exit("no Chromium on this machine (Debian: apt-get install chromium)")
    return found


def _mikronet(inventory: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "mikronet", "-i", str(inventory), *args]


def _wait_until_listening(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None:
                sys.exit(f"mikronet serve stopped (exit status {server.returncode})")
            time.sleep(0.1)
    sys.exit(f"mikronet serve did not answer at {url}")


def shoot(data: Path, out: Path, lang: str) -> list[str]:
    """Serve ``data`` (a demo's folder), log in and save the programme page as ``out``; returns what the
    browser complained about."""
    inventory = data / "inventory.yaml"
    env = {**os.environ, "MIKRONET_USER_PASSWORD": secrets.token_urlsafe(18)}
    subprocess.run(_mikronet(inventory, "user", "add", USER, "--role", "ministry"), env=env, check=True,
                   stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{_free_port()}"
    server = subprocess.Popen(_mikronet(inventory, "serve", "--port", base.rsplit(":", 1)[1]), env=env)
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"console {message.type}: {message.text}")

    try:
        _wait_until_listening(f"{base}/login", server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=_chromium(), headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)
            page.on("console", console)
            page.goto(f"{base}/login?lang={lang}")
            page.fill("input[name=user]", USER)
            page.fill("input[name=password]", env["MIKRONET_USER_PASSWORD"])
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/programme")
            chart = page.locator("figure.chart").first.bounding_box()  # down to the first chart's end
            bottom = HEIGHT if chart is None else max(HEIGHT, round(chart["y"] + chart["height"]) + 8)
            page.screenshot(path=out, full_page=True, clip={"x": 0, "y": 0, "width": WIDTH, "height": bottom})
            browser.close()
    finally:
        server.terminate()
        server.wait(30)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="an earlier `mikronet demo --dir` folder (copied, not changed)")
    parser.add_argument("--lang", choices=("lv", "en"), default="lv")
    parser.add_argument("-o", "--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mikronet-screenshot-") as scratch:
        data = Path(scratch) / "demo"
        if args.data is not None:
            if not (args.data / "inventory.yaml").is_file():
                print(f"--data {args.data}: no inventory.yaml there (is it a `mikronet demo --dir` folder?)",
                      file=sys.stderr)
                return 2
            shutil.copytree(args.data, data, ignore=shutil.ignore_patterns("users.yaml", "web-secret"))
        else:
            subprocess.run(_mikronet(ROOT / "inventory", "demo", "--dir", str(data)), check=True, cwd=scratch)
        problems = shoot(data, args.out, args.lang)
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1024:.0f} KB)")
    for problem in problems:
        print(problem, file=sys.stderr)
    if size > LIMIT:
        print(f"the picture is over {LIMIT // 1024} KB", file=sys.stderr)
    return 1 if problems or size > LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())
