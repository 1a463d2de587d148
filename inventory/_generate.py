"""Generate the sample inventory: 120 FICTIONAL schools in REAL Latvian municipalities.

    .venv/bin/python inventory/_generate.py        # rewrites inventory/fleet.yaml and inventory/schools/

Deterministic (seeded): running it again gives the same files. The schools, their names, addresses,
serial numbers and fees are made up; any resemblance to a real school is a coincidence. The
municipality names are real: the 43 municipalities formed by the administrative-territorial reform
in force from 2021-07-01 (7 state cities and 36 novadi), and for each school one of the
municipalities (before 2021) that merged into its current one.

Router models are written as RouterOS itself reports them (``/system routerboard print`` ``model``
and the ``# model =`` line of an export, as in the export corpus): the product codes' ``-IN`` /
``-RM`` suffixes are not part of it. RouterOS versions mix the 6.49 long-term line (only on models
that run v6) with 7.x releases, including 7.18+ (which changed the API's empty replies). Access
points are wireless models, and their Wi-Fi passphrase is a secret reference in the router's
variables (the RADIUS secret they share is one in the AP template's defaults).

Beside the schools: ``programme.yaml`` (the programme's figures, and compensation contracts
with 29 pre-reform municipalities signed in June 2021 and some still planned; the dates and amounts
are made up) and ``windows.yaml`` (maintenance at night before school days, with the 2025/26
school year's holidays and state exam days blocked; those dates are real, sources in the file).
Some schools share their municipality's one contract (their own fee unknown), and some have no
fee recorded at all, so the compensation report has gaps to name.

The random draws of the original sample come first and in the same order, so what was there stays
as it was; what was added draws from a second generator.
"""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from datetime import date
from pathlib import Path

import yaml

SEED = 20210701
SCHOOLS = 120
HERE = Path(__file__).resolve().parent
SIGNED_CONTRACTS = 29
PLANNED_CONTRACTS = 8

