"""``mikronet serve`` as a process: it checks its input first, then answers on the port it was given,
with one worker or several sharing the session key."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from mikronet.web import SECRET_FILE


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read().decode("utf-8")


def _serve(folder: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, MIKRONET_PASSWORD="router-parole-77")
    return subprocess.Popen([sys.executable, "-m", "mikronet", "-i", str(folder), "serve", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_on_its_port(world, workers: int) -> None:  # type: ignore[no-untyped-def]
    port = _free_port()
    process = _serve(world.folder, "--port", str(port), "--workers", str(workers))
    try:
        status = None
        for _ in range(300):  # until it listens (or has ended)
            if process.poll() is not None:
                break
            try:
                status, headers, body = _get(f"http://127.0.0.1:{port}/login")
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.1)
        assert status == 200, process.stderr.read() if process.poll() is not None else "no answer"
        assert headers["x-frame-options"] == "DENY"
        assert 'name="csrf"' in body
        assert _get(f"http://127.0.0.1:{port}/api/fleet")[0] == 401
        secret = world.folder / SECRET_FILE
        assert secret.stat().st_mode & 0o077 == 0
    finally:
        process.terminate()
        process.wait(20)


def test_serve_refuses_bad_input_with_status_2(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cert = tmp_path / "cert.pem"
    cert.write_text("x", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mikronet", "-i", str(world.folder), "serve", "--tls-cert",
                           str(cert)], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, MIKRONET_PASSWORD="router-parole-77"))
    assert done.returncode == 2
    assert "--tls-key" in done.stderr and "Traceback" not in done.stderr
    missing = subprocess.run([sys.executable, "-m", "mikronet", "-i", str(tmp_path / "none"), "serve"],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
