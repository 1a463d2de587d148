"""The per-path schema: every path the school templates and the corpus use is described."""

from __future__ import annotations

from pathlib import Path

import pytest

from mikronet.routeros import Schema, default_schema, parse_version
from mikronet.routeros.schema import SchemaError

REQUIRED = [
    "/system identity", "/system clock", "/system ntp client", "/system note", "/system logging",
    "/user", "/user group", "/ip address", "/ip route", "/ip pool", "/ip dns", "/ip dhcp-client",
    "/ip dhcp-server", "/ip dhcp-server network", "/ip dhcp-server lease", "/ip service",
    "/ip firewall filter", "/ip firewall nat", "/ip firewall mangle", "/ip firewall address-list",
    "/ip neighbor discovery-settings", "/interface bridge", "/interface bridge port", "/interface vlan",
    "/interface list", "/interface list member", "/interface ethernet", "/interface wireless",
    "/interface wifi", "/interface wireguard", "/queue simple", "/queue tree", "/snmp", "/tool romon",
    "/tool graphing", "/ppp profile", "/ppp secret", "/interface pppoe-client", "/system scheduler",
    "/system script", "/certificate",
]


@pytest.mark.parametrize("path", REQUIRED)
def test_required_paths_are_described(path: str) -> None:
    assert path in default_schema()
    assert not default_schema().get(path).opaque


def test_every_menu_of_the_corpus_is_known(corpus_models: dict[str, object]) -> None:
    schema = default_schema()
    unknown = {p for m in corpus_models.values() for p in m.sections if p not in schema}  # type: ignore[attr-defined]
    assert not unknown


def test_path_facts() -> None:
    schema = default_schema()
    assert schema.get("/ip firewall filter").ordered and schema.get("/queue tree").ordered
    assert not schema.get("/ip address").ordered and schema.get("/ip address").keys == ("address", "interface")
    assert schema.get("/ip dns").singleton and schema.get("/system identity").singleton
    assert "password" in schema.get("/ppp secret").sensitive
    assert "wpa2-pre-shared-key" in schema.get("/interface wireless security-profiles").sensitive
    assert schema.get("/user").prop("password").write_only
    assert schema.get("/ip address").prop("network").computed
    assert schema.get("/interface ethernet").prop("orig-mac-address").read_only
    assert schema.get("/ip service").builtins["telnet"]["port"] == "23"
    unknown = schema.get("/nosuch feature")
    assert unknown.opaque and unknown.ordered and not unknown.keys
    assert schema.is_menu("/tool mac-server ping") and schema.is_menu("/ip") and not schema.is_menu("/nosuch")


def test_version_gates() -> None:
    schema = default_schema()
    route = schema.get("/ip route")
    assert route.renamed["routing-mark"] == "routing-table"
    assert route.prop("routing-table").exists_in(parse_version("7.14.3"))
    assert not route.prop("routing-table").exists_in(parse_version("6.49.7"))
    assert schema.get("/interface wifi").exists_in(parse_version("7.13"))
    assert not schema.get("/interface wifi").exists_in(parse_version("7.12.1"))
    assert schema.renamed_paths["/interface wifiwave2"] == "/interface wifi"
    lease = schema.get("/ip dhcp-server").prop("lease-time")
    assert (lease.default_for(parse_version("7.6")), lease.default_for(parse_version("7.14"))) == ("10m", "30m")
    assert lease.default_for(None) == "10m"


def test_versions_order_like_routeros() -> None:
    assert parse_version("5.2") < parse_version("5.18")
    assert parse_version("6.45beta27") < parse_version("6.45rc1") < parse_version("6.45") < parse_version("6.45.1")
    assert parse_version("7.16 (stable)") == (7, 16, 0, 0, 0) and parse_version("7.16") >= (7, 10)
    assert parse_version("7.9.1") < (7, 10)


def test_a_broken_schema_file_says_where(tmp_path: Path) -> None:
    (tmp_path / "ip.yaml").write_text("/ip address:\n  props:\n    disabled: boolean = no\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"ip.yaml: /ip address: property disabled: unknown type 'boolean'"):
        Schema.load(tmp_path)
    (tmp_path / "ip.yaml").write_text("/ip address:\n  keyz: [address]\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="unknown fields"):
        Schema.load(tmp_path)


def test_schemas_are_built_fresh_or_shared(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("/x y:\n  keys: [name]\n", encoding="utf-8")
    mine = Schema.load(tmp_path)
    assert len(mine) == 1 and mine.get("/x y").keys == ("name",)
    assert default_schema() is default_schema()


def test_version_problems_name_what_a_router_lacks() -> None:
    from mikronet.routeros import parse, version_problems

    template = parse("/interface wifi\nset [ find default-name=wifi1 ] disabled=no\n"
                     "/ip route\nadd gateway=10.0.0.1 routing-table=isp2\n/system ntp client servers\n"
                     "add address=pool.ntp.org\n")
    assert version_problems(template, "6.49.7") == [
        "/interface wifi: no such menu on RouterOS 6.49.7",
        "/ip route: no property routing-table on RouterOS 6.49.7",
        "/system ntp client servers: no such menu on RouterOS 6.49.7",
    ]
    assert version_problems(template, "7.14.3") == []
    wave2 = parse("/interface wifiwave2\nset [ find default-name=wifi1 ] disabled=no\n")
    assert version_problems(wave2, "7.12") == []
    assert version_problems(parse("/ip route\nadd gateway=1.1.1.1 routing-mark=x\n"), "7.14") == []


def test_one_version_type_for_the_product() -> None:
    from mikronet.routeros import Version
    from mikronet.sim import versions as sim_versions

    v = parse_version("7.14.3 (stable)")
    assert isinstance(v, Version) and (v.major, v.minor, v.patch) == (7, 14, 3) and str(v) == "7.14.3"
    assert parse_version("7.16rc1") < parse_version("7.16") and str(parse_version("7.16rc1")) == "7.16rc1"
    assert parse_version("7.1alpha2") < parse_version("7.1beta1") < parse_version("7.1rc6") < parse_version("7.1")
    assert parse_version("7.14") == parse_version("7.14.0") == (7, 14)
    assert hash(parse_version("7.14.0")) == hash(Version((7, 14)))
    assert v >= "7.13" and v < "7.15" and v != "6.49.7" and parse_version(v) is v
    assert sorted(map(parse_version, ["6.49.17", "7.1rc6", "6.49.7", "7.1"])) == [
        parse_version(t) for t in ("6.49.7", "6.49.17", "7.1rc6", "7.1")]
    assert sim_versions.Version is Version and sim_versions.parse_version is parse_version
    for bad in ("", "seven", "7.14.3 stable", "7.x", "7..1"):
        with pytest.raises(ValueError, match="not a RouterOS version"):
            parse_version(bad)