# current municipality → municipalities (before 2021-07-01) that formed it
MUNICIPALITIES: dict[str, list[str]] = {
    "Rīga": ["Rīga"],
    "Daugavpils": ["Daugavpils"],
    "Jelgava": ["Jelgava"],
    "Jūrmala": ["Jūrmala"],
    "Liepāja": ["Liepāja"],
    "Rēzekne": ["Rēzekne"],
    "Ventspils": ["Ventspils"],
    "Aizkraukles novads": [
        "Aizkraukles novads",
        "Jaunjelgavas novads",
        "Kokneses novads",
        "Neretas novads",
        "Pļaviņu novads",
        "Skrīveru novads",
    ],
    "Alūksnes novads": ["Alūksnes novads"],
    "Augšdaugavas novads": ["Daugavpils novads", "Ilūkstes novads"],
    "Ādažu novads": ["Ādažu novads", "Carnikavas novads"],
    "Balvu novads": ["Balvu novads", "Baltinavas novads", "Rugāju novads", "Viļakas novads"],
    "Bauskas novads": ["Bauskas novads", "Iecavas novads", "Rundāles novads", "Vecumnieku novads"],
    "Cēsu novads": [
        "Cēsu novads",
        "Amatas novads",
        "Jaunpiebalgas novads",
        "Līgatnes novads",
        "Pārgaujas novads",
        "Priekuļu novads",
        "Vecpiebalgas novads",
    ],
    "Dienvidkurzemes novads": [
        "Aizputes novads",
        "Durbes novads",
        "Grobiņas novads",
        "Nīcas novads",
        "Pāvilostas novads",
        "Priekules novads",
        "Rucavas novads",
        "Vaiņodes novads",
    ],
    "Dobeles novads": ["Dobeles novads", "Auces novads", "Tērvetes novads"],
    "Gulbenes novads": ["Gulbenes novads"],
    "Jelgavas novads": ["Jelgavas novads", "Ozolnieku novads"],
    "Jēkabpils novads": [
        "Jēkabpils",
        "Jēkabpils novads",
        "Aknīstes novads",
        "Krustpils novads",
        "Salas novads",
        "Viesītes novads",
    ],
    "Krāslavas novads": ["Krāslavas novads", "Dagdas novads"],
    "Kuldīgas novads": ["Kuldīgas novads", "Alsungas novads", "Skrundas novads"],
    "Ķekavas novads": ["Ķekavas novads", "Baldones novads"],
    "Limbažu novads": ["Limbažu novads", "Alojas novads", "Salacgrīvas novads"],
    "Līvānu novads": ["Līvānu novads"],
    "Ludzas novads": ["Ludzas novads", "Ciblas novads", "Kārsavas novads", "Zilupes novads"],
    "Madonas novads": ["Madonas novads", "Cesvaines novads", "Ērgļu novads", "Lubānas novads"],
    "Mārupes novads": ["Mārupes novads", "Babītes novads"],
    "Ogres novads": ["Ogres novads", "Ikšķiles novads", "Ķeguma novads", "Lielvārdes novads"],
    "Olaines novads": ["Olaines novads"],
    "Preiļu novads": ["Preiļu novads", "Aglonas novads", "Riebiņu novads", "Vārkavas novads"],
    "Rēzeknes novads": ["Rēzeknes novads", "Viļānu novads"],
    "Ropažu novads": ["Ropažu novads", "Garkalnes novads", "Stopiņu novads"],
    "Salaspils novads": ["Salaspils novads"],
    "Saldus novads": ["Saldus novads", "Brocēnu novads"],
    "Saulkrastu novads": ["Saulkrastu novads", "Sējas novads"],
    "Siguldas novads": ["Siguldas novads", "Krimuldas novads", "Mālpils novads", "Inčukalna novads"],
    "Smiltenes novads": ["Smiltenes novads", "Apes novads", "Raunas novads"],
    "Talsu novads": ["Talsu novads", "Dundagas novads", "Mērsraga novads", "Rojas novads"],
    "Tukuma novads": ["Tukuma novads", "Engures novads", "Jaunpils novads", "Kandavas novads"],
    "Valkas novads": ["Valkas novads"],
    "Valmieras novads": [
        "Valmiera",
        "Beverīnas novads",
        "Burtnieku novads",
        "Kocēnu novads",
        "Mazsalacas novads",
        "Naukšēnu novads",
        "Rūjienas novads",
        "Strenču novads",
    ],
    "Varakļānu novads": ["Varakļānu novads"],
    "Ventspils novads": ["Ventspils novads"],
}
STATE_CITIES = ("Rīga", "Daugavpils", "Jelgava", "Jūrmala", "Liepāja", "Rēzekne", "Ventspils")
# genitive of a place, for "<place> vidusskola": the old municipality's name, or the city's
CITY_GENITIVE = {
    "Rīga": "Rīgas",
    "Daugavpils": "Daugavpils",
    "Jelgava": "Jelgavas",
    "Jūrmala": "Jūrmalas",
    "Liepāja": "Liepājas",
    "Rēzekne": "Rēzeknes",
    "Ventspils": "Ventspils",
    "Jēkabpils": "Jēkabpils",
    "Valmiera": "Valmieras",
}
KINDS = ("vidusskola", "pamatskola", "sākumskola", "ģimnāzija", "sākumskola", "pamatskola", "vidusskola")
CITY_SCHOOL_MARKS = (
    "1.",
    "2.",
    "3.",
    "4.",
    "5.",
    "6.",
    "Centra",
    "Jaunā",
    "Pārdaugavas",
    "Meža",
    "Ezera",
    "Kalna",
    "Dārza",
    "Parka",
    "Liepu",
    "Priežu",
)

# (short name, model string as RouterOS reports it, runs v6?)
MODELS = {
    "hap-ac2": ("RBD52G-5HacD2HnD", True),
    "hex": ("RB750Gr3", True),
    "rb4011": ("RB4011iGS+", True),
    "rb5009": ("RB5009UG+S+", False),
    "ccr2004": ("CCR2004-1G-12S+2XS", True),
    "l009": ("L009UiGS-2HaxD", False),
}
OLD_GATEWAYS = {"LV-0149": "RouterBOARD 941-2nD"}
"""Gateways older than their line: a hAP lite (10/100 ports) on a 300 Mbit/s line, which the
assessment finds and the demo replaces."""
V6 = ("6.49.7", "6.49.10", "6.49.13", "6.49.17", "6.49.18")
V7 = ("7.12.1", "7.14.3", "7.15.3", "7.16.2", "7.18.2", "7.19.4", "7.20.2")

HEADER = """\
# mikronet sample inventory — FICTIONAL schools, REAL municipality names.
# The schools, their names, addresses, serial numbers and fees are made up for the demo and the
# tests; any resemblance to a real school is a coincidence. Municipalities: the 43 formed by the
# 2021 administrative-territorial reform, with each school's municipality before 2021.
# Generated by inventory/_generate.py (seed {seed}); edit that script, not this file.
"""


def slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def serial(rng: random.Random, model: str) -> str:
    if model in ("RBD52G-5HacD2HnD", "RB750Gr3"):  # older boards: 12 hex digits
        return "".join(rng.choice("0123456789ABCDEF") for _ in range(12))
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return (
        "H"
        + rng.choice(letters)
        + rng.choice(letters)
        + f"{rng.randrange(1000):03d}"
        + "".join(rng.choice(letters + "0123456789") for _ in range(5))
    )


def school_counts(rng: random.Random) -> dict[str, int]:
    """Spread 120 schools: every municipality gets at least one, Rīga and the big ones more."""
    counts = dict.fromkeys(MUNICIPALITIES, 1)
    weights = {
        m: (12 if m == "Rīga" else 3 if m in STATE_CITIES else 2 if len(MUNICIPALITIES[m]) > 3 else 1)
        for m in MUNICIPALITIES
    }
    names = list(MUNICIPALITIES)
    while sum(counts.values()) < SCHOOLS:
        pick = rng.choices(names, weights=[weights[n] for n in names])[0]
        counts[pick] += 1
    return counts


def school_name(rng: random.Random, municipality: str, before: str, used: set[str]) -> str:
    while True:
        if municipality in STATE_CITIES or before in CITY_GENITIVE:
            place = CITY_GENITIVE.get(before, CITY_GENITIVE.get(municipality, municipality))
            name = f"{place} {rng.choice(CITY_SCHOOL_MARKS)} {rng.choice(KINDS)}"
        else:
            place = before.removesuffix(" novads")
            name = f"{place} {rng.choice(KINDS)}"
            if name in used:
                mark = rng.choice(("Centra", "Meža", "Upes", "Lauku", "Skolas ielas"))
                name = f"{place} {mark} {rng.choice(KINDS)}"
        if name not in used:
            used.add(name)
            return name


def routers_for(rng: random.Random, number: int, optical: bool) -> list[dict[str, object]]:
    count = rng.choices((1, 2, 3), weights=(55, 35, 10))[0]
    gw_model = rng.choices(
        ("hap-ac2", "hex", "rb4011", "rb5009", "ccr2004", "l009"),
        weights=(18, 22, 18, 18, 6 if optical else 1, 18),
    )[0]
    extra = ("hap-ac2", "hex", "l009")
    names = ["gw", "lab", "ap1"][:count]
    routers = []
    for index, name in enumerate(names):
        short = gw_model if index == 0 else rng.choice(extra)
        if name.startswith("ap") and short == "hex":  # an access point needs a radio (same draws as hex)
            short = "hap-ac2"
        model, runs_v6 = MODELS[short]
        version = rng.choice(V6) if runs_v6 and rng.random() < 0.4 else rng.choice(V7)
        routers.append(
            {
                "name": name,
                "host": f"10.1.{number}.{index + 1}",
                "model": model,
                "serial": serial(rng, model),
                "routeros": version,
                **(
                    {
                        "template": "school-ap",
                        "vars": {"wifi_passphrase": {"env": "MIKRONET_WIFI_PASSPHRASE"}},
                    }
                    if name.startswith("ap")
                    else {}
                ),
            }
        )
    return routers


