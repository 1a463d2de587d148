"""One simulated router without sockets: state, menus, errors, scheduler, upgrades, backups, exports.

Time is a ManualClock, so reboots, boot times, uptimes and scheduler intervals are exact.
"""

from __future__ import annotations

import pytest

from mikronet.sim.clock import ManualClock
from mikronet.sim.device import DeviceOptions, DeviceSpec, SimDevice

OPTIONS = DeviceOptions(boot_time=20.0, install_boot_time=60.0)


def make(model: str = "RBD52G-5HacD2HnD", version: str = "7.14.3", **spec: object) -> tuple[SimDevice, ManualClock]:
    clock = ManualClock()
    fields = {
        "router_id": "LV-0042/gw",
        "model": model,
        "serial": "HD0420001",
        "version": version,
        "password": "pw",
        "contracted_mbps": 300.0,
        **spec,
    }
    return SimDevice(DeviceSpec(**fields), clock=clock, options=OPTIONS), clock  # type: ignore[arg-type]


def ok(device: SimDevice, command: str, **args: str) -> list[dict[str, str]]:
    reply = device.call(command, args)
    assert reply.trap is None, reply.trap
    return reply.rows


def test_ids_are_uppercase_hex_and_never_reused() -> None:
    device, _ = make()
    ids = [device.call("/ip/firewall/filter/add", {"chain": "input", "comment": str(n)}).ret for n in range(12)]
    assert ids[:3] == ["*1", "*2", "*3"] and ids[9] == "*A" and ids[11] == "*C"
    ok(device, "/ip/firewall/filter/remove", **{".id": "*C"})
    assert device.call("/ip/firewall/filter/add", {"chain": "input"}).ret == "*D"


def test_print_defaults_booleans_and_unset_properties() -> None:
    device, _ = make()
    new = device.call("/ip/address/add", {"address": "10.0.0.1/24", "interface": "ether2", "comment": "x"}).ret
    row = ok(device, "/ip/address/print")[0]
    assert row == {
        ".id": new,
        "address": "10.0.0.1/24",
        "network": "10.0.0.0",
        "interface": "ether2",
        "actual-interface": "ether2",
        "invalid": "false",
        "dynamic": "false",
        "disabled": "false",
        "comment": "x",
    } | {k: v for k, v in row.items() if k == "vrf"}
    ok(device, "/ip/address/set", **{".id": new, "!comment": ""})  # Ansible api_modify's unset
    assert "comment" not in ok(device, "/ip/address/print")[0]
    ok(device, "/ip/address/set", **{".id": new, "disabled": "yes"})
    assert ok(device, "/ip/address/print", **{".proplist": "disabled"}) == [{"disabled": "true"}]


@pytest.mark.parametrize(
    ("command", "args", "message", "category"),
    [
        (
            "/ip/address/add",
            {"address": "10.0.0.1/24", "interface": "nope"},
            "input does not match any value of interface",
            1,
        ),
        (
            "/ip/address/add",
            {"address": "10.0.0.300/24", "interface": "ether1"},
            "invalid value for argument address",
            1,
        ),
        ("/interface/ethernet/set", {".id": "*99", "comment": "x"}, "no such item", None),
        ("/interface/frob", {}, "no such command", None),
        ("/interface/ethernet/add", {"name": "x"}, "no such command", None),
        ("/nonsense/print", {}, "no such command prefix", None),
        ("/ip/address/print", {"bogus-flag": "", "count-only": ""}, None, None),
    ],
)
def test_routeros_error_strings(command: str, args: dict[str, str], message: str | None, category: int | None) -> None:
    device, _ = make()
    reply = device.call(command, args)
    if message is None:
        assert reply.trap is None
    else:
        assert reply.trap is not None and reply.trap.message == message and reply.trap.category == category


def test_duplicate_address_and_name() -> None:
    device, _ = make()
    ok(device, "/ip/address/add", address="10.0.0.1/24", interface="ether2")
    assert device.call("/ip/address/add", {"address": "10.0.0.1/24", "interface": "ether2"}).trap.message == (  # type: ignore[union-attr]
        "failure: already have such address"
    )
    ok(device, "/interface/bridge/add", name="bridge")
    assert device.call("/interface/vlan/add", {"name": "bridge", "interface": "ether1", "vlan-id": "10"}).trap


def test_renaming_an_interface_follows_its_references() -> None:
    device, _ = make()
    ok(device, "/ip/address/add", address="10.0.0.1/24", interface="ether2")
    ok(device, "/interface/ethernet/set", **{".id": "ether2", "name": "school-lan"})
    assert ok(device, "/ip/address/print", **{".proplist": "interface"}) == [{"interface": "school-lan"}]


