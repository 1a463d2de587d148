"""Which extra packages a simulated router runs: the ones its model ships with, the ones its spec
names, and -- for a router loaded from a backup -- the ones the backup's menus need.

RouterOS 7 keeps some menus in packages of their own (``packages.yaml`` beside the RouterOS
schema says which): a backup that configures ``/interface wireless`` came from a router with the
``wireless`` package (an RB5009 managing CAPsMAN v1 has no radio of its own, yet has the menu),
``/container`` from one with ``container``, ``/iot`` from one with ``iot``. RouterOS 6 bundles
everything, so there the answer is always empty.
"""

from __future__ import annotations

from mikronet.routeros import parse
from mikronet.routeros.lint import menu_packages, standard_packages
from mikronet.routeros.version import parse_version

__all__ = ["export_packages"]


def export_packages(text: str, version: str) -> tuple[str, ...]:
    """The extra packages (beyond a stock router's) whose menus the export ``text`` configures,
    sorted; a menu more than one package provides counts for the first of them."""
    if parse_version(version).major < 7:
        return ()
    standard = standard_packages(version)
    found: set[str] = set()
    for path in parse(text, recover=True).sections:
        packages = menu_packages(path, version)
        if packages and not packages & standard:
            found.add(sorted(packages)[0])
    return tuple(sorted(found))
