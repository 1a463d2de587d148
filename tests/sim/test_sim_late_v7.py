"""RouterOS 7.18-7.21 exports loaded into simulated routers: the properties and menus those versions
print are taken (and refused on the versions before them), every line a router refuses is listed --
the body of a refused section too -- and a router loaded from a backup runs the packages the
backup's menus need."""

from __future__ import annotations

import pytest

from mikronet.routeros import diff, parse, render_script
from mikronet.sim.clock import ManualClock
from mikronet.sim.device import DeviceSpec, SimDevice
from mikronet.sim.packages import export_packages

HAP_AX3 = "C53UiG+5HPaxD2HPaxD"
RB5009 = "RB5009UG+S+IN"


def _load(text: str, version: str, model: str = HAP_AX3) -> SimDevice:
    return SimDevice(DeviceSpec("LV-0001/gw", model, "LATE0001", version), clock=ManualClock(), initial_config=text)


def _refused(device: SimDevice) -> list[str]:
    assert device.initial_result is not None
    return [p.text for p in device.initial_result.problems]


def _reads_back(device: SimDevice, text: str, version: str) -> str:
    plan = diff(parse(text, file="original"), parse(device.export(show_sensitive=True), file="readback"),
                own="all", version=version)
    return render_script(plan, show_sensitive=True)


# Finding 1: properties of 7.18-7.21 that used to drop their whole item.
LATE_PROPERTIES = {
    "dhcp-server use-reconfigure": (
        "/ip pool\nadd name=p1 ranges=10.1.0.10-10.1.0.99\nadd name=p2 ranges=10.2.0.10-10.2.0.99\n"
        "/ip dhcp-server\n"
        "add address-pool=p1 interface=ether2 lease-time=1h name=dhcp1 use-reconfigure=yes\n"
        "add address-pool=p2 interface=ether3 name=dhcp2 use-reconfigure=no\n"
    ),
    "veth container-mac-address dhcp": (
        "/interface veth\nadd address=172.17.0.2/24 container-mac-address=5A:8F:A7:1E:1C:80 dhcp=no \\\n"
        "    gateway=172.17.0.1 gateway6=\"\" mac-address=5A:8F:A7:1E:1C:7F name=veth1\n"
    ),
    "disk partitions": (
        "/disk\nadd parent=usb1 partition-number=1 partition-offset=512 partition-size=\"4 294 967 296\" "
        "swap=yes type=partition\n"
    ),
    "logging cef-event-delimiter": (
        "/system logging action\nadd cef-event-delimiter=\"\" name=siem remote=192.0.2.10 remote-log-format=cef "
        "remote-port=10514 syslog-time-format=iso8601 target=remote\n"
    ),
    "container hosts": (
        "/container\nadd hosts=db.lan:10.0.0.5 interface=veth1 name=app remote-image=library/nginx:latest "
        "root-dir=/usb1/app\n/interface veth\nadd address=172.17.0.2/24 gateway=172.17.0.1 name=veth1\n"
    ),
    "e-mail certificate-verification": (
        "/tool e-mail\nset certificate-verification=yes from=router@skola.lv port=465 server=smtp.skola.lv tls=yes\n"
    ),
    "sniffer filter-src-ip-address": "/tool sniffer\nset filter-src-ip-address=192.0.2.1/32 filter-dst-port=443\n",
    "neighbor discovery lldp": (
        "/ip neighbor discovery-settings\nset discover-interface-list=LAN lldp-mac-phy-config=yes lldp-poe-power=no "
        "lldp-vlan-info=yes\n/interface list\nadd name=LAN\n"
    ),
    "ip settings tcp-timestamps": (
        "/ip settings\nset icmp-errors-use-inbound-interface-address=yes tcp-timestamps=disabled\n"
    ),
    "wifi compact properties": (
        "/interface wifi steering\nadd name=st1 rrm=yes wnm=yes\n/interface wifi\n"
        "set [ find default-name=wifi1 ] channel.band=5ghz-ax channel.reselect-time=0:00 .width=20/40/80mhz "
        "configuration.country=Latvia .mode=ap .ssid=Skola security.authentication-types=wpa2-psk,wpa3-psk "
        ".ft=yes .ft-over-ds=yes .ft-preserve-vlanid=yes .passphrase=Parole-123 steering.neighbor-group=ng1 "
        ".rrm=yes .wnm=yes datapath.traffic-processing=on-cpu\n"
    ),
    "proxy access action-data": (
        "/ip proxy access\nadd action=redirect action-data=filtrs.skola.lv:8080 dst-host=*.example.com\n"
    ),
}


# The first release that has them (community.routeros's API data and RouterOS's changelogs); older
# exports do not carry them.
FIRST = {"veth container-mac-address dhcp": "7.21.1", "container hosts": "7.21.1",
         "e-mail certificate-verification": "7.21.1", "dhcp-server use-reconfigure": "7.19.4",
         "logging cef-event-delimiter": "7.18.2"}


@pytest.mark.parametrize("name", sorted(LATE_PROPERTIES))
@pytest.mark.parametrize("late", [False, True])
def test_a_late_v7_property_is_taken_and_reads_back(name: str, late: bool) -> None:
    version = "7.21.1" if late else FIRST.get(name, "7.19.4")
    text = LATE_PROPERTIES[name]
    device = _load(text, version)
    assert _refused(device) == []
    assert _reads_back(device, text, version) == ""


@pytest.mark.parametrize("name", sorted(FIRST))
def test_a_late_v7_property_is_refused_before_its_release(name: str) -> None:
    problems = _refused(_load(LATE_PROPERTIES[name], "7.16.2"))
    assert problems and all(p.startswith("expected end of command") for p in problems)


