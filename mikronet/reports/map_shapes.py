"""The outlines of Latvia's municipalities as SVG path data: read from the package's
``data/latvia-municipalities.json`` (:func:`latvia_shapes`), and made once from public boundary data
(:func:`build_shapes`, ``python -m mikronet.reports.map_shapes SOURCE.geojson``).

The data file keeps, per municipality (named as the inventory names it: ``Cēsu novads``, ``Rīga``),
one SVG path in a plane projected to LKS-92 / Latvia TM (EPSG:3059), one unit being
:data:`UNIT_M` metres, north up; its ``source`` says where the boundaries come from, under which
licence, and what was done to them. Nothing is fetched at run time and nothing is drawn that the
source does not have.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mikronet.errors import InputError
from mikronet.inventory.reference import municipalities

__all__ = ["DATA_FILE", "SOURCE", "UNIT_M", "MapShapes", "build_shapes", "latvia_shapes", "lks92", "relative_path",
           "shape_name"]

DATA_FILE = "data/latvia-municipalities.json"
UNIT_M = 200
"""One unit of the map's plane, in metres: coordinates are rounded to it (well under a pixel)."""

SOURCE: Mapping[str, str] = MappingProxyType({
    "dataset": "Administratīvās teritorijas 2021/2026 (administrativas_teritorijas_2026.geojson)",
    "url": "https://data.gov.lv/dati/lv/dataset/atr",
    "publisher": "VARAM (Viedās administrācijas un reģionālās attīstības ministrija), from the State Land "
                 "Service's (VZD) address register",
    "licence": "CC0 1.0",
    "data_date": "2026 edition: 42 municipalities, Varakļānu novads within Madonas novads (merged 2025-07-01)",
    "via": "the dataset simplified to 3% of its vertices (shared edges kept) and converted to WGS 84 with "
           "4 decimals, as committed in github.com/inspectsoftware/Projekts-Inteligence "
           "public/data/lv-municipalities.json (commit 2528ad36cc8fb4c8509c53b4df9532cf8bf48aa4)",
    "done_here": "projected to LKS-92 / Latvia TM (EPSG:3059), rounded to 200 m, consecutive repeated points "
                 "dropped, names written as the inventory writes them (\"Cēsu nov.\" → \"Cēsu novads\")",
})

# GRS80 and the Latvia TM parameters of EPSG:3059.
_A = 6378137.0
_F = 1 / 298.257222101
_E2 = _F * (2 - _F)
_EP2 = _E2 / (1 - _E2)
_K0, _LON0, _X0, _Y0 = 0.9996, math.radians(24.0), 500000.0, -6000000.0


