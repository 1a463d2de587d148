"""Where the simulator's :class:`PathSpec` records come from.

:func:`path_specs` reads the project's RouterOS schema (:mod:`mikronet.routeros`) when it offers a
path, and keeps a few device-side facts the schema does not carry (which kind view lives in the
shared ``/interface`` table, which properties name other items). :data:`BASELINE` covers the paths
a simulated router must have whatever the schema holds, so a router is usable on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from mikronet.sim.specs import PathSpec

__all__ = ["BASELINE", "path_specs"]


def _spec(
    path: str,
    fields: str,
    *,
    booleans: str = "",
    defaults: Mapping[str, str] | None = None,
    singleton: bool = False,
    read_only: str = "",
    write_only: str = "",
    sensitive: str = "",
    unique: Iterable[str] = (),
    name_field: str | None = None,
    references: Mapping[str, str] | None = None,
    required: str = "",
    kind: str | None = None,
) -> PathSpec:
    return PathSpec(
        path=tuple(path.split()),
        singleton=singleton,
        fields=tuple(fields.split()),
        defaults=MappingProxyType(dict(defaults or {})),
        booleans=frozenset(booleans.split()),
        read_only=frozenset(read_only.split()),
        write_only=frozenset(write_only.split()),
        sensitive=frozenset(sensitive.split()),
        unique=tuple(tuple(u.split()) for u in unique),
        name_field=name_field,
        references=MappingProxyType(dict(references or {})),
        required=tuple(required.split()),
        storage=("interface",) if kind is not None else None,
        type_value=kind,
    )


_IFACE = "name default-name type mtu actual-mtu l2mtu max-l2mtu mac-address last-link-up-time link-downs"
_RULE = "chain action src-address dst-address protocol src-port dst-port in-interface out-interface " \
        "in-interface-list out-interface-list connection-state src-address-list dst-address-list " \
        "to-addresses to-ports log log-prefix comment disabled"

BASELINE: tuple[PathSpec, ...] = (
    _spec("interface", _IFACE + " running disabled comment", booleans="running disabled",
          read_only="default-name type running actual-mtu", unique=["name"], name_field="name"),
    _spec("interface ethernet", "name default-name mtu mac-address arp auto-negotiation comment disabled",
          booleans="disabled auto-negotiation", defaults={"arp": "enabled", "auto-negotiation": "true", "mtu": "1500"},
          read_only="default-name", unique=["name"], name_field="name", kind="ether"),
    _spec("interface bridge", "name mtu protocol-mode vlan-filtering arp fast-forward igmp-snooping auto-mac "
          "admin-mac comment disabled", booleans="vlan-filtering fast-forward igmp-snooping auto-mac disabled",
          defaults={"mtu": "auto", "protocol-mode": "rstp", "vlan-filtering": "false", "arp": "enabled",
                    "fast-forward": "true", "igmp-snooping": "false", "auto-mac": "true"},
          unique=["name"], name_field="name", kind="bridge"),
    _spec("interface vlan", "name mtu interface vlan-id comment disabled", booleans="disabled",
          defaults={"mtu": "1500"}, unique=["name"], name_field="name", references={"interface": "interface"},
          required="interface vlan-id", kind="vlan"),
    _spec("interface wireless", "name mode ssid band frequency country security-profile comment disabled",
          booleans="disabled", unique=["name"], name_field="name", kind="wlan"),
    _spec("interface wifi", "name configuration.mode configuration.ssid security.authentication-types "
          "security.passphrase comment disabled", booleans="disabled", sensitive="security.passphrase",
          unique=["name"], name_field="name", kind="wifi"),
    _spec("interface bridge port", "interface bridge pvid frame-types comment disabled",
          booleans="disabled", defaults={"pvid": "1", "frame-types": "admit-all"}, unique=["interface"],
          references={"interface": "interface", "bridge": "interface"}, required="interface bridge"),
    _spec("interface bridge vlan", "bridge vlan-ids tagged untagged comment disabled", booleans="disabled",
          references={"bridge": "interface"}, required="bridge"),
    _spec("interface list", "name include exclude comment", unique=["name"], name_field="name"),
    _spec("interface list member", "list interface comment disabled", booleans="disabled",
          references={"list": "interface/list", "interface": "interface"}, unique=["list interface"]),
    _spec("ip address", "address network interface actual-interface invalid dynamic disabled comment",
          booleans="invalid dynamic disabled", read_only="actual-interface invalid dynamic",
          defaults={"disabled": "false"}, unique=["address interface"], references={"interface": "interface"}),
    _spec("ip route", "dst-address gateway distance scope target-scope routing-table pref-src comment disabled",
          booleans="disabled", defaults={"dst-address": "0.0.0.0/0", "distance": "1", "scope": "30",
                                         "target-scope": "10", "disabled": "false"}),
    _spec("ip dns", "servers allow-remote-requests cache-size cache-max-ttl", singleton=True,
          booleans="allow-remote-requests", defaults={"servers": "", "allow-remote-requests": "false",
                                                      "cache-size": "2048", "cache-max-ttl": "1w"}),
    _spec("ip dns static", "name address type ttl comment disabled", booleans="disabled"),
    _spec("ip pool", "name ranges next-pool comment", unique=["name"], name_field="name"),
    _spec("ip dhcp-server", "name interface address-pool lease-time comment disabled", booleans="disabled",
          defaults={"lease-time": "30m", "disabled": "false"}, unique=["name"], name_field="name",
          references={"interface": "interface"}),
    _spec("ip dhcp-server network", "address gateway dns-server netmask domain comment"),
    _spec("ip dhcp-server lease", "address mac-address server status comment disabled", booleans="disabled"),
    _spec("ip dhcp-client", "interface add-default-route use-peer-dns use-peer-ntp comment disabled",
          booleans="use-peer-dns use-peer-ntp disabled", references={"interface": "interface"},
          unique=["interface"], defaults={"add-default-route": "yes", "use-peer-dns": "true"}),
    _spec("ip firewall filter", _RULE, booleans="log disabled", defaults={"disabled": "false"}),
    _spec("ip firewall nat", _RULE, booleans="log disabled", defaults={"disabled": "false"}),
    _spec("ip firewall mangle", _RULE + " new-routing-mark new-connection-mark passthrough",
          booleans="log disabled passthrough", defaults={"disabled": "false"}),
    _spec("ip firewall raw", _RULE, booleans="log disabled", defaults={"disabled": "false"}),
    _spec("ip firewall address-list", "list address timeout comment disabled", booleans="disabled"),
    _spec("ip service", "name port address certificate tls-version vrf max-sessions invalid disabled",
          booleans="invalid disabled", defaults={"address": "", "disabled": "false", "invalid": "false"},
          read_only="name invalid", name_field="name"),
    _spec("ip ssh", "strong-crypto allow-none-crypto forwarding-enabled", singleton=True,
          booleans="strong-crypto allow-none-crypto", defaults={"strong-crypto": "false",
                                                                "allow-none-crypto": "false"}),
    _spec("ip cloud", "ddns-enabled update-time", singleton=True, booleans="ddns-enabled update-time",
          defaults={"ddns-enabled": "false", "update-time": "true"}),
    _spec("user", "name group address last-logged-in disabled comment", booleans="disabled",
          write_only="password", sensitive="password", unique=["name"], name_field="name",
          references={"group": "user/group"}, required="name group", defaults={"disabled": "false"}),
    _spec("user group", "name policy skin comment", unique=["name"], name_field="name",
          defaults={"skin": "default"}),
    _spec("system identity", "name", singleton=True, defaults={"name": "MikroTik"}),
    _spec("system clock", "time date time-zone-autodetect time-zone-name gmt-offset dst-active", singleton=True,
          booleans="time-zone-autodetect dst-active", read_only="gmt-offset dst-active",
          defaults={"time-zone-autodetect": "true", "time-zone-name": "manual"}),
    _spec("system ntp client", "enabled mode servers", singleton=True, booleans="enabled",
          defaults={"enabled": "false", "mode": "unicast", "servers": ""}),
    _spec("system note", "note show-at-login", singleton=True, booleans="show-at-login",
          defaults={"show-at-login": "true"}),
    _spec("system logging", "topics action prefix disabled", booleans="disabled"),
    _spec("system routerboard settings", "auto-upgrade boot-device", singleton=True, booleans="auto-upgrade",
          defaults={"auto-upgrade": "false", "boot-device": "nand-if-fail-then-ethernet"}),
    _spec("system scheduler", "name start-date start-time interval on-event owner policy run-count next-run "
          "comment disabled", booleans="disabled", read_only="run-count next-run owner", unique=["name"],
          name_field="name", defaults={"interval": "0s", "start-time": "startup", "disabled": "false",
                                       "policy": "ftp,reboot,read,write,policy,test,password,sniff,sensitive,romon"}),
    _spec("system script", "name owner policy dont-require-permissions run-count last-started source comment",
          booleans="dont-require-permissions", read_only="run-count last-started owner", unique=["name"],
          name_field="name", defaults={"dont-require-permissions": "false",
                                       "policy": "ftp,reboot,read,write,policy,test,password,sniff,sensitive,romon"}),
    _spec("snmp", "enabled contact location engine-id trap-community trap-version", singleton=True,
          booleans="enabled", defaults={"enabled": "false", "contact": "", "location": "", "engine-id": "",
                                        "trap-community": "public", "trap-version": "1"}),
    _spec("snmp community", "name addresses security read-access write-access", booleans="read-access write-access",
          unique=["name"], name_field="name"),
    _spec("queue simple", "name target max-limit limit-at comment disabled", booleans="disabled",
          unique=["name"], name_field="name"),
)


def path_specs() -> dict[tuple[str, ...], PathSpec]:
    """Every configuration path a simulated router serves, keyed by path."""
    return {spec.path: spec for spec in BASELINE}
