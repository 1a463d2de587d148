"""The simulator's :class:`PathSpec` records, made from the project's RouterOS schema.

One model for the whole project: every configuration path a simulated router serves, with its
properties, defaults, types, flags and version gates, comes from :mod:`mikronet.routeros.schema`.
This module only adds what a *running* router knows and a schema does not: which kind menus share
the one ``/interface`` table, and the ``type`` each kind shows in ``/interface print``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from mikronet.routeros.schema import PathSchema, Schema, default_schema, parse_version
from mikronet.sim.factory_data import verbose_read_only
from mikronet.sim.models import ModelProfile
from mikronet.sim.specs import PathSpec
from mikronet.sim.versions import parse_version as sim_version

__all__ = ["INTERFACE_KINDS", "OTHER_INTERFACE_PATHS", "path_spec", "path_specs", "wanted_keys", "wanted_paths"]

INTERFACE_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "ethernet": "ether",
        "bridge": "bridge",
        "vlan": "vlan",
        "wireless": "wlan",
        "wifi": "wifi",
        "wifiwave2": "wifi",
        "wireguard": "wg",
        "pppoe-client": "pppoe-out",
        "l2tp-client": "l2tp-out",
        "ovpn-client": "ovpn-out",
        "eoip": "eoip",
        "gre": "gre",
        "vrrp": "vrrp",
        "vxlan": "vxlan",
        "bonding": "bond",
        "lte": "lte",
        "ppp-client": "ppp-out",
        "6to4": "6to4",
        "ipip": "ipip",
        "veth": "veth",
        "macvlan": "macvlan",
        "sstp-client": "sstp-out",
        "pptp-client": "pptp-out",
        "l2tp-server": "l2tp-in",
        "pptp-server": "pptp-in",
        "sstp-server": "sstp-in",
        "ovpn-server": "ovpn-in",
        "pppoe-server": "pppoe-in",
        "gre6": "gre6-tunnel",
        "eoipv6": "eoipv6-tunnel",
        "ipipv6": "ipipv6-tunnel",
    }
)
"""``/interface KIND`` menus whose items are interfaces, and the ``type`` they print."""

OTHER_INTERFACE_PATHS: Mapping[tuple[str, ...], str] = MappingProxyType({("zerotier", "interface"): "zerotier"})
"""Menus outside ``/interface`` whose items are interfaces too, and their ``type``."""

_SHARED: dict[tuple[object, ...], tuple[PathSchema, PathSpec]] = {}
"""Specs by what they depend on, the schema kept so that its ``id`` stays its own."""

_API_BOOL = {"yes": "true", "no": "false", "true": "true", "false": "false"}


def path_spec(schema: PathSchema, version: str) -> PathSpec | None:
    """The spec of one schema path at ``version``; None when that version has no such menu."""
    v = parse_version(version)
    if not schema.exists_in(v) or schema.opaque:
        return None
    words = tuple(schema.path[1:].split())
    props = {name: prop for name, prop in schema.props.items() if prop.exists_in(v)}
    defaults: dict[str, str] = {}
    for name, prop in props.items():
        value = prop.default_for(v)
        if value is None or (value == "" and name == "comment"):
            continue
        defaults[name] = _API_BOOL.get(value, value) if prop.type in ("bool", "flag") else value
    kind = INTERFACE_KINDS.get(words[1]) if len(words) == 2 and words[0] == "interface" else None
    kind = OTHER_INTERFACE_PATHS.get(words, kind)
    shared = kind is not None or words == ("interface",)
    name_field = schema.name_key if schema.name_key in props else None
    unique: tuple[tuple[str, ...], ...] = (
        ((schema.name_key,),) if name_field and schema.keys == (schema.name_key,) else ()
    )
    if words == ("ip", "address"):
        unique = (("address", "interface"),)
    gated = frozenset(name for name, prop in schema.props.items() if not prop.exists_in(v))
    singleton = schema.is_singleton(v)
    # most menus read the same on every version: one spec shared by all of them (memory, per fleet)
    key = (id(schema), tuple(props), tuple(defaults.items()), gated, singleton)
    shared_spec = _SHARED.get(key)
    if shared_spec is not None and shared_spec[0] is schema:
        return shared_spec[1]
    spec = PathSpec(
        path=words,
        singleton=singleton,
        fields=tuple(name for name, prop in props.items() if not prop.write_only),
        defaults=MappingProxyType(defaults),
        booleans=frozenset(n for n, p in props.items() if p.type in ("bool", "flag")),
        read_only=frozenset(n for n, p in props.items() if p.read_only) | gated,
        write_only=frozenset(n for n, p in props.items() if p.write_only),
        sensitive=frozenset(n for n, p in props.items() if p.sensitive),
        unique=unique,
        name_field=name_field,
        references=MappingProxyType({n: p.ref for n, p in props.items() if p.ref}),
        required=tuple(n for n, p in props.items() if p.required),
        storage=("interface",) if shared else None,
        type_value=kind,
        writable=frozenset(n for n, p in props.items() if not p.read_only and (kind is None or n != "type"))
        | (verbose_read_only(schema.path) & frozenset(props)),
        types=MappingProxyType({n: p.type for n, p in props.items() if p.type != "text"}),
    )
    _SHARED[key] = (schema, spec)
    return spec


@cache
def _specs(version: str, schema: Schema) -> Mapping[tuple[str, ...], PathSpec]:
    found = {}
    for path_schema in schema:
        spec = path_spec(path_schema, version)
        if spec is not None:
            found[spec.path] = spec
    return MappingProxyType(found)


def path_specs(version: str, schema: Schema | None = None) -> Mapping[tuple[str, ...], PathSpec]:
    """Every configuration path a router running ``version`` serves, keyed by path (cached per version)."""
    return _specs(version, schema or default_schema())


def _wanted_for(
    profile: ModelProfile, version_number: tuple[int, ...], path: tuple[str, ...], packages: frozenset[str]
) -> bool:
    kinds = {p.type for p in profile.ports(version_number[0])}
    if path[:2] == ("system", "routerboard") and not profile.routerboard:
        return False
    if path[:2] in (("interface", "wifi"), ("interface", "wifiwave2")):
        return "wifi" in kinds
    if path[:2] == ("interface", "wireless"):  # in the system package until 7.13, then a package of its own
        return "wlan" in kinds or version_number < (7, 13) or "wireless" in packages
    if path[:3] == ("interface", "ethernet", "poe"):
        return bool(profile.poe_out)
    return True


@cache
def wanted_keys(
    version: str, profile: ModelProfile, packages: frozenset[str] = frozenset()
) -> frozenset[tuple[str, ...]]:
    """The paths of :func:`wanted_paths`, as one frozenset every router of that kind shares."""
    return frozenset(wanted_paths(version, profile, packages))


@cache
def wanted_paths(
    version: str, profile: ModelProfile, packages: frozenset[str] = frozenset()
) -> Mapping[tuple[str, ...], PathSpec]:
    """The configuration paths (and their specs) a router of this hardware, version and extra
    ``packages`` (``wireless`` brings ``/interface wireless`` to a router without radios) serves."""
    specs = path_specs(version)
    number = sim_version(version).numbers
    return MappingProxyType(
        {path: spec for path, spec in specs.items() if _wanted_for(profile, number, path, packages)}
    )