def test_queries_with_booleans_either_spelling() -> None:
    device, _ = make()
    disabled = device.call("/interface/print", {".proplist": "name"}, ["?disabled=yes"]).rows
    assert disabled == device.call("/interface/print", {".proplist": "name"}, ["?disabled=true"]).rows
    assert disabled == [{"name": "wlan1"}, {"name": "wlan2"}]


def test_reboot_drops_goes_offline_and_comes_back_with_uptime_reset() -> None:
    device, clock = make()
    events: list[str] = []
    device.add_listener(events.append)
    clock.advance(3600)
    assert ok(device, "/system/resource/print", **{".proplist": "uptime"}) == [{"uptime": "1h"}]
    assert device.call("/system/reboot", {}).disconnect
    assert not device.online and events == ["offline"]
    assert device.call("/system/identity/print", {}).disconnect
    clock.advance(19)
    assert not device.online
    clock.advance(1)
    assert device.online and events == ["offline", "online"]
    assert ok(device, "/system/resource/print", **{".proplist": "uptime"}) == [{"uptime": "0s"}]


def test_upgrade_flow_and_firmware_needs_a_second_reboot() -> None:
    device, clock = make()
    ok(device, "/system/package/update/set", channel="long-term")
    assert device.call("/system/package/update/set", {"channel": "nightly"}).trap is not None
    rows = ok(device, "/system/package/update/check-for-updates")
    assert [r["status"] for r in rows] == ["finding out latest version...", "New version is available"]
    assert rows[0][".section"] == "0" and "latest-version" not in rows[0] and rows[1]["latest-version"] == "7.16.2"
    rows = ok(device, "/system/package/update/download")
    statuses = [r["status"] for r in rows]
    assert statuses[:2] == ["calculating download size...", "downloading..."]
    assert statuses[2].startswith("Downloaded 8% (") and statuses[2].endswith("MiB)")
    assert statuses[-1] == "Downloaded, please reboot router to upgrade it"
    assert [int(r[".section"]) for r in rows] == list(range(len(rows)))
    assert any(f["name"] == "routeros-7.16.2-arm.npk" for f in ok(device, "/file/print"))
    reply = device.call("/system/package/update/install", {})
    assert reply.disconnect and reply.rows[-1]["status"] == "Downloaded, rebooting..."
    clock.advance(30)
    assert not device.online  # an install boot is longer
    clock.advance(30)
    assert device.online and device.version == "7.16.2"
    assert ok(device, "/system/resource/print", **{".proplist": "version"}) == [{"version": "7.16.2 (long-term)"}]
    assert ok(device, "/system/package/update/print") == [{"channel": "long-term", "installed-version": "7.16.2"}]
    board = ok(device, "/system/routerboard/print")[0]
    assert (board["current-firmware"], board["upgrade-firmware"]) == ("7.14.3", "7.16.2")
    ok(device, "/system/routerboard/upgrade")
    assert ok(device, "/system/routerboard/print")[0]["current-firmware"] == "7.14.3"  # not before a reboot
    device.call("/system/reboot", {})
    clock.advance(20)
    assert ok(device, "/system/routerboard/print")[0]["current-firmware"] == "7.16.2"
    assert not any(f["name"].endswith(".npk") for f in ok(device, "/file/print"))


def test_scheduled_revert_restores_the_backup() -> None:
    device, clock = make()
    ok(device, "/system/backup/save", name="before-push", **{"dont-encrypt": "yes"})
    ok(
        device,
        "/system/scheduler/add",
        name="mikronet-revert",
        interval="90s",
        **{"on-event": '/system backup load name=before-push.backup password=""'},
    )
    ok(device, "/system/identity/set", name="pushed")
    ok(device, "/ip/address/add", address="10.9.9.1/24", interface="ether3")
    clock.advance(89)
    assert device.identity == "pushed" and device.online
    clock.advance(1)
    assert not device.online  # backup load reboots
    clock.advance(20)
    assert device.online and device.identity == "MikroTik"
    assert ok(device, "/ip/address/print") == []
    # the backup was taken before the scheduler existed: the revert does not fire again
    assert ok(device, "/system/scheduler/print") == []


def test_disarmed_revert_never_fires() -> None:
    device, clock = make()
    ok(device, "/system/scheduler/add", name="revert", interval="60s", **{"on-event": "/system reboot"})
    clock.advance(30)
    ok(device, "/system/scheduler/remove", **{".id": "revert"})
    clock.advance(120)
    assert device.online and device.boot_count == 1


