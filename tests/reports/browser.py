"""Headless Chromium driven over the DevTools protocol, for opening the HTML reports as a reader would.

A deliberately small client: Debian's ``chromium`` started with a fresh profile and a DevTools port,
one WebSocket (``websockets``) per page. It records console messages, uncaught exceptions, log
entries and every network request the page makes, evaluates JavaScript in the page to inspect the
DOM, and takes full-page screenshots.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@dataclass
class PageVisit:
    console: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        out = [json.dumps(e, ensure_ascii=False) for e in self.exceptions]
        out += [json.dumps(m, ensure_ascii=False) for m in self.console if m.get("type") in ("error", "assert")]
        out += [json.dumps(e, ensure_ascii=False) for e in self.log if e.get("level") == "error"]
        return out


class Chromium:
    """One headless browser for a test module; :meth:`open` visits a page."""

    def __init__(self, binary: str) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="mikronet-chromium-"))
        self.process = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
             "--window-size=1200,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        self.port = int(port_file.read_text().split()[0])

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def open(self, path: Path, *, screenshot: Path | None = None, script: str = "null") -> tuple[PageVisit, Any]:
        """Load ``path``, wait for its load event, evaluate ``script`` (its JSON-able value is returned)
        and optionally save a full-page screenshot."""
        from websockets.sync.client import connect

        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/json/new?about:blank", method="PUT")
        with urllib.request.urlopen(request, timeout=10) as answer:
            target = json.loads(answer.read())
        visit = PageVisit()
        with connect(target["webSocketDebuggerUrl"], max_size=64 * 1024 * 1024) as ws:
            counter = iter(range(1, 1_000_000))

            def call(method: str, **params: Any) -> Any:
                ident = next(counter)
                ws.send(json.dumps({"id": ident, "method": method, "params": params}))
                while True:
                    message = json.loads(ws.recv(timeout=30))
                    if message.get("id") == ident:
                        if "error" in message:
                            raise RuntimeError(f"{method}: {message['error']}")
                        return message.get("result", {})
                    self._record(visit, message)

            for domain in ("Page", "Runtime", "Log", "Network"):
                call(f"{domain}.enable")
            call("Page.navigate", url=path.resolve().as_uri())
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                message = json.loads(ws.recv(timeout=30))
                if message.get("method") == "Page.loadEventFired":
                    break
                self._record(visit, message)
            result = call("Runtime.evaluate", expression=f"JSON.stringify({script})", returnByValue=True)
            value = json.loads(result["result"]["value"])
            if screenshot is not None:
                shot = call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
                screenshot.write_bytes(base64.b64decode(shot["data"]))
            call("Runtime.evaluate", expression="1")  # drain events raised by the evaluation
        urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/close/{target['id']}", timeout=10).close()
        return visit, value

    @staticmethod
    def _record(visit: PageVisit, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.consoleAPICalled":
            visit.console.append({"type": params.get("type"),
                                  "args": [a.get("value", a.get("description")) for a in params.get("args", [])]})
        elif method == "Runtime.exceptionThrown":
            visit.exceptions.append(params.get("exceptionDetails", {}))
        elif method == "Log.entryAdded":
            visit.log.append(params.get("entry", {}))
        elif method == "Network.requestWillBeSent":
            visit.requests.append(params.get("request", {}).get("url", ""))