def build() -> tuple[dict[str, object], dict[str, list[dict[str, object]]]]:
    rng = random.Random(SEED)
    fleet: dict[str, object] = {
        "templates": "../templates",
        "defaults": {
            "transport": "api-ssl",
            "username": "mikronet",
            "password": {"env": "MIKRONET_PASSWORD"},
            "template": "school-gateway",
            "vars": {
                "timezone": "Europe/Riga",
                "dns_servers": ["1.1.1.1", "9.9.9.9"],
                "ntp_servers": ["0.lv.pool.ntp.org", "1.lv.pool.ntp.org"],
                "admin_subnet": "10.1.0.0/16",
            },
        },
        "groups": {
            "pilot": {
                "description": "First wave: schools that try every change before the rest",
            },
            "api-closed": {
                "description": "The API service is closed at these schools; SSH on a moved port",
                "transport": "ssh",
                "ports": {"ssh": 2222},
            },
            "api-tls": {
                "description": "Enrolled in api-ssl first (the pilot of the move off plain API, now every router's)",
                "transport": "api-ssl",
            },
            "lte-backup": {
                "description": "Schools with an LTE line as backup",
            },
        },
    }
    ids = rng.sample(range(1, 564), SCHOOLS)
    if 42 not in ids:  # the README's examples show LV-0042/gw, a school in Rīga
        ids[0] = 42
    ids.sort()
    counts = school_counts(rng)
    order = [m for m in MUNICIPALITIES for _ in range(counts[m])]
    rng.shuffle(order)
    first_riga, at_42 = order.index("Rīga"), ids.index(42)
    order[first_riga], order[at_42] = order[at_42], order[first_riga]
    by_municipality: dict[str, list[dict[str, object]]] = {}
    used_names: set[str] = set()
    for number, (school_id, municipality) in enumerate(zip(ids, order, strict=True), start=1):
        before = rng.choice(MUNICIPALITIES[municipality])
        optical = rng.random() < 0.65
        groups = []
        if rng.random() < 0.1:
            groups.append("pilot")
        if rng.random() < 0.08:
            groups.append("api-closed")
        if not optical and rng.random() < 0.4:
            groups.append("lte-backup")
        if number % 5 == 0 and "api-closed" not in groups:  # no draw: the rest of the sample stays as it was
            groups.append("api-tls")
        connection: dict[str, object] = {"type": "optical" if optical else "other"}
        if rng.random() < 0.9:
            fee = (
                rng.choice((39.99, 45, 55, 60, 72.6, 80, 95, 120, 150))
                if optical
                else rng.choice((19.9, 25, 30, 35.5, 42, 50, 65))
            )
            connection["monthly_fee_eur"] = fee
        connection["contracted_mbps"] = (
            rng.choice((100, 300, 500, 1000)) if optical else rng.choice((20, 30, 50, 100))
        )
        school: dict[str, object] = {
            "id": f"LV-{school_id:04d}",
            "name": school_name(rng, municipality, before, used_names),
            "municipality": municipality,
            "municipality_before_2021": before,
        }
        if groups:
            school["groups"] = groups
        school["connection"] = connection
        school["vars"] = {"lan_subnet": f"10.100.{number}.0/24"}
        school["routers"] = routers_for(rng, number, optical)
        if school["id"] in OLD_GATEWAYS:  # bought for an older, slower line (after the draws: they stay the same)
            school["routers"][0]["model"] = OLD_GATEWAYS[str(school["id"])]  # type: ignore[index]
        by_municipality.setdefault(municipality, []).append(school)
    share_contracts(by_municipality)
    return fleet, by_municipality


def share_contracts(by_municipality: dict[str, list[dict[str, object]]]) -> None:
    """Some schools are covered by their municipality's one contract, their own share unknown."""
    extra = random.Random(SEED + 1)
    for schools in by_municipality.values():
        for school in schools:
            connection = school["connection"]
            assert isinstance(connection, dict)
            if extra.random() < 0.15:
                connection.pop("monthly_fee_eur", None)
                connection["shared_contract"] = True


def contracts(by_municipality: dict[str, list[dict[str, object]]]) -> dict[str, object]:
    """Contracts with pre-reform municipalities (the compensated months are before the reform):
    29 signed in June 2021, a few planned; the amounts are three months of the schools' fees, or of
    the caps where a school's share is unknown, as a municipality's documents would add up."""
    extra = random.Random(SEED + 2)
    fees: dict[str, float] = {}
    for schools in by_municipality.values():
        for school in schools:
            connection = school["connection"]
            assert isinstance(connection, dict)
            before = str(school["municipality_before_2021"])
            cap = 100 if connection["type"] == "optical" else 50
            fee = connection.get("monthly_fee_eur")
            fees[before] = fees.get(before, 0.0) + 3 * float(fee if isinstance(fee, int | float) else cap)
    names = sorted(fees)
    extra.shuffle(names)
    signed, planned = names[:SIGNED_CONTRACTS], names[SIGNED_CONTRACTS : SIGNED_CONTRACTS + PLANNED_CONTRACTS]
    result: dict[str, object] = {}
    for name in sorted(signed):
        day = extra.randrange(7, 31)
        result[name] = {"signed": date(2021, 6, day), "amount_eur": round(fees[name], 2)}
    for name in sorted(planned):
        result[name] = {"signed": None}
    return result


PROGRAMME_HEADER = """\
# The programme "Jaudīgs internets ikvienai Latvijas skolai": its figures (the defaults, written out)
# and the internet fee compensation contracts for April–June 2021, by the municipality the contract
# was made with (the months are before the 2021-07-01 reform, so pre-reform municipalities).
# 29 signed, some planned (signed: null); the contracts' dates and amounts are FICTIONAL.
"""

