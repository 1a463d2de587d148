"""Properties real configurations use, accepted and kept: none refused that RouterOS takes, none
dropped once accepted (each was, before the schema was enforced and completed)."""

from __future__ import annotations

import pytest

from mikronet.routeros import parse
from mikronet.sim.clock import ManualClock
from mikronet.sim.device import DeviceSpec, SimDevice


def _router(version: str, model: str = "RB750Gr3") -> SimDevice:
    return SimDevice(DeviceSpec("LV-0001/gw", model, "PARAM0001", version), clock=ManualClock())


@pytest.mark.parametrize(("version", "path", "args"), [
    ("7.16.2", "/ip/firewall/mangle", {"chain": "prerouting", "routing-mark": "isp2", "action": "log"}),
    ("7.16.2", "/interface/ethernet", {".id": "ether1", "disable-running-check": "yes"}),
    ("6.49.18", "/ip/route/rule", {"src-address": "10.1.0.0/16", "table": "via-isp2", "action": "lookup"}),
    ("7.16.2", "/ip/dns/static", {"name": "skola.lv", "type": "TXT", "text": "v=spf1 -all"}),
    ("7.16.2", "/tool/netwatch", {"host": "10.0.0.1", "type": "icmp"}),
    ("7.16.2", "/routing/ospf/interface-template", {"interfaces": "ether2", "type": "ptp"}),
    ("7.16.2", "/ip/route", {"dst-address": "10.9.0.0/16", "gateway": "192.0.2.1", "pref-src": ""}),
])
def test_a_valid_property_is_accepted_kept_and_exported(version: str, path: str, args: dict[str, str]) -> None:
    device = _router(version)
    if path == "/routing/ospf/interface-template":
        assert device.call("/routing/ospf/instance/add", {"name": "o1"}).trap is None
        assert device.call("/routing/ospf/area/add", {"name": "a0", "instance": "o1"}).trap is None
        args = {**args, "area": "a0"}
    verb = "set" if ".id" in args else "add"
    reply = device.call(f"{path}/{verb}", args)
    assert reply.trap is None, reply.trap
    rows = device.call(f"{path}/print", {}).rows
    row = next(r for r in rows if r.get(".id") in (reply.ret, "*1") or r.get("name") == args.get(".id"))
    exported = parse(device.export(show_sensitive=True), file="export").get(" ".join(path.split("/")))
    assert exported is not None
    kept = {k: v for item in exported.items for k, v in item.props.items()}
    for name, value in args.items():
        if name == ".id":
            continue
        shown = {"yes": "true"}.get(value, value)
        assert row.get(name) == shown, (name, row)
        assert kept.get(name) == value, (name, kept)


def test_a_misspelled_property_is_refused_everywhere() -> None:
    device = _router("7.16.2")
    api = device.call("/ip/dns/set", {"alow-remote-requests": "yes"})
    assert api.trap is not None and api.trap.message == "unknown parameter"
    from mikronet.sim.console import Console

    console = Console(device, width=200)
    assert console.feed("/ip dns set alow-remote-requests=yes").text == \
        "expected end of command (line 1 column 13)\n"
    assert console.feed("/ip dnss print").text == "bad command name dnss (line 1 column 5)\n"
    assert "alow" not in device.export()
