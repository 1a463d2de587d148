"""The order in which ``/export`` writes its menus, per RouterOS version, kept as data
(``data/export-order.yaml``) and derived from real exports.

RouterOS writes an export's menus in an order of its own that changed between major versions (v6
puts ``/interface bridge port`` after ``/ppp profile``, v7 far later) and, in places, between 7.x
releases (``/port`` after ``/ip vrf`` from 7.16). The data holds one complete order per *era*: RouterOS
6, RouterOS 7 before 7.16, and 7.16 on.

:func:`derive_order` makes an era's order from the menu sequences of real exports: each export
votes for every pair of menus it holds (``a`` before ``b``); exports of the era weigh most (1000), those of
the same major version less (10), the rest least (1); a menu an ``after`` rule placed in an export
does not vote there. The order sought contradicts as little vote weight as it can: a start by mean
relative position, then single menus moved while that lowers the contradicted weight (a heuristic;
the test checks the data against it, not against an optimum).
``python -m mikronet.sim.export_order EXPORTS_DIR`` writes the eras of the YAML;
``tests/sim/test_sim_export_order.py`` checks the data is what the corpus gives.

Besides the order, ``after`` rules say where a menu moves when its items refer to a later menu
(RouterOS writes the referenced item first): wireless interfaces that name a security profile come
after ``/interface wireless security-profiles``, a DHCP server naming its pool after ``/ip pool``.
RouterOS writes items that name nothing at the menu's own place and the others later (the menu shows
twice: 37 and 40 write a DHCP server without a pool before ``/ip pool`` and the others after it); the
simulator writes a menu once, so it moves only when every item of it names something. A rule on the
selector (:data:`SELECTOR`) is for settings of other menus' items (``/interface wireless nstreme``
sets ``"wlan 2Ghz"``): they are written with the items they tune, right after their menu.

Two orders are not the version's but the unit's: the menus of its built-in ports come in the order
it registered their kinds (``ports`` of :func:`order_sections`; the same model writes ``/interface
wireless`` before or after ``/interface ethernet`` from one router to the next), and where 7.16 to
7.18 put ``/ip dhcp-server`` varies from router to router (see the test's ``ORDER_GAPS``).
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from mikronet.errors import ScriptError
from mikronet.routeros import parse
from mikronet.routeros.model import Config, Item
from mikronet.routeros.version import Version, parse_version

__all__ = ["ERAS", "SELECTOR", "ExportOrder", "derive_order", "export_order", "order_sections"]

ERAS = ("6", "7", "7.16")
"""Where the order changed: RouterOS 6, RouterOS 7, and 7.16 on (each era until the next)."""
SELECTOR = "numbers"
"""The key of an ``after`` rule for what an item's selector names (``set "wlan 2Ghz" …`` in
``/interface wireless nstreme``), as RouterOS calls that argument: such items are settings of what
they name and are written right after it."""
_WEIGHTS = (1000, 10, 1)  # the era's own exports, the same major version's, the rest
_MAJOR_IN_NAME = re.compile(r"-v(?P<major>[67])\.rsc$")
"""An export whose header does not say its version counts for the major version its file name says
(the corpus names them ``…-v6.rsc`` / ``…-v7.rsc``), in no era of its own."""


def _era_of(version: Version) -> str:
    found = ERAS[0]
    for era in ERAS:
        start = parse_version(era)
        if start.major == version.major and version >= start:
            found = era
    if version.major >= 7 and found.startswith("6"):
        found = "7"
    return found


@dataclass(frozen=True, eq=False)  # one per data file: compared (and cached) by identity
class ExportOrder:
    """Menus in export order per era, and the ``after`` rules."""

    eras: Mapping[str, tuple[str, ...]]
    after: Mapping[str, Mapping[str, str]]
    """Menu -> property -> menu: an item of the first setting the property is written after the second."""

    def ranks(self, version: Version) -> Mapping[str, int]:
        return _ranks(self, _era_of(version))


@cache
def _ranks(order: ExportOrder, era: str) -> Mapping[str, int]:
    return MappingProxyType({path: index for index, path in enumerate(order.eras[era])})


@cache
def export_order() -> ExportOrder:
    """The bundled data (read once)."""
    text = resources.files("mikronet.sim").joinpath("data/export-order.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    eras = {str(era): tuple(paths) for era, paths in data["eras"].items()}
    after = {str(menu): MappingProxyType(dict(rules)) for menu, rules in (data.get("after") or {}).items()}
    return ExportOrder(MappingProxyType(eras), MappingProxyType(after))


def _rank(path: str, ranks: Mapping[str, int]) -> float:
    """A menu's place; one the data does not know goes after the last known menu that shares the
    longest start with it (``/routing isis instance`` after the last ``/routing`` menu)."""
    found = ranks.get(path)
    if found is not None:
        return found
    words = path.split()
    for depth in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:depth])
        near = [rank for known, rank in ranks.items() if known == prefix or known.startswith(prefix + " ")]
        if near:
            return max(near) + 0.5
    return len(ranks) + 0.5


def order_sections(
    config: Config, version: Version, order: ExportOrder | None = None, *, ports: Sequence[str] = ()
) -> list[str]:
    """The menus of ``config`` in the order RouterOS ``version`` exports them.

    ``ports`` are the menus of the router's built-in ports (``/interface ethernet``, ``/interface
    wireless``, ``/interface lte``) in the order the unit registered them: RouterOS writes those in
    that order, in the places the data gives the set of them."""
    order = order or export_order()
    ranks = order.ranks(version)
    placed = sorted(config.sections, key=lambda p: (_rank(p, ranks), p))
    slots = [index for index, path in enumerate(placed) if path in ports]
    for index, path in zip(slots, [p for p in dict.fromkeys(ports) if p in config.sections], strict=True):
        placed[index] = path
    for menu, rules in order.after.items():
        section = config.sections.get(menu)
        if section is None or not _all_refer(section.items, rules, config):
            continue
        targets = [rules[key] for item in section.items for key in _named(item) if key in rules]
        latest = max((t for t in targets if t in config.sections), key=placed.index)
        if placed.index(latest) != placed.index(menu) - 1:  # written right after what it names
            placed.remove(menu)
            placed.insert(placed.index(latest) + 1, menu)
    return placed


def _named(item: Item) -> list[str]:
    """What an item names: its properties, and :data:`SELECTOR` when it is chosen by a selector."""
    return [*item.props, *((SELECTOR,) if item.selector is not None else ())]


def derive_order(sequences: Iterable[tuple[Sequence[str], int]], fallback: Sequence[str] = ()) -> list[str]:
    """One order of all menus the weighted ``sequences`` hold (see the module's docstring);
    ``fallback`` (an older list) breaks ties in the starting order."""
    votes: Counter[tuple[str, str]] = Counter()
    positions: dict[str, list[float]] = defaultdict(list)
    for sequence, weight in sequences:
        for index, first in enumerate(sequence):
            positions[first].append(index / max(1, len(sequence) - 1))
            for second in sequence[index + 1 :]:
                votes[(first, second)] += weight
    tie = {path: index for index, path in enumerate(fallback)}
    nodes = sorted(positions, key=lambda n: (sum(positions[n]) / len(positions[n]), tie.get(n, len(tie)), n))
    before: dict[str, Counter[str]] = defaultdict(Counter)  # before[n][m]: weight of "n before m"
    for (first, second), weight in votes.items():
        before[first][second] += weight
    changed = True
    while changed:
        changed = False
        for node in list(nodes):
            rest = [m for m in nodes if m != node]
            # cost of node at position k: votes it breaks with what precedes and what follows it
            cost = sum(before[m][node] for m in rest)  # k = 0: everything follows
            best_k, best_cost = 0, cost
            for k, m in enumerate(rest, start=1):
                cost += before[node][m] - before[m][node]
                if cost < best_cost:
                    best_k, best_cost = k, cost
            current = nodes.index(node)
            current_cost = sum(before[m][node] for m in nodes[current + 1 :]) + sum(
                before[node][m] for m in nodes[:current])
            if best_cost < current_cost:
                nodes = [*rest[:best_k], node, *rest[best_k:]]
                changed = True
    return nodes


def _referring(config: Config, after: Mapping[str, Mapping[str, str]]) -> set[str]:
    """Menus of ``config`` placed by a reference (an ``after`` rule applies): their place says nothing
    about the base order."""
    return {
        menu
        for menu, rules in after.items()
        if menu in config.sections and _all_refer(config.sections[menu].items, rules, config)
    }


def _all_refer(items: Sequence[Item], rules: Mapping[str, str], config: Config) -> bool:
    """Whether every item names something an ``after`` rule points at (RouterOS writes items that name
    nothing at the menu's own place, and the others later: the menu first shows at its own place)."""
    return bool(items) and all(
        any(key in rules and rules[key] in config.sections for key in _named(item)) for item in items
    )


def _exports(
    directory: Path, after: Mapping[str, Mapping[str, str]]
) -> list[tuple[int, Version | None, list[str]]]:
    found = []
    for path in sorted(directory.glob("*.rsc")):
        try:
            config = parse(path.read_bytes(), file=path.name)
        except ScriptError:
            continue
        header = config.header
        hint = _MAJOR_IN_NAME.search(path.name)
        if header is not None and header.version:
            version: Version | None = parse_version(header.version)
        elif hint is not None:
            version = None
            major = int(hint.group("major"))
        else:
            continue
        placed_by_reference = _referring(config, after)
        sequence = [p for p in config.sections if p not in placed_by_reference]
        found.append((version.major if version is not None else major, version, sequence))
    return found


def derive_from_exports(directory: Path, after: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, list[str]]:
    """Every era's order from the exports in ``directory`` (those that parse and name their version);
    a menu an ``after`` rule placed in an export does not vote in that export."""
    exports = _exports(directory, export_order().after if after is None else after)
    orders = {}
    for era in ERAS:
        major = parse_version(era).major
        weighted = []
        for export_major, version, sequence in exports:
            if version is not None and _era_of(version) == era:
                weight = _WEIGHTS[0]
            elif export_major == major:
                weight = _WEIGHTS[1]
            else:
                weight = _WEIGHTS[2]
            weighted.append((sequence, weight))
        orders[era] = derive_order(weighted)
    return orders


def main(argv: Sequence[str]) -> int:
    """Write the derived orders as YAML (the ``after`` rules and the header are kept by hand)."""
    if len(argv) != 1:
        print("usage: python -m mikronet.sim.export_order EXPORTS_DIR", file=sys.stderr)
        return 2
    data: dict[str, Any] = {"eras": derive_from_exports(Path(argv[0]))}
    yaml.safe_dump(data, sys.stdout, allow_unicode=True, sort_keys=False, width=200)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
