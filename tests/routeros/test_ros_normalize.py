"""Normalisers: equal things compare equal, and every normaliser is idempotent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mikronet.routeros import Props, normalize, normalize_value, parse
from mikronet.routeros.normalize import NORMALIZERS, duration_us


@pytest.mark.parametrize(
    ("type_", "a", "b"),
    [
        ("bool", "yes", "true"),
        ("bool", "no", "false"),
        ("bool", "FALSE", "no"),
        ("rate", "25M", "25000000"),
        ("rate", "768k/10M", "768000/10000000"),
        ("rate", "1.5M", "1500000"),
        ("duration", "1d", "24h"),
        ("duration", "1d00:00:00", "1d"),
        ("duration", "00:10:00", "10m"),
        ("duration", "90s", "1m30s"),
        ("duration", "0.2s", "200ms"),
        ("duration", "1w", "7d"),
        ("int", "0x8000", "32768"),
        ("int", "007", "7"),
        ("kib", "2048KiB", "2MiB"),
        ("kib", "2048", "2048KiB"),
        ("size", "2MiB", "2097152"),
        ("set", "wpa2-psk,wpa-psk", "wpa-psk,wpa2-psk"),
        ("set", "a, b,a", "a,b"),
        ("iset", "Read,WRITE", "write,read"),
        ("mac", "64:d1:54:e7:9c:d5", "64:D1:54:E7:9C:D5"),
        ("list", "1, 2,3", "1,2,3"),
    ],
)
def test_equal_values_normalise_alike(type_: str, a: str, b: str) -> None:
    assert normalize_value(type_, a) == normalize_value(type_, b)


@pytest.mark.parametrize(
    ("type_", "a", "b"),
    [("list", "2,1", "1,2"), ("text", "Skola", "skola"), ("rate", "1M", "1k"), ("duration", "1d", "1h")],
)
def test_different_values_stay_different(type_: str, a: str, b: str) -> None:
    assert normalize_value(type_, a) != normalize_value(type_, b)


@pytest.mark.parametrize("value", ["auto", "none", "never", "unlimited", "0s..1m", "", "none-dynamic"])
def test_words_a_normaliser_does_not_know_are_left_alone(value: str) -> None:
    for type_ in ("int", "rate", "duration", "kib", "size"):
        assert normalize_value(type_, value) == value


def test_durations() -> None:
    assert duration_us("1w2d3h4m5s6ms") == ((((9 * 24 + 3) * 60 + 4) * 60 + 5) * 1000 + 6) * 1000
    assert duration_us("banana") is None
    assert normalize_value("duration", "8h10m") == "8h10m"


_ROUTEROS_ISH = st.text(alphabet=st.sampled_from(list("0123456789.,:/ kKMGTiBwdhmsuxXabcyesnofalsetruAEF-_")),
                        max_size=24)


@pytest.mark.parametrize("type_", sorted(NORMALIZERS))
@given(value=_ROUTEROS_ISH | st.text(max_size=12))
def test_every_normaliser_is_idempotent(type_: str, value: str) -> None:
    once = normalize_value(type_, value)
    assert normalize_value(type_, once) == once


def test_normalize_drops_defaults_and_unset_and_read_only() -> None:
    verbose = parse("/ip address\nadd address=10.0.0.1/24 disabled=no interface=ether1 network=10.0.0.0 "
                    "actual-interface=ether1\n/ip dns\nset allow-remote-requests=no cache-size=2048KiB "
                    "servers=1.1.1.1\n/ip hotspot user profile\nset [ find default=yes ] !parent-queue "
                    "shared-users=1\n")
    normal = normalize(verbose, version="6.49.7")
    assert normal["/ip address"].items[0].props == Props({"address": "10.0.0.1/24", "interface": "ether1",
                                                          "network": "10.0.0.0"})
    assert normal["/ip dns"].settings == Props({"servers": "1.1.1.1"})
    assert normal.get("/ip hotspot user profile") is None  # a built-in at its defaults says nothing


def test_normalize_knows_built_in_items_and_names() -> None:
    model = parse("/ip service\nset telnet disabled=no port=23\nset ssh port=2222\n"
                  "/interface ethernet\nset [ find default-name=ether1 ] name=ether1 comment=WAN\n"
                  "/interface list\nset [ find name=all ] comment=\"contains all interfaces\" name=all\n")
    normal = normalize(model)
    assert [(i.selector.render(), dict(i.props)) for i in normal["/ip service"].items] == [  # type: ignore[union-attr]
        ("ssh", {"port": "2222"})]
    assert normal["/interface ethernet"].items[0].props == Props({"comment": "WAN"})
    assert normal.get("/interface list") is None


def test_normalize_follows_version_renames() -> None:
    v6_style = parse("/ip route\nadd gateway=10.0.0.1 routing-mark=isp2\n/interface wifiwave2\n"
                     "set [ find default-name=wifi1 ] disabled=no\n")
    on_v7 = normalize(v6_style, version="7.14.3")
    assert on_v7["/ip route"].items[0].props == Props({"gateway": "10.0.0.1", "routing-table": "isp2"})
    assert on_v7.get("/interface wifi") is not None and on_v7.get("/interface wifiwave2") is None
    on_v6 = normalize(v6_style, version="6.49.7")
    assert on_v6["/ip route"].items[0].props["routing-mark"] == "isp2"


def test_versioned_defaults() -> None:
    lease = parse("/ip dhcp-server\nadd interface=bridge lease-time=10m name=d\n")
    assert "lease-time" not in normalize(lease, version="7.6")["/ip dhcp-server"].items[0].props
    assert normalize(lease, version="7.12.1")["/ip dhcp-server"].items[0].props["lease-time"] == "10m"


def test_repeated_set_lines_merge_later_wins() -> None:
    model = parse("/ip service\nset ssh port=2222\nset ssh port=22 address=10.0.0.0/8\n")
    (item,) = normalize(model)["/ip service"].items
    assert item.props == Props({"address": "10.0.0.0/8"})


def test_normalize_is_idempotent_on_the_corpus(corpus_models: dict[str, object]) -> None:
    for model in corpus_models.values():
        once = normalize(model)  # type: ignore[arg-type]
        assert normalize(once) == once


def test_an_item_read_over_the_api_normalises_like_the_export_line() -> None:
    from mikronet.routeros import Config, Item, Section

    api = Config({"/interface ethernet": Section("/interface ethernet", items=(Item(Props({
        ".id": "*1", "default-name": "ether1", "name": "ether1", "comment": "WAN", "mtu": "1500",
        "running": "true", "mac-address": "64:D1:54:E7:9C:D4", "orig-mac-address": "64:D1:54:E7:9C:D4"})),))})
    export = parse("/interface ethernet\nset [ find default-name=ether1 ] comment=WAN\n")
    assert normalize(api) == normalize(export)


# -- every spelling RouterOS reads of one value normalises alike ----------------------------------

_ipv4 = st.ip_addresses(v=4)
_ipv6 = st.ip_addresses(v=6)


@given(address=_ipv4 | _ipv6)
def test_a_host_address_with_or_without_its_full_prefix_is_one_value(address: object) -> None:
    import ipaddress

    ip = ipaddress.ip_address(address)  # type: ignore[arg-type]
    spellings = [str(ip), f"{ip}/{ip.max_prefixlen}"]
    if ip.version == 6:
        spellings += [ip.exploded, ip.exploded.upper(), f"{ip.exploded.upper()}/128"]
    for type_ in ("ip", "net", "ip-set"):
        assert len({normalize_value(type_, s) for s in spellings}) == 1, spellings
    assert normalize_value("ip", "!" + spellings[1]) == "!" + normalize_value("ip", spellings[0])


@given(address=_ipv4, prefix=st.integers(0, 31))
def test_a_network_with_host_bits_is_its_network(address: object, prefix: int) -> None:
    import ipaddress

    net = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    assert normalize_value("net", f"{address}/{prefix}") == normalize_value("net", str(net)) == str(net)
    assert normalize_value("ip", f"{address}/{prefix}") == f"{address}/{prefix}"  # an interface address keeps them


@given(st.lists(_ipv4, min_size=1, max_size=5, unique=True), st.randoms())
def test_address_lists_keep_their_order_and_address_sets_do_not(addresses: list[object], rnd: object) -> None:
    spelled = [f"{a}/32" for a in addresses]
    shuffled = list(addresses)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert normalize_value("ip", ",".join(spelled)) == ",".join(map(str, addresses))
    assert normalize_value("ip-set", ",".join(spelled)) == normalize_value("ip-set", ",".join(map(str, shuffled)))


@given(us=st.integers(0, 10**6 * 86_400 * 400))
def test_every_spelling_of_a_duration_is_one_value(us: int) -> None:
    from mikronet.routeros.normalize import format_duration

    seconds, micro = divmod(us, 1_000_000)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    fraction = f".{micro:06d}" if micro else ""
    spellings = {format_duration(us), f"{days}d{hours:02d}:{minutes:02d}:{secs:02d}{fraction}",
                 f"{days * 24 + hours}:{minutes:02d}:{secs:02d}{fraction}"}
    if not micro:
        spellings |= {f"{seconds}s", f"{seconds}"}
    if us % 3_600_000_000 == 0:
        spellings.add(f"{us // 3_600_000_000}h")
    assert len({normalize_value("duration", s) for s in spellings}) == 1, spellings


@given(n=st.integers(0, 10**6), unit=st.sampled_from([("k", 10**3), ("M", 10**6), ("G", 10**9)]))
def test_every_spelling_of_a_rate_and_a_size_is_one_value(n: int, unit: tuple[str, int]) -> None:
    suffix, factor = unit
    assert normalize_value("rate", f"{n}{suffix}") == normalize_value("rate", str(n * factor))
    assert normalize_value("rate", f"{n}{suffix}/{n}{suffix}") == normalize_value("rate", f"{n * factor}/{n * factor}")
    binary = {"k": "KiB", "M": "MiB", "G": "GiB"}[suffix]
    assert normalize_value("size", f"{n}{binary}") == normalize_value("size", f"{n}{suffix}") == str(
        n * {"k": 1024, "M": 1024**2, "G": 1024**3}[suffix])


@given(truth=st.booleans(), case=st.sampled_from([str.lower, str.upper, str.capitalize]))
def test_every_spelling_of_a_boolean_is_one_value(truth: bool, case: object) -> None:
    words = ("yes", "true") if truth else ("no", "false")
    assert {normalize_value("bool", case(w)) for w in words} == {words[0]}  # type: ignore[operator]


def test_one_value_never_diffs_against_its_other_spelling() -> None:
    from mikronet.routeros import diff

    router = parse("# 2024-05-15 22:25:49 by RouterOS 7.14.3\n"
                   "/ip firewall address-list\nadd address=10.255.255.1 list=mgmt\nadd address=10.1.0.0/16 list=mgmt\n"
                   "/ip route\nadd dst-address=10.9.0.0/24 gateway=10.0.0.1\n"
                   "/ip dhcp-server\nadd interface=bridge lease-time=1d name=d\n"
                   "/queue simple\nadd max-limit=25M/25M name=q target=bridge\n"
                   "/ip dns\nset allow-remote-requests=yes servers=1.1.1.1,2606:4700:4700::1111\n"
                   "/ip service\nset ssh address=10.0.0.0/8,192.168.88.0/24\n")
    template = parse("#mikronet: own /ip firewall address-list\n"
                     "/ip firewall address-list\nadd address=10.255.255.1/32 list=mgmt\n"
                     "add address=10.1.0.0/16 list=mgmt\n"
                     "/ip route\nadd dst-address=10.9.0.77/24 gateway=10.0.0.1/32\n"
                     "/ip dhcp-server\nadd interface=bridge lease-time=24h name=d\n"
                     "/queue simple\nadd max-limit=25000000/25000k name=q target=bridge\n"
                     "/ip dns\nset allow-remote-requests=true servers=1.1.1.1/32,2606:4700:4700:0:0:0:0:1111\n"
                     "/ip service\nset ssh address=192.168.88.0/24,10.0.0.0/8\n")
    assert not diff(template, router)
    assert not diff(router, template)
    moved = parse("/ip dns\nset servers=2606:4700:4700::1111,1.1.1.1\n")  # DNS servers: order is meaning
    assert diff(moved, router)