def test_scheduler_runs_a_named_script_and_counts() -> None:
    device, clock = make()
    ok(device, "/system/script/add", name="tag", source='/system identity set name="tagged by script"\n:log info done')
    ok(device, "/system/scheduler/add", name="every-minute", interval="1m", **{"on-event": "tag"})
    clock.advance(125)
    assert device.identity == "tagged by script"
    assert ok(device, "/system/scheduler/print", **{".proplist": "run-count"}) == [{"run-count": "2"}]
    assert ok(device, "/system/script/print", **{".proplist": "run-count"}) == [{"run-count": "2"}]


def test_import_of_a_saved_export_and_its_errors() -> None:
    device, _ = make()
    ok(
        device,
        "/file/add",
        name="good.rsc",
        contents="/interface bridge\nadd name=bridge\n/ip address\nadd address=10.1.1.1/24 interface=bridge\n",
    )
    ok(device, "/import", **{"file-name": "good.rsc"})
    assert ok(device, "/ip/address/print", **{".proplist": "interface"}) == [{"interface": "bridge"}]
    ok(device, "/file/add", name="bad.rsc", contents="/ip address\nadd address=10.2.2.1/24 interface=nope\n")
    trap = device.call("/import", {"file-name": "bad.rsc"}).trap
    assert trap is not None and trap.message == "input does not match any value of interface (line 2 column 1)"


def test_backup_with_password() -> None:
    device, _ = make()
    ok(device, "/system/backup/save", name="locked", password="s3cret")
    assert device.call("/system/backup/load", {"name": "locked.backup", "password": "wrong"}).trap is not None
    assert device.call("/system/backup/load", {"name": "locked.backup", "password": "s3cret"}).disconnect


def test_export_header_and_dates_by_version() -> None:
    v7, _ = make(version="7.14.3")
    v79, _ = make(version="7.9.2")
    v6, _ = make(version="6.49.18")
    assert v7.export().startswith("# 2025-03-10 12:00:00 by RouterOS 7.14.3\n# software id = ")
    assert v79.export().startswith("# mar/10/2025 12:00:00 by RouterOS 7.9.2\n")
    assert v6.export().startswith("# mar/10/2025 12:00:00 by RouterOS 6.49.18\n")
    assert "# model = RBD52G-5HacD2HnD\n# serial number = HD0420001\n" in v7.export()
    assert ok(v6, "/system/resource/print", **{".proplist": "build-time"})[0]["build-time"][:3].istitle()


def test_export_hides_secrets_by_default_on_v7_only() -> None:
    for version, shown_by_default in (("6.49.18", True), ("7.14.3", False)):
        device, _ = make(version=version)
        ok(device, "/interface/wireless/security-profiles/add", name="school", **{"wpa2-pre-shared-key": "Sl3pens"})
        assert ("Sl3pens" in device.export()) is shown_by_default
        assert "Sl3pens" in device.export(show_sensitive=True)
        assert "Sl3pens" not in device.export(show_sensitive=False)


def test_latvian_text_is_stored_as_given_and_exported_as_hex_escapes() -> None:
    device, _ = make()
    name = "Rīgas Valsts 1. ģimnāzija — ā č ē ģ ī ķ ļ ņ š ū ž"
    ok(device, "/system/identity/set", name=name)
    assert ok(device, "/system/identity/print") == [{"name": name}]
    text = device.export(terse=True)
    assert '/system identity set name="R\\C4\\ABgas Valsts 1. \\C4\\A3imn\\C4\\81zija \\E2\\80\\94 \\C4\\81' in text
    again, _ = make()
    from mikronet.sim.scripting import run_script

    assert run_script(again, text).error is None
    assert again.identity == name


def test_speed_test_is_bounded_by_the_contract() -> None:
    device, _ = make(contracted_mbps=300.0)
    for _ in range(5):
        rows = ok(device, "/tool/speed-test", address="10.0.0.1")
        download = float(rows[-1]["tcp-download"].split("Mbps")[0])
        assert 300 * 0.8 <= download <= 300
    rows = ok(device, "/tool/bandwidth-test", address="10.0.0.1", direction="both", duration="3s")
    assert rows[-1]["status"] == "done testing" and len(rows) == 3
    assert 240e6 <= int(rows[-1]["rx-total-average"]) <= 300e6


