"""netmiko, unmodified, against simulated routers: the console forms its own MikroTik device tests use
(``remove numbers=0``, ``print oid``) and a file transfer over SCP in both directions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import paramiko
from netmiko import ConnectHandler
from netmiko.mikrotik.mikrotik_ssh import MikrotikRouterOsFileTransfer

from mikronet.sim.fleet import SimFleet


def _netmiko(fleet: SimFleet, router_id: str, password: str) -> Any:
    endpoint = fleet.endpoint(router_id)
    return ConnectHandler(device_type="mikrotik_routeros", host=endpoint.host, port=endpoint.ssh,
                          username="admin", password=password, conn_timeout=10)


def test_send_config_set_with_the_named_numbers_form(fleet: SimFleet, sim_password: str) -> None:
    conn = _netmiko(fleet, "LV-0042/gw", sim_password)
    try:
        output = conn.send_config_set([
            "/ip address add address=192.0.2.77/24 interface=ether2 comment=netmiko",
            "/ip address print",
            "/ip address remove numbers=0",
        ])
        assert "bad command name" not in output and "numbers:" not in output
        listing = conn.send_command("/ip address print")
        assert "192.0.2.77" not in listing
        oids = conn.send_command("/interface print oid")
        assert "name=.1.3.6.1.2.1.2.2.1.2.1" in oids and "mtu=.1.3.6.1.2.1.2.2.1.4.1" in oids
    finally:
        conn.disconnect()
    device = fleet.device("LV-0042/gw")
    assert not [row for row in device.call("/ip/address/print", {}).rows if row.get("comment") == "netmiko"]


def test_scp_upload_and_download_with_netmikos_file_transfer(fleet: SimFleet, sim_password: str,
                                                            tmp_path: Path) -> None:
    script = "/interface ethernet set [ find default-name=ether5 ] comment=\"Skola Cēsis\"\n:log info \"uploaded\"\n"
    local = tmp_path / "school.rsc"
    local.write_text(script, encoding="utf-8")
    conn = _netmiko(fleet, "LV-0043/gw", sim_password)
    try:
        # netmiko's MikroTik transfer class, as file_transfer() drives it (fewer 2-second timing reads)
        with MikrotikRouterOsFileTransfer(conn, source_file=str(local), dest_file="school.rsc",
                                          direction="put") as upload:
            upload.put_file()
            assert upload.verify_file()
        device = fleet.device("LV-0043/gw")
        item = device.find_file("flash/school.rsc")
        assert item is not None and item.values["contents"].encode("utf-8", "surrogateescape") == \
            script.encode("utf-8")
        back = tmp_path / "back.rsc"
        with MikrotikRouterOsFileTransfer(conn, source_file="school.rsc", dest_file=str(back),
                                          direction="get") as download:
            download.get_file()
            assert download.verify_file()
        assert back.read_bytes() == script.encode("utf-8")
        assert "Skola" not in conn.send_command("/interface print detail where name=ether5")
        conn.send_command("/import file-name=flash/school.rsc")
        assert "Skola C" in conn.send_command("/interface print detail where name=ether5")
    finally:
        conn.disconnect()


def test_sftp_lists_and_reads_the_routers_files(fleet: SimFleet, sim_password: str) -> None:
    device = fleet.device("LV-0042/new")
    fleet.call(lambda: device.write_file("notes.txt", "sveiki\n"))
    endpoint = fleet.endpoint("LV-0042/new")
    transport = paramiko.Transport((endpoint.host, endpoint.ssh))
    try:
        transport.connect(username="admin", password=sim_password)
        sftp = paramiko.SFTPClient.from_transport(transport)
        assert sftp is not None
        assert "notes.txt" in sftp.listdir(".")
        with sftp.open("notes.txt") as handle:
            assert handle.read() == b"sveiki\n"
        with sftp.open("upload.txt", "w") as handle:
            handle.write(b"labdien\n")
    finally:
        transport.close()
    uploaded = device.find_file("upload.txt")
    assert uploaded is not None and uploaded.values["contents"] == "labdien\n"