def lks92(lon: float, lat: float) -> tuple[float, float]:
    """WGS 84 / ETRS89 degrees → LKS-92 (easting, northing) in metres (Transverse Mercator series)."""
    phi, lam = math.radians(lat), math.radians(lon)
    e4, e6 = _E2 * _E2, _E2 ** 3
    n = _A / math.sqrt(1 - _E2 * math.sin(phi) ** 2)
    t = math.tan(phi) ** 2
    c = _EP2 * math.cos(phi) ** 2
    a = (lam - _LON0) * math.cos(phi)
    m = _A * ((1 - _E2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * phi
              - (3 * _E2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * math.sin(2 * phi)
              + (15 * e4 / 256 + 45 * e6 / 1024) * math.sin(4 * phi)
              - (35 * e6 / 3072) * math.sin(6 * phi))
    x = _K0 * n * (a + (1 - t + c) * a ** 3 / 6 + (5 - 18 * t + t * t + 72 * c - 58 * _EP2) * a ** 5 / 120)
    y = _K0 * (m + n * math.tan(phi) * (a * a / 2 + (5 - t + 9 * c + 4 * c * c) * a ** 4 / 24
                                         + (61 - 58 * t + t * t + 600 * c - 330 * _EP2) * a ** 6 / 720))
    return x + _X0, y + _Y0


def shape_name(name: str) -> str:
    """The inventory's spelling of a source name: ``Cēsu nov.`` → ``Cēsu novads``; a city stays."""
    name = " ".join(name.split())
    return name[: -len("nov.")] + "novads" if name.endswith(" nov.") else name


@dataclass(frozen=True)
class MapShapes:
    """The municipalities' outlines: ``view_box`` (x, y, width, height) and one path per name."""

    view_box: tuple[int, int, int, int]
    paths: Mapping[str, str]
    source: Mapping[str, str]

    def covering(self, municipality: str, day: date | None = None) -> str | None:
        """The outline a municipality's schools fall in: its own, or the one it was merged into."""
        if municipality in self.paths:
            return municipality
        merged = municipalities().on(municipality, day or date.max)
        return merged if merged in self.paths else None


def _rings(geometry: Mapping[str, Any], where: str) -> Iterable[Sequence[Sequence[float]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        yield from geometry["coordinates"]
    elif kind == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon
    else:
        raise InputError(f"{where}: geometry {kind!r} is not a polygon")


def build_shapes(geojson: Mapping[str, Any], where: str = "source") -> dict[str, Any]:
    """The data file's content from a GeoJSON FeatureCollection of the municipalities (WGS 84
    longitude/latitude, a ``name`` or ``nosaukums`` property). Every current municipality must be
    there once, and nothing else."""
    projected: dict[str, list[list[tuple[int, int]]]] = {}
    for index, feature in enumerate(geojson.get("features") or ()):
        props = feature.get("properties") or {}
        raw = props.get("name") or props.get("nosaukums")
        if not isinstance(raw, str):
            raise InputError(f"{where}: feature {index} has no name")
        name = shape_name(raw)
        if name in projected:
            raise InputError(f"{where}: feature {index}: {name!r} appears twice")
        rings = []
        for ring in _rings(feature.get("geometry") or {}, f"{where}: {name}"):
            points: list[tuple[int, int]] = []
            for lon, lat, *_ in ring:
                east, north = lks92(float(lon), float(lat))
                point = (round(east / UNIT_M), round(north / UNIT_M))
                if not points or points[-1] != point:
                    points.append(point)
            if len(points) >= 4:
                rings.append(points)
        projected[name] = rings
    ref = municipalities()
    expected = {ref.on(m, date.max) for m in ref.current}
    if set(projected) != expected:
        missing, unknown = sorted(expected - set(projected)), sorted(set(projected) - expected)
        raise InputError(f"{where}: not the current municipalities (missing {missing}, unknown {unknown})")
    xs = [x for rings in projected.values() for ring in rings for x, _ in ring]
    ys = [y for rings in projected.values() for ring in rings for _, y in ring]
    left, top = min(xs), max(ys)
    paths = {name: "".join("M" + " ".join(f"{x - left} {top - y}" for x, y in ring[:-1]) + "Z" for ring in rings)
             for name, rings in sorted(projected.items())}
    return {"source": dict(SOURCE), "projection": "EPSG:3059 (LKS-92 / Latvia TM), north up",
            "unit_m": UNIT_M, "view_box": [0, 0, max(xs) - left, top - min(ys)], "paths": paths}


@cache
def latvia_shapes() -> MapShapes:
    """The package's outlines (read once)."""
    text = resources.files("mikronet").joinpath(DATA_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    box = tuple(int(v) for v in data["view_box"])
    paths = {name: relative_path(path) for name, path in data["paths"].items()}
    return MapShapes((box[0], box[1], box[2], box[3]), MappingProxyType(paths), MappingProxyType(dict(data["source"])))


def relative_path(path: str) -> str:
    """An outline of absolute points (``M x y x y … Z``, one ``M … Z`` per ring) written with each point
    relative to the one before (``M x y l dx dy … z``): the same drawing in about half the characters."""
    out = []
    for ring in path.split("Z"):
        numbers = [int(n) for n in ring.replace("M", " ").split()]
        if len(numbers) < 2:
            continue
        points = list(zip(numbers[::2], numbers[1::2], strict=True))
        steps = [f"{x - px} {y - py}" for (px, py), (x, y) in itertools.pairwise(points)]
        out.append(f"M{points[0][0]} {points[0][1]}" + (f"l{' '.join(steps)}" if steps else "") + "z")
    return "".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mikronet.reports.map_shapes SOURCE.geojson [OUT.json]``: write the data file."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or len(args) > 2:
        print("usage: python -m mikronet.reports.map_shapes SOURCE.geojson [OUT.json]", file=sys.stderr)
        return 2
    source = Path(args[0])
    out = Path(args[1]) if len(args) > 1 else Path(str(resources.files("mikronet").joinpath(DATA_FILE)))
    try:
        data = build_shapes(json.loads(source.read_text(encoding="utf-8")), str(source))
    except (OSError, ValueError, KeyError, TypeError, InputError) as exc:
        print(f"{source}: {exc}", file=sys.stderr)
        return 2
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(data['paths'])} municipalities, {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
