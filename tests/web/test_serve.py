"""``mikronet serve`` as a process: it checks its input first, then answers on the port it was given,
with one worker or several sharing the session key."""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mikronet.web import SECRET_FILE

from .conftest import PASSWORD


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


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_serve_over_tls_marks_the_cookie_secure(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cert, key = _self_signed(tmp_path)
    port = _free_port()
    process = _serve(world.folder, "--port", str(port), "--tls-cert", str(cert), "--tls-key", str(key))
    base = f"https://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, verify=str(cert), follow_redirects=False) as client:
            page = None
            for _ in range(300):
                if process.poll() is not None:
                    break
                try:
                    page = client.get("/login")
                    break
                except httpx.ConnectError:
                    time.sleep(0.1)
            assert page is not None and page.status_code == 200, "no answer over TLS"
            assert page.headers["strict-transport-security"].startswith("max-age=")
            token = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert token is not None
            answer = client.post("/login", data={"user": "tehnikis", "password": PASSWORD, "csrf": token.group(1)})
            assert answer.status_code == 303
            flags = {part.strip().lower() for part in answer.headers["set-cookie"].split(";")}
            assert {"secure", "httponly", "samesite=strict"} <= flags
            assert client.get("/api/fleet").json()["routers"] == 4
    finally:
        process.terminate()
        process.wait(20)
