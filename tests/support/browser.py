"""The browser the tests open pages in: Playwright (pytest-playwright) driving Debian's Chromium, never a
downloaded one (``make test`` installs the ``chromium`` package through ``.ci/services``).

``launch_args`` is what the suite's ``browser_type_launch_args`` fixture (``tests/conftest.py``) gives
pytest-playwright; without a Chromium it is :func:`~support.services.missing` (a skip, or a failure where
services are required). :class:`Watch` records what a page complained about while a test used it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from support.services import missing

if TYPE_CHECKING:  # Playwright is a test extra; the suite's conftest imports this module without it
    from playwright.sync_api import ConsoleMessage, Dialog, Page

__all__ = ["CHROMIUM_ARGS", "Watch", "chromium_path", "launch_args"]

CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")


def chromium_path() -> str | None:
    """The system's Chromium, or None."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def launch_args() -> dict[str, Any]:
    """pytest-playwright's launch arguments: the system's Chromium, headless."""
    path = chromium_path()
    if path is None:
        missing("headless Chromium is not installed (Debian: apt-get install chromium; `make test` installs it)")
    return {"executable_path": path, "headless": True, "args": list(CHROMIUM_ARGS)}


class Watch:
    """What a Playwright page complained about, and every URL it asked for, while a test used it.

    ``problems`` collects console errors and warnings (Chromium logs every CSP violation and every
    resource that failed to load there), uncaught exceptions and dialogs a script opened; ``requests``
    every URL the page asked for, whether the CSP let it through or not. (A request cut short by the
    next navigation, such as a favicon, is no problem and is not one here.)
    """

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning", "assert") or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def _dialog(self, dialog: Dialog) -> None:
        self.problems.append(f"a script opened a dialog: {dialog.message}")
        dialog.dismiss()  # a dialog left open would hold the page