def test_all_three_dhcp_servers_of_a_7_19_export_survive() -> None:
    text = "/ip dhcp-server\n" + "".join(
        f"add interface=ether{n} name=dhcp{n} use-reconfigure=yes\n" for n in (2, 3, 4)
    )
    device = _load(text, "7.19.4")
    assert _refused(device) == []
    names = [row["name"] for row in device.call("/ip/dhcp-server/print", {}).rows]
    assert names == ["dhcp2", "dhcp3", "dhcp4"]


def test_a_property_newer_than_the_router_is_still_refused() -> None:
    device = _load("/ip dhcp-server\nadd interface=ether2 name=dhcp1 use-reconfigure=yes\n", "7.12.1")
    assert _refused(device) == ["expected end of command (line 2 column 33)"]


# Finding 2: menus that were missing, and a refused section's body counted line by line.
LATE_MENUS = {
    "routing isis": ("7.16.2", (
        "/routing isis instance\nadd afi=ip,ipv6 areas=49.0001 name=isis1 system-id=0000.0000.0001\n"
        "/routing isis interface-template\nadd instance=isis1 interfaces=ether1,ether2 levels=l2 passive=no\n"
    )),
    "dhcp-server vendor-class-id": ("6.48.6", (
        "/ip pool\nadd name=phones ranges=10.9.0.10-10.9.0.99\n/ip dhcp-server\nadd interface=ether2 name=dhcp1\n"
        "/ip dhcp-server vendor-class-id\nadd address-pool=phones name=voip server=dhcp1 vendor-class-id=Yealink\n"
    )),
    "wireless channels": ("6.48.6", (
        "/interface wireless channels\nadd band=5ghz-a/n/ac frequency=5180 list=skola name=ch36 width=20\n"
    )),
    "iot lora servers": ("7.21.1", (
        "/iot lora servers\nadd address=eu1.cloud.thethings.network down-port=1700 name=TTN-EU up-port=1700\n"
    )),
    "disk settings": ("7.21.1", "/disk settings\nset auto-media-sharing=yes auto-smb-sharing=yes\n"),
    "app": ("7.21.1", (
        "/app settings\nset disk=usb1 lan-bridge=bridge\n/app\nadd auto-update=yes name=pihole network=lan\n"
    )),
}


@pytest.mark.parametrize("name", sorted(LATE_MENUS))
def test_a_menu_of_its_version_is_there(name: str) -> None:
    version, text = LATE_MENUS[name]
    model = "RB2011UiAS-2HnD" if version.startswith("6.") else HAP_AX3
    device = _load(text, version, model)
    assert _refused(device) == []
    assert _reads_back(device, text, version) == ""


def test_every_line_of_a_refused_section_is_listed() -> None:
    text = (
        "/routing isis instance\n"
        "add areas=49.0001 name=isis1 system-id=0000.0000.0001\n"
        "add areas=49.0002 name=isis2 system-id=0000.0000.0002\n"
        "/ip address\nadd address=10.0.0.1/24 interface=ether2\n"
    )
    device = _load(text, "7.12.1")  # IS-IS came with 7.16
    assert _refused(device) == [
        "bad command name isis (line 1 column 10)",
        "bad command name isis (line 2 column 1)",
        "bad command name isis (line 3 column 1)",
    ]
    assert [row["address"] for row in device.call("/ip/address/print", {}).rows] == ["10.0.0.1/24"]


# Finding 3: packages from the backup.
def test_an_rb5009_managing_capsman_v1_keeps_its_wireless_menus() -> None:
    text = (
        "/interface wireless security-profiles\n"
        "add authentication-types=wpa2-psk mode=dynamic-keys name=skola supplicant-identity=MikroTik\n"
        "/caps-man configuration\nadd name=cfg1 ssid=Skola\n"
    )
    device = _load(text, "7.21.1", RB5009)
    assert _refused(device) == []
    assert "wireless" in {row["name"] for row in device.call("/system/package/print", {}).rows}
    assert _reads_back(device, text, "7.21.1") == ""


def test_an_rb5009_without_the_package_has_no_wireless_menu() -> None:
    device = SimDevice(DeviceSpec("LV-0001/gw", RB5009, "LATE0002", "7.21.1"), clock=ManualClock())
    assert "wireless" not in {row["name"] for row in device.call("/system/package/print", {}).rows}
    with_package = SimDevice(DeviceSpec("LV-0001/gw", RB5009, "LATE0003", "7.21.1", packages=("wireless",)),
                             clock=ManualClock())
    assert ("interface", "wireless") in with_package.specs
    assert ("interface", "wireless") not in device.specs


@pytest.mark.parametrize(("text", "packages"), [
    ("/interface wireless security-profiles\nadd name=p1\n", ("wireless",)),
    ("/container config\nset registry-url=https://registry-1.docker.io\n", ("container",)),
    ("/iot lora servers\nadd address=192.0.2.1 name=lns\n", ("iot",)),
    ("/zerotier\nset zt1 port=9993\n/container\nadd name=a\n", ("container", "zerotier")),
    ("/routing isis instance\nadd name=isis1\n/ip address\nadd address=10.0.0.1/24 interface=ether1\n", ()),
])
def test_the_packages_an_export_needs(text: str, packages: tuple[str, ...]) -> None:
    assert export_packages(text, "7.21.1") == packages
    assert export_packages(text, "6.49.18") == ()  # RouterOS 6 bundles them all


def test_a_compact_wifi_secret_stays_hidden_in_an_export() -> None:
    text = LATE_PROPERTIES["wifi compact properties"]
    device = _load(text, "7.21.1")
    assert "Parole-123" not in device.export(show_sensitive=False)
    assert "Parole-123" in device.export(show_sensitive=True)