def test_chr_has_no_routerboard_menu() -> None:
    device, _ = make(model="CHR", version="7.16.2")
    assert device.call("/system/routerboard/print", {}).trap.message == "no such command prefix"  # type: ignore[union-attr]
    assert ok(device, "/system/resource/print", **{".proplist": "board-name"})[0]["board-name"].startswith("CHR")


def test_execute_as_string_on_v7_unknown_on_v6() -> None:
    v7, _ = make()
    reply = v7.call("/execute", {"script": "/system identity print", "as-string": ""})
    assert reply.ret is not None and "name: MikroTik" in reply.ret
    v6, _ = make(version="6.49.18")
    assert v6.call("/execute", {"script": ":put 1", "as-string": ""}).trap.message == "unknown parameter"  # type: ignore[union-attr]


def test_an_uploaded_package_is_installed_at_the_next_reboot() -> None:
    device, clock = make(model="RB750Gr3", version="7.12.1")
    rows = ok(device, "/tool/fetch", url="https://download.mikrotik.com/routeros/7.16.2/routeros-7.16.2-mmips.npk")
    assert rows[-1]["status"] == "finished"
    device.call("/system/reboot", {})
    clock.advance(20)
    assert not device.online  # installing takes an install boot
    clock.advance(40)
    assert device.version == "7.16.2" and not any(f["type"] == "package" for f in ok(device, "/file/print"))
    # an older package needs downgrade
    ok(device, "/tool/fetch", url="https://download.mikrotik.com/routeros/7.14.3/routeros-7.14.3-mmips.npk")
    device.call("/system/reboot", {})
    clock.advance(60)
    assert device.version == "7.16.2"
    ok(device, "/tool/fetch", url="https://download.mikrotik.com/routeros/7.14.3/routeros-7.14.3-mmips.npk")
    assert device.call("/system/package/downgrade", {}).disconnect
    clock.advance(60)
    assert device.version == "7.14.3"


def test_public_surface() -> None:
    import mikronet.sim as sim

    for name in sim.__all__:
        assert getattr(sim, name) is not None, name
    assert sim.SimFleet.__module__ == "mikronet.sim.fleet"


def test_bandwidth_test_rows_follow_the_schools_contract() -> None:
    """CONTRACTS.md: status, duration, tx/rx current and total averages in bits per second, from the
    school's contracted bandwidth, reproducible for the same router, run and boot."""
    device, _ = make(contracted_mbps=100.0)
    rows = ok(device, "/tool/bandwidth-test", address="10.0.0.1", direction="both", duration="5s")
    assert [row["duration"] for row in rows] == ["1s", "2s", "3s", "4s", "5s"]
    assert [row["status"] for row in rows] == ["running"] * 4 + ["done testing"]
    last = rows[-1]
    for side in ("tx", "rx"):
        currents = [int(row[f"{side}-current"]) for row in rows]
        assert int(last[f"{side}-total-average"]) == sum(currents) // 5 or abs(
            int(last[f"{side}-total-average"]) - sum(currents) / 5) < 1
        assert 75e6 <= int(last[f"{side}-total-average"]) <= 100e6
    received = ok(device, "/tool/bandwidth-test", address="10.0.0.1", duration="2s")
    assert "rx-current" in received[-1] and "tx-current" not in received[-1]  # direction=receive by default
    twin, _ = make(contracted_mbps=100.0)
    assert ok(twin, "/tool/bandwidth-test", address="10.0.0.1", direction="both", duration="5s") == rows
    capped = ok(device, "/tool/bandwidth-test", address="10.0.0.1", direction="transmit", duration="2s",
                **{"local-tx-speed": "20M"})
    assert int(capped[-1]["tx-total-average"]) <= 20e6
    bad = device.call("/tool/bandwidth-test", {"address": "10.0.0.1", "speeed": "1"})
    assert bad.trap is not None and bad.trap.message == "unknown parameter"


def test_a_router_with_fast_ethernet_ports_caps_what_a_line_measures() -> None:
    device, _ = make(model="RB941-2nD", contracted_mbps=300.0)  # a hAP lite: 10/100 ports
    rows = ok(device, "/tool/bandwidth-test", address="10.0.0.1", direction="both", duration="3s")
    assert 80e6 <= int(rows[-1]["rx-total-average"]) <= 100e6
    replaced, _ = make(model="RB5009UG+S+", contracted_mbps=300.0)
    rows = ok(replaced, "/tool/bandwidth-test", address="10.0.0.1", direction="both", duration="3s")
    assert 240e6 <= int(rows[-1]["rx-total-average"]) <= 300e6
