"""Real exports (``../shared/corpus/exports``) loaded into simulated routers of the model and version
they came from, as ``sim up --from-backups`` does: not one line refused, and the router's own
``/export`` reads back with an empty diff against the original.

The same holds over the network (API and SSH) in ``test_sim_readback.py``; these run in-process, so
every export is checked in a few seconds.
"""

from __future__ import annotations

import pytest
from sim_corpus import EXPORTS, RealExport, clean_exports, readback_param

from mikronet.routeros import diff, parse, render_script
from mikronet.sim.clock import ManualClock
from mikronet.sim.device import DeviceSpec, SimDevice

REAL = clean_exports()


def _load(export: RealExport) -> SimDevice:
    spec = DeviceSpec("LV-0001/gw", export.model, "CORPUS01", export.version)
    return SimDevice(spec, clock=ManualClock(), initial_config=export.text)


def test_the_corpus_is_there() -> None:
    assert EXPORTS.is_dir(), f"the shared corpus is missing: {EXPORTS}"
    assert len(REAL) >= 40  # 46 exports, 6 of them damaged on purpose (see SOURCES.md)


@pytest.mark.parametrize("export", [readback_param(e) for e in REAL])
def test_a_real_export_loads_without_a_refused_line_and_exports_the_same(export: RealExport) -> None:
    device = _load(export)
    assert device.initial_result is not None
    assert [p.text for p in device.initial_result.problems] == []
    again = parse(device.export(show_sensitive=True), file="readback")
    plan = diff(export.config, again, own="all", version=export.version)
    assert render_script(plan, show_sensitive=True) == ""


def test_the_factory_items_an_export_sets_exist_on_the_model() -> None:
    """hAP (RB951Ui-2HnD): five ports, a LED per port and radio, a switch chip, PoE-out on ether5."""
    device = SimDevice(DeviceSpec("LV-0001/gw", "RB951Ui-2HnD", "HAP00001", "6.49.7"), clock=ManualClock())
    leds = device.call("/system/leds/print", {}).rows
    assert [row["interface"] for row in leds] == ["ether1", "ether2", "ether3", "ether4", "ether5", "wlan1"]
    switch = device.call("/interface/ethernet/switch/print", {}).rows
    assert [(row["name"], row["type"]) for row in switch] == [("switch1", "Atheros-8227")]
    poe = device.call("/interface/ethernet/poe/print", {}).rows
    assert [row["name"] for row in poe] == ["ether5"]
    services = {row["name"] for row in device.call("/ip/firewall/service-port/print", {}).rows}
    assert {"ftp", "tftp", "irc", "h323", "sip", "pptp", "udplite", "dccp", "sctp"} <= services


def test_a_chr_backup_brings_as_many_ports_as_it_names() -> None:
    text = "/interface ethernet\nset [ find default-name=ether7 ] comment=uplink\n/ip address\n" \
           "add address=10.9.9.1/24 interface=ether12\n"
    device = SimDevice(DeviceSpec("LV-0001/gw", "CHR", "CHR00001", "7.16.2"), clock=ManualClock(),
                       initial_config=text)
    names = [row["name"] for row in device.call("/interface/print", {}).rows if row["type"] == "ether"]
    assert names == ["ether1", "ether7", "ether12"]
    assert device.initial_result is not None and device.initial_result.problems == []


def test_an_unknown_model_takes_its_ports_from_the_backup_not_a_generic_layout() -> None:
    text = "/interface bridge port\nadd bridge=bridge interface=ether9\n/interface bridge\nadd name=bridge\n" \
           "/interface wireless\nset [ find default-name=wlan2 ] ssid=Skola\n"
    device = SimDevice(DeviceSpec("LV-0001/gw", "RBXYZ-9000", "XYZ00001", "6.49.18"), clock=ManualClock(),
                       initial_config=text)
    ports = [(row["name"], row["type"]) for row in device.call("/interface/print", {}).rows if row["type"] != "bridge"]
    assert ports == [("ether9", "ether"), ("wlan2", "wlan")]
