"""Every clean export of the real corpus, loaded into a router of its model and version, read back
over the network as clients read a router, compares equal to the original (``config diff
--show-sensitive`` prints nothing):

* over SSH, the console's ``/export`` (``show-sensitive`` on RouterOS 7), as an Ansible or netmiko
  user reads it;
* over the API, librouteros's ``Config.export()`` (an export to a file, read back through ``/file``).
  RouterOS shows a file's contents over the API only up to a limit (4,095 bytes on 6, 64 KiB on 7) and
  reads larger files in chunks (``/file/read``) only from 7.13 (librouteros does so); an export above
  the limit on an older version cannot be fetched whole over the API, exactly as on RouterOS: the
  export is written to a file over the API and that file is fetched over SCP, as a technician would.
  Routers older than 6.43 log in with the challenge (librouteros's ``token`` method).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import librouteros
import paramiko
import pytest
from librouteros.login import plain, token
from scp import SCPClient
from sim_corpus import RealExport, clean_exports, readback_param

from mikronet.routeros import diff, parse, render_script
from mikronet.sim.device import DeviceOptions, DeviceSpec
from mikronet.sim.runtime import FleetOptions, FleetRuntime, RouterSetup
from mikronet.sim.versions import parse_version

PASSWORD = "Corpus-Pa55"
REAL = clean_exports()
INLINE_LIMIT = {6: 4095, 7: 65535}


@pytest.fixture(scope="module")
def corpus_fleet(tmp_path_factory: pytest.TempPathFactory, loop: Any) -> Iterator[dict[str, Any]]:
    setups = [
        RouterSetup(DeviceSpec(f"LV-{n:04d}/gw", export.model, f"CORPUS{n:04d}", export.version, password=PASSWORD),
                    export.text)
        for n, export in enumerate(REAL, start=1)
    ]
    # real routers close or fence their management services; the readback goes in regardless
    options = FleetOptions(device=DeviceOptions(boot_time=0.3), api_ssl_certificate=False, follow_services=False)
    runtime = FleetRuntime(setups, tmp_path_factory.mktemp("corpus-fleet"), options)
    loop.run(runtime.start(), timeout=120)
    try:
        yield {export.id: runtime.routers[setup.spec.router_id] for export, setup in zip(REAL, setups, strict=True)}
    finally:
        loop.run(runtime.stop(), timeout=60)


def _empty_diff(original: RealExport, text: str) -> str:
    plan = diff(original.config, parse(text, file="readback"), own="all", version=original.version)
    return render_script(plan, show_sensitive=True)


@pytest.mark.parametrize("export", [readback_param(e) for e in REAL])
def test_read_back_over_ssh(corpus_fleet: dict[str, Any], export: RealExport) -> None:
    router = corpus_fleet[export.id]
    assert router.device.initial_result.problems == []
    endpoint = router.endpoint
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(endpoint.host, endpoint.ssh, "admin", PASSWORD, look_for_keys=False, allow_agent=False,
                   timeout=10)
    try:
        command = "/export show-sensitive" if router.device.parsed_version.major >= 7 else "/export"
        _, stdout, _ = client.exec_command(command, timeout=20)
        text = stdout.read().decode("utf-8", "surrogateescape").replace("\r\n", "\n")
    finally:
        client.close()
    assert text.startswith("# ") and "by RouterOS" in text.split("\n", 1)[0]
    assert _empty_diff(export, text) == ""


@pytest.mark.parametrize("export", REAL, ids=lambda e: e.path.name[:30])  # 01 is RouterOS 6 and over the limit
def test_read_back_over_the_api(corpus_fleet: dict[str, Any], export: RealExport) -> None:
    router = corpus_fleet[export.id]
    endpoint = router.endpoint
    version = router.device.parsed_version
    method = token if version < parse_version("6.43") else plain
    api = librouteros.connect(endpoint.host, "admin", PASSWORD, port=endpoint.api, timeout=10,
                              encoding="utf-8", login_method=method)
    try:
        v7 = version.major >= 7
        size = len(router.device.export(show_sensitive=True if v7 else None).replace("\n", "\r\n"))
        if size > INLINE_LIMIT[version.major] and version < parse_version("7.13"):
            with pytest.raises(NotImplementedError):  # RouterOS's API cannot return it whole
                api.config().export(show_sensitive=v7)
            tuple(api("/export", file="readback", **({"show-sensitive": True} if v7 else {})))
            text = _scp_text(router, "readback.rsc")
        else:
            text = api.config().export(show_sensitive=v7)
    finally:
        api.close()
    assert text.startswith("# ") and "by RouterOS" in text.split("\n", 1)[0]
    assert _empty_diff(export, text) == ""


def _scp_text(router: Any, name: str) -> str:
    """The router's file ``name`` fetched over SCP (paramiko and the scp package, as Ansible users do)."""
    endpoint = router.endpoint
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(endpoint.host, endpoint.ssh, "admin", PASSWORD, look_for_keys=False, allow_agent=False,
                   timeout=10)
    try:
        transport = client.get_transport()
        assert transport is not None
        with tempfile.TemporaryDirectory() as folder, SCPClient(transport, socket_timeout=20) as scp:
            scp.get(name, str(Path(folder) / name))
            data = (Path(folder) / name).read_bytes()
    finally:
        client.close()
    return data.decode("utf-8", "surrogateescape").replace("\r\n", "\n")
