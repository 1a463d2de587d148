"""Editing the inventory from code: only the changed lines change, comments and order stay, a bad
value is refused with file:line and nothing is written, and concurrent edits are not lost."""

from __future__ import annotations

import difflib
import shutil
import threading
from pathlib import Path

import pytest

from mikronet.errors import InventoryError
from mikronet.inventory import add_router, load_inventory, update_router

SAMPLE = Path(__file__).resolve().parents[2] / "inventory"

HAND_WRITTEN = """\
# Rīgas skolas — written by hand, with comments that must survive
schools:
  - id: LV-0042
    name: "Rīgas 1. vidusskola"   # the school's own spelling
    municipality: Rīga
    connection: {type: optical, monthly_fee_eur: 80}
    vars: {lan_subnet: 10.42.0.0/24}
    routers:
      # the gateway in the server room
      - name: gw
        host: 10.42.0.1
        model: RB4011iGS+
        serial: HE108ABCDEF   # from the sticker
        routeros: 7.14.3
      - {name: lab, host: 10.42.0.2, model: RB750Gr3, serial: 8E3A08B2D4F1}
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.fixture
def hand(tmp_path: Path, texts: tuple[str, str]) -> Path:
    root = tmp_path / "inv"
    root.mkdir()
    (root / "fleet.yaml").write_text(texts[0], encoding="utf-8")
    (root / "riga.yaml").write_text(HAND_WRITTEN, encoding="utf-8")
    return root


def test_update_changes_only_those_lines(hand: Path) -> None:
    inv = load_inventory(hand)
    path = update_router(inv, "LV-0042/gw", serial="HF999XYZ12", routeros="7.20.2")
    assert path == hand / "riga.yaml"
    after = path.read_text(encoding="utf-8")
    assert changed_lines(HAND_WRITTEN, after) == [
        "-        serial: HE108ABCDEF   # from the sticker",
        "-        routeros: 7.14.3",
        "+        serial: HF999XYZ12    # from the sticker",  # the comment keeps its column
        "+        routeros: 7.20.2",
    ]
    router = load_inventory(hand).router("LV-0042/gw")
    assert (router.serial, router.routeros) == ("HF999XYZ12", "7.20.2")


def test_update_a_flow_style_entry_and_remove_a_key(hand: Path) -> None:
    inv = load_inventory(hand)
    update_router(inv, "LV-0042/lab", model="hEX", serial=None)  # a product name is recorded as its model string
    after = (hand / "riga.yaml").read_text(encoding="utf-8")
    assert changed_lines(HAND_WRITTEN, after) == [
        "-      - {name: lab, host: 10.42.0.2, model: RB750Gr3, serial: 8E3A08B2D4F1}",
        "+      - {name: lab, host: 10.42.0.2, model: RB750Gr3}",
    ]


def test_add_router_appends_to_the_school(hand: Path) -> None:
    inv = load_inventory(hand)
    add_router(
        inv,
        "LV-0042",
        name="ap1",
        host="10.42.0.3",
        model="hAP ac²",
        template="school-ap",
        vars={"wifi_passphrase": {"env": "MIKRONET_WIFI_PASSPHRASE"}},
    )
    after = (hand / "riga.yaml").read_text(encoding="utf-8")
    assert after.startswith(HAND_WRITTEN)  # everything before stays, comments too
    router = load_inventory(hand).router("LV-0042/ap1")
    assert (router.model, router.template) == ("RBD52G-5HacD2HnD", "school-ap")
    assert router.secret_refs[0].name == "MIKRONET_WIFI_PASSPHRASE"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda inv: update_router(inv, "LV-0042/gw", host="10.42.0.2"), "10.42.0.2 port 8728 is already router"),
        (lambda inv: update_router(inv, "LV-0042/gw", model="hAP ac 4"), "did you mean 'RB962UiGS-5HacT2HnT' (hAP ac)"),
        (lambda inv: update_router(inv, "LV-0042/gw", routeros="seven"), "is not a RouterOS version"),
        (
            lambda inv: update_router(inv, "LV-0042/gw", modle="x"),
            "unknown router field 'modle' (did you mean 'model'?)",
        ),
        (lambda inv: update_router(inv, "LV-0042/xx", serial="x"), "no router 'LV-0042/xx'"),
        (lambda inv: add_router(inv, "LV-0042", name="gw", host="10.42.0.9", model="hEX"), "already has a router 'gw'"),
        (lambda inv: add_router(inv, "LV-0042", name="ap9", host="10.42.0.9"), "a new router needs model"),
    ],
)
def test_a_bad_edit_is_refused_and_nothing_is_written(hand: Path, call: object, message: str) -> None:
    inv = load_inventory(hand)
    with pytest.raises(InventoryError) as info:
        call(inv)  # type: ignore[operator]
    assert message in str(info.value)
    assert (hand / "riga.yaml").read_text(encoding="utf-8") == HAND_WRITTEN
    assert sorted(p.name for p in hand.iterdir()) == ["fleet.yaml", "riga.yaml"]  # no temporary left


def test_a_refused_edit_names_the_file_and_line(hand: Path) -> None:
    with pytest.raises(InventoryError) as info:
        update_router(load_inventory(hand), "LV-0042/gw", routeros="seven")
    assert (info.value.file, info.value.line) == (str(hand / "riga.yaml"), 14)
    assert info.value.field == "schools[0].routers[0].routeros"


def test_concurrent_edits_of_one_file_are_all_kept(tmp_path: Path) -> None:
    root = tmp_path / "inv"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("_generate.py"))
    inv = load_inventory(root)
    riga = [r for r in inv.routers if r.school.municipality == "Rīga"][:8]
    errors: list[BaseException] = []

    def bump(router_id: str) -> None:
        try:
            update_router(inv, router_id, routeros="7.20.2")
        except BaseException as exc:  # collected, so a failure in a thread fails the test
            errors.append(exc)

    threads = [threading.Thread(target=bump, args=(r.id,)) for r in riga]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    again = load_inventory(root)
    assert all(again.router(r.id).routeros == "7.20.2" for r in riga)
    text = (root / "schools" / "riga.yaml").read_text(encoding="utf-8")
    assert text.startswith("# mikronet sample inventory — FICTIONAL schools")  # the header comment stayed
