"""Property: any inventory's schools survive export to CSV and import back (plain and Excel style)."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mikronet.inventory import Inventory, load_inventory, school_record
from mikronet.inventory.export import csv_text
from mikronet.inventory.reference import municipalities
from mikronet.inventory.tabular import import_table, schools_yaml

REFERENCE = municipalities()
# (municipality, municipality_before_2021) as a school may write them: current alone, current with a
# pre-reform one that went into it, or a pre-reform one alone (the current one is then derived)
PLACES = [
    *((current, None) for current in REFERENCE.current),
    *((current, part.name) for current, parts in REFERENCE.formed_from.items() for part in parts),
    *((old, None) for old in REFERENCE.before if len(REFERENCE.successors(old)) == 1 and old not in REFERENCE.current),
]

FLEET = {
    "defaults": {"username": "u", "password": {"env": "P"}, "template": "t"},
    "groups": {"pilot": {}, "lte-backup": {}},
}
LETTERS = "aābcčdeēfgģhiījkķlļmnņoprsštuūvzžAĀČĒĢĪĶĻŅŠŪŽ"
text = st.one_of(
    st.text(alphabet=LETTERS + " ,;\"'.-/#()0123456789", min_size=1, max_size=30).map(str.strip).filter(bool),
    # what a spreadsheet would take for a formula: exported with a leading ', imported without it
    st.sampled_from(["=1+2", "+371 67000000", "-Skola", "@SUM(A1)", "=HYPERLINK(\"x\")", "'=quoted"]),
)
words = st.text(alphabet=LETTERS + "0123456789.-", min_size=1, max_size=12)
var_values = st.one_of(
    words,
    st.integers(-1000, 100000),
    st.booleans(),
    st.sampled_from(["yes", "no", "on", "null", "7.14", "", "- x", "a: b", "#", "10:30", "0x1F", "1e3"]),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.lists(words, max_size=3),
)


@st.composite
def schools(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 4))
    result = []
    host = 0
    for number in range(count):
        connection: dict[str, Any] = {"type": draw(st.sampled_from(["optical", "other"]))}
        if draw(st.booleans()):
            fee = draw(
                st.decimals(min_value=0, max_value=999, places=2, allow_nan=False, allow_infinity=False)
            )
            connection["monthly_fee_eur"] = float(fee)
        if draw(st.booleans()):
            connection["contracted_mbps"] = draw(st.integers(1, 10000))
        routers = []
        for name in draw(
            st.lists(st.sampled_from(["gw", "lab", "ap1", "ap2"]), min_size=1, max_size=3, unique=True)
        ):
            host += 1
            router: dict[str, Any] = {
                "name": name,
                "host": f"10.2.{host // 250}.{host % 250 + 1}",
                "model": draw(st.sampled_from(["RB750Gr3", "RB5009UG+S+", "L009UiGS-2HaxD"])),
            }
            if draw(st.booleans()):
                serial = draw(st.sampled_from(["0123", "HE108ABCDEF", "939208928B82", "12E45"]))
                router["serial"] = f"{serial}{host:02d}"  # unique: two routers never share one
            if draw(st.booleans()):
                router["routeros"] = draw(st.sampled_from(["6.49.17", "7.18.2", "7.20"]))
            if draw(st.booleans()):
                router["vars"] = {"wan": draw(var_values)}
            routers.append(router)
        municipality, before = draw(st.sampled_from(PLACES))
        school: dict[str, Any] = {
            "id": f"LV-{number + 1:04d}",
            "name": draw(text),
            "municipality": municipality,
            "connection": connection,
            "routers": routers,
        }
        if before is not None:
            school["municipality_before_2021"] = before
        if draw(st.booleans()):
            connection["shared_contract"] = True
        groups = draw(st.lists(st.sampled_from(["pilot", "lte-backup"]), unique=True))
        if groups:
            school["groups"] = groups
        if draw(st.booleans()):
            school["vars"] = {"lan_subnet": f"10.100.{number}.0/24", "note": draw(var_values)}
        result.append(school)
    return result


def comparable(inv: Inventory) -> list[Any]:
    out = []
    for school in inv.schools:
        record = school_record(school)
        del record["file"], record["line"]
        fee = school.connection.monthly_fee_eur
        record["connection"]["monthly_fee_eur"] = None if fee is None else Decimal(fee).normalize()
        record["routers"] = [
            (r.name, r.host, r.model, r.serial, r.routeros, dict(r.vars)) for r in inv.routers_of(school.id)
        ]
        out.append(record)
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=schools(), excel=st.booleans())
def test_export_csv_then_import_gives_the_same_schools(data: list[dict[str, Any]], excel: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inv"
        folder.mkdir()
        (folder / "fleet.yaml").write_text(yaml.safe_dump(FLEET), encoding="utf-8")
        (folder / "schools.yaml").write_text(
            yaml.safe_dump({"schools": data}, allow_unicode=True), encoding="utf-8"
        )
        original = load_inventory(folder)
        csv_path = Path(tmp) / "export.csv"
        csv_path.write_text(csv_text(original, original.routers, excel=excel), encoding="utf-8", newline="")
        imported = import_table(csv_path)
        (folder / "schools.yaml").write_text(schools_yaml(imported.schools), encoding="utf-8")
        again = load_inventory(folder)
        assert comparable(again) == comparable(original)
