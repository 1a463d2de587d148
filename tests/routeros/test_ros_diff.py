"""Diff: ownership per path, identity by keys, built-ins never removed, the fewest moves,
sensitive values never shown; apply() runs a plan on a model."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mikronet.routeros import (
    Add,
    Config,
    Find,
    Item,
    Move,
    Plan,
    Props,
    Ref,
    Remove,
    Section,
    Set,
    apply,
    diff,
    parse,
    render_script,
)

ACTUAL = parse(
    "# 2024-05-15 22:25:49 by RouterOS 7.14.3\n"
    "/interface ethernet\nset [ find default-name=ether1 ] comment=WAN\n"
    "/ip address\nadd address=192.168.88.1/24 interface=bridge network=192.168.88.0\n"
    "/ip firewall address-list\n"
    + "".join(f"add address=10.1.{i // 250}.{i % 250} list=blocked\n" for i in range(3000))
    + "/ip firewall filter\nadd action=accept chain=input connection-state=established,related\n"
    "add action=drop chain=input in-interface-list=WAN\n"
    "/ip service\nset telnet disabled=yes\n/system identity\nset name=old\n"
)


def test_a_template_that_adds_two_entries_does_not_delete_the_rest() -> None:
    template = parse("/ip firewall address-list\nadd address=10.9.9.1 list=blocked\n"
                     "add address=10.1.0.5 list=blocked\n")  # the second already exists
    plan = diff(template, ACTUAL)
    assert plan.ops == (Add("/ip firewall address-list", Props({"address": "10.9.9.1", "list": "blocked"})),)


def test_owning_a_path_removes_what_the_template_does_not_name() -> None:
    template = parse("#mikronet: own /ip firewall filter\n/ip firewall filter\n"
                     "add action=accept chain=input connection-state=related,established\n")
    plan = diff(template, ACTUAL)
    assert plan.ops == (Remove("/ip firewall filter", Find.of(action="drop", chain="input",
                                                              **{"in-interface-list": "WAN"})),)
    assert not diff(template, apply(ACTUAL, plan))


def test_set_on_built_ins_and_singletons_never_removes_them() -> None:
    template = parse("#mikronet: own /ip service\n#mikronet: own /interface ethernet\n"
                     "/ip service\nset telnet disabled=yes\nset ftp disabled=yes\n"
                     "/interface ethernet\nset [ find default-name=ether2 ] comment=LAN\n"
                     "/system identity\nset name=\"Rīgas 1. vidusskola\"\n")
    plan = diff(template, ACTUAL)
    assert not [op for op in plan if isinstance(op, Remove)]
    assert Set("/ip service", Ref.of("ftp"), Props({"disabled": "yes"})) in plan.ops
    assert Set("/system identity", None, Props({"name": "Rīgas 1. vidusskola"})) in plan.ops
    # owned: ether1's comment goes back to its default, the port itself stays
    assert Set("/interface ethernet", Find.of(**{"default-name": "ether1"}), Props({"comment": None})) in plan.ops


def test_defaults_spelled_out_or_omitted_are_the_same() -> None:
    template = parse("/ip service\nset telnet disabled=yes port=23 address=\"\"\n"
                     "/ip address\nadd address=192.168.88.1/24 interface=bridge disabled=false\n")
    assert not diff(template, ACTUAL)


def test_set_to_the_default_is_a_change_when_the_router_differs() -> None:
    template = parse("/ip service\nset telnet disabled=no\n")
    assert diff(template, ACTUAL).ops == (Set("/ip service", Ref.of("telnet"), Props({"disabled": "no"})),)


def test_selector_by_name_finds_the_item_by_its_default_name() -> None:
    template = parse("/interface ethernet\nset ether1 comment=WAN\n")
    assert not diff(template, ACTUAL)
    renamed = parse("/interface ethernet\nset [ find default-name=ether1 ] name=wan comment=WAN\n")
    assert diff(parse("/interface ethernet\nset wan comment=WAN\n"), renamed).ops == ()


def test_explicit_removes_in_a_template() -> None:
    template = parse("/ip firewall filter\nremove [ find in-interface-list=WAN ]\n")
    plan = diff(template, ACTUAL)
    assert plan.ops == (Remove("/ip firewall filter", Find.of(**{"in-interface-list": "WAN"})),)
    assert len(apply(ACTUAL, plan)["/ip firewall filter"].items) == 1
    assert not diff(parse("/ip address\nremove [ find address=1.2.3.4/32 ]\n"), ACTUAL)


def test_keys_make_a_changed_item_a_set_not_a_remove_and_add() -> None:
    template = parse("/ip address\nadd address=192.168.88.1/24 interface=bridge comment=LAN\n")
    (op,) = diff(template, ACTUAL).ops
    assert op == Set("/ip address", Find.of(address="192.168.88.1/24", interface="bridge"), Props({"comment": "LAN"}))


def test_reordering_firewall_rules_takes_the_fewest_moves() -> None:
    rules = [f"add action=accept chain=forward comment=r{i}\n" for i in range(8)]
    actual = parse("/ip firewall filter\n" + "".join(rules))
    order = [0, 1, 5, 2, 3, 4, 6, 7]  # r5 moves up: one move
    desired = parse("#mikronet: own /ip firewall filter\n/ip firewall filter\n" + "".join(rules[i] for i in order))
    plan = diff(desired, actual)
    assert [type(op) for op in plan] == [Move]
    after = apply(actual, plan)
    assert [i.props["comment"] for i in after["/ip firewall filter"].items] == [f"r{i}" for i in order]
    assert "move" in render_script(plan)


def test_new_rules_go_where_the_template_puts_them() -> None:
    actual = parse("/ip firewall filter\nadd action=accept chain=input comment=a\n"
                   "add action=drop chain=input comment=z\n")
    desired = parse("/ip firewall filter\nadd action=accept chain=input comment=a\n"
                    "add action=accept chain=input comment=new\nadd action=drop chain=input comment=z\n"
                    "add action=log chain=input comment=last\n")
    plan = diff(desired, actual)
    assert [type(op) for op in plan] == [Add, Add]
    after = apply(actual, plan)
    assert [i.props["comment"] for i in after["/ip firewall filter"].items] == ["a", "new", "z", "last"]


@settings(max_examples=80, deadline=None)
@given(
    old=st.lists(st.integers(0, 30), unique=True, max_size=12),
    new=st.lists(st.integers(0, 30), unique=True, max_size=12),
    unmanaged=st.booleans(),
)
def test_any_reorder_of_an_owned_ordered_path_comes_out_right(old: list[int], new: list[int], unmanaged: bool) -> None:
    def rules(numbers: list[int]) -> tuple[Item, ...]:
        return tuple(Item(Props({"chain": "forward", "action": "accept", "comment": f"r{n}"})) for n in numbers)

    actual = Config({"/ip firewall filter": Section("/ip firewall filter", items=rules(old))})
    desired = Config({"/ip firewall filter": Section("/ip firewall filter", items=rules(new))},
                     ownership={} if unmanaged else {"/ip firewall filter": "own"})
    plan = diff(desired, actual)
    section = apply(actual, plan).get("/ip firewall filter")
    after = [i.props["comment"] for i in section.items] if section is not None else []
    wanted = [f"r{n}" for n in new]
    if unmanaged:  # merge: the others stay, the desired ones are in the desired order among them
        assert [c for c in after if c in wanted] == wanted
        assert set(after) == set(wanted) | {f"r{n}" for n in old}
    else:
        assert after == wanted
    kept = [n for n in new if n in old]
    moves = sum(isinstance(op, Move) for op in plan)
    assert moves <= len(kept)  # never more moves than items that could move
    assert not diff(desired, apply(actual, plan))


def test_sensitive_values_are_compared_but_never_shown() -> None:
    actual = parse("/ppp secret\nadd name=skola password=OldPass1 service=pppoe\n")
    desired = parse("/ppp secret\nadd name=skola password=NewPāss2 service=pppoe\n")
    plan = diff(desired, actual)
    (op,) = plan.ops
    assert isinstance(op, Set) and op.sensitive == frozenset({"password"})
    assert op.props["password"] == "NewPāss2"  # the real value travels to the router
    for shown in (repr(op), repr(plan), render_script(plan)):
        assert "NewPāss2" not in shown and "***" in shown
    assert "NewP" in render_script(plan, show_sensitive=True)
    assert not diff(actual, actual)


def test_versions_rename_v6_names_for_a_v7_router() -> None:
    template = parse("/ip route\nadd gateway=10.0.0.1 routing-mark=isp2\n")
    router = parse("# 2024-05-15 22:25:49 by RouterOS 7.14.3\n/ip route\nadd gateway=10.0.0.1 routing-table=isp2\n")
    assert not diff(template, router)


def test_empty_plan_is_falsy_and_counts() -> None:
    assert not Plan() and len(Plan()) == 0
    plan = diff(parse("/system identity\nset name=x\n/ip pool\nadd name=p ranges=10.0.0.1-10.0.0.9\n"), Config())
    assert plan.counts() == {"set": 1, "add": 1} and plan.paths() == ("/system identity", "/ip pool")


def test_an_actual_read_over_the_api_is_matched_like_an_export() -> None:
    api = Config({
        "/ip service": Section("/ip service", items=(
            Item(Props({".id": "*1", "name": "telnet", "port": "23", "disabled": "true", "invalid": "false"})),
            Item(Props({".id": "*2", "name": "ssh", "port": "22", "disabled": "false"})),
        )),
        "/interface ethernet": Section("/interface ethernet", items=(
            Item(Props({".id": "*1", "default-name": "ether1", "name": "ether1", "comment": "WAN"})),)),
    })
    template = parse("#mikronet: own /ip service\n/ip service\nset telnet disabled=yes\n"
                     "/interface ethernet\nset [ find default-name=ether1 ] comment=WAN\n")
    assert not diff(template, api)  # ssh is built in: owned or not, it is never removed
    changed = parse("/ip service\nset ssh port=2222\n")
    assert diff(changed, api).ops == (Set("/ip service", Ref.of("ssh"), Props({"port": "2222"})),)


# /ip service as the API prints it on 7.19: rows without selectors, reverse-proxy new in that version.
_SERVICES_719 = Config({"/ip service": Section("/ip service", items=tuple(
    Item(Props({"name": name, "port": port, "disabled": disabled}))
    for name, port, disabled in (("telnet", "23", "true"), ("ssh", "22", "false"), ("api", "8728", "false"),
                                 ("reverse-proxy", "443", "true"))))})


def test_no_plan_removes_a_built_in_item_the_schema_does_not_list() -> None:
    # a restore from a 7.18 export owns /ip service whole; 7.19 has a service that export never saw
    restored = parse("# 2025-04-01 10:00:00 by RouterOS 7.18.2\n/ip service\nset telnet disabled=yes\n")
    owned = Config(restored.sections, header=restored.header, ownership={"/ip service": "own"})
    plan = diff(owned, _SERVICES_719, version="7.19.1")
    assert not [op for op in plan if isinstance(op, Remove)], render_script(plan)
    # and a template that asks for it in so many words gets no remove either: RouterOS refuses it
    asked = parse("/ip service\nremove [ find name=reverse-proxy ]\n")
    assert not [op for op in diff(asked, _SERVICES_719, version="7.19.1") if isinstance(op, Remove)]
