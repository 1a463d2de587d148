"""Latvian text written through the API as UTF-8 reads back identically through the API and SSH, and
exports as RouterOS hex escapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import paramiko

from mikronet.routeros import parse
from mikronet.sim.fleet import SimFleet

TEXT = "Rīgas Valsts 1. ģimnāzija — ā č ē ģ ī ķ ļ ņ š ū ž"


def test_latvian_round_trip_api_ssh_export(fleet: SimFleet, connect: Callable[..., Any], sim_password: str) -> None:
    api = connect(fleet, "LV-0044/gw", encoding="utf-8")
    api.path("system", "identity").update(name=TEXT)
    bridge = api.path("interface", "bridge").add(name="skola", comment=TEXT)
    assert next(iter(api.path("system", "identity")))["name"] == TEXT
    assert [r["comment"] for r in api.path("interface", "bridge") if r[".id"] == bridge] == [TEXT]

    endpoint = fleet.endpoint("LV-0044/gw")
    assert endpoint.ssh is not None
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(
        endpoint.host,
        port=endpoint.ssh,
        username="admin",
        password=sim_password,
        look_for_keys=False,
        allow_agent=False,
        timeout=5,
    )
    try:
        _, out, _ = client.exec_command("/system identity print")
        assert out.read().decode("utf-8").strip() == f"name: {TEXT}"
        _, out, _ = client.exec_command("/export terse")
        export = out.read().decode("utf-8")
    finally:
        client.close()
    assert '/system identity set name="R\\C4\\ABgas Valsts 1. \\C4\\A3imn\\C4\\81zija \\E2\\80\\94' in export
    assert "ā" not in export  # every non-ASCII byte is escaped
    assert parse(export)["/system identity"].settings["name"] == TEXT  # and reads back as the same text

    # the export file written over the API (what librouteros's Config reads) says the same
    tuple(api("/export", file="latvian", terse="yes"))
    rows = list(api.rawCmd("/file/print", "=.proplist=contents", "?name=latvian.rsc"))
    assert len(rows) == 1 and '\r\n/system identity set name="R\\C4\\ABgas' in rows[0]["contents"]
    api.close()