WINDOWS_HEADER = """\
# Maintenance windows (Europe/Riga time): changes start at night before a school day, never during
# the school holidays or on state exam days of the 2025/26 school year, when nobody is at school
# to notice a problem or an exam depends on the connection.
# Sources: Cabinet of Ministers regulation on the 2025/2026 school year's start, end and holidays
#   (approved 2024-12-17); state examination schedule for 2025/2026 (approved 2025-11-04).
#   Checked 2026-11-29.
"""

WINDOWS: dict[str, object] = {
    "windows": {
        "default": {
            "hours": "22:00-05:00",
            "weekdays": ["sun-thu"],
            "blocked": [
                {"from": date(2025, 10, 20), "to": date(2025, 10, 24), "label": "Rudens brīvdienas"},
                {"from": date(2025, 12, 22), "to": date(2026, 1, 2), "label": "Ziemas brīvdienas"},
                {"from": date(2026, 3, 9), "to": date(2026, 3, 13), "label": "Pavasara brīvdienas"},
                {"from": date(2026, 4, 22), "to": date(2026, 4, 24),
                 "label": "9. klase: svešvalodas monitoringa darbs"},
                {"date": date(2026, 5, 11), "label": "CE: sociālās zinātnes (augstākais līmenis)"},
                {"date": date(2026, 5, 18), "label": "CE: ķīmija"},
                {"from": date(2026, 5, 19), "to": date(2026, 5, 22), "label": "9. klase: latviešu valoda"},
                {"date": date(2026, 5, 20), "label": "CE: fizika"},
                {"date": date(2026, 5, 22), "label": "CE: bioloģija"},
                {"from": date(2026, 5, 25), "to": date(2026, 5, 28), "label": "CE: svešvaloda"},
                {"date": date(2026, 5, 26), "label": "9. klase: matemātika"},
                {"date": date(2026, 6, 1), "label": "CE: matemātika"},
                {"from": date(2026, 6, 3), "to": date(2026, 6, 5), "label": "CE: latviešu valoda"},
                {"date": date(2026, 6, 12), "label": "CE: ģeogrāfija (augstākais līmenis)"},
                {"from": date(2026, 6, 1), "to": date(2026, 8, 31),
                 "label": "Vasaras brīvdienas (1.–8. un 10.–11. klase)"},
            ],
        },
        "pilot": {"hours": "20:00-06:00"},
    }
}


def check_against_reference() -> None:
    """Every (municipality, before) pair the generator can draw is one the reference data allows."""
    sys.path.insert(0, str(HERE.parent))
    from mikronet.inventory.reference import municipalities

    reference = municipalities()
    assert sorted(MUNICIPALITIES) == sorted(reference.current), "the 43 municipalities differ"
    for current, formers in MUNICIPALITIES.items():
        for before in formers:
            assert current in reference.successors(before), (current, before)


def main() -> int:
    check_against_reference()
    fleet, by_municipality = build()
    dump = {"allow_unicode": True, "sort_keys": False, "width": 110}
    header = HEADER.format(seed=SEED)
    programme = {"programme": {
        "target": 100,
        "enrolled": 563,
        "budget_eur": 495000,
        "caps_eur": {"optical": 100, "other": 50},
        "months": ["2021-04", "2021-05", "2021-06"],
    }, "contracts": contracts(by_municipality)}
    (HERE / "programme.yaml").write_text(
        header + PROGRAMME_HEADER + "\n" + yaml.safe_dump(programme, **dump), encoding="utf-8"
    )  # type: ignore[call-overload]
    (HERE / "windows.yaml").write_text(
        header + WINDOWS_HEADER + "\n" + yaml.safe_dump(WINDOWS, **dump), encoding="utf-8"
    )  # type: ignore[call-overload]
    (HERE / "fleet.yaml").write_text(
        header
        + "# Defaults and groups; the schools are in schools/<municipality>.yaml.\n\n"
        + yaml.safe_dump(fleet, **dump),
        encoding="utf-8",
    )  # type: ignore[call-overload]
    folder = HERE / "schools"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    for municipality, schools in by_municipality.items():
        schools.sort(key=lambda s: str(s["id"]))
        text = (
            header
            + f"# {municipality}: {len(schools)} schools.\n\n"
            + yaml.safe_dump({"schools": schools}, **dump)
        )  # type: ignore[call-overload]
        (folder / f"{slug(municipality)}.yaml").write_text(text, encoding="utf-8")
    total = sum(len(s) for s in by_municipality.values())
    routers = sum(len(r["routers"]) for s in by_municipality.values() for r in s)  # type: ignore[arg-type]
    print(
        f"wrote {total} schools, {routers} routers in {len(by_municipality)} municipalities", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
