"""A simulated fleet of 60 routers for fleet runs, written as an inventory beside its own templates."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.fleet import pin_all

from mikronet.inventory import Inventory, load_inventory
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions

__all__ = ["ENV", "PASSWORD", "fleet_inventory", "load", "pin_all", "write_templates"]

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "Fleet-\"$\\?ā-Test"  # every character RouterOS, JSON and Python quote differently
ENV = {"MIKRONET_PASSWORD": PASSWORD}
MODELS = ("RBD52G-5HacD2HnD", "RB750Gr3", "RB4011iGS+", "RB5009UG+S+")
VERSIONS = ("7.16.2", "7.14.3", "6.49.18")

LOCKOUT = "/ip service\nset api disabled=yes\nset api-ssl disabled=yes\n"


def fleet_inventory(schools: int, per_school: int = 3, *, transports: tuple[str, ...] = ("api", "api-ssl")) -> str:
    lines = [
        "defaults:",
        "  transport: api",
        "  username: mikronet",
        "  password: {env: MIKRONET_PASSWORD}",
        "  template: school-gateway",
        "  vars: {admin_subnet: 10.1.0.0/16}",
        "schools:",
    ]
    n = 0
    for s in range(1, schools + 1):
        lines += [
            f"  - id: LV-{s:04d}",
            f'    name: "Skola Nr. {s} — ā č ē ģ ī ķ ļ ņ š ū ž"',
            "    municipality: Rīga" if s % 2 else "    municipality: Cēsu novads",
            "    connection: {type: optical, contracted_mbps: 200}",
            f"    vars: {{lan_subnet: 10.{100 + s // 200}.{s % 200}.0/24}}",
            "    routers:",
        ]
        for r in range(per_school):
            n += 1
            lines.append(
                f"      - {{name: r{r}, host: 10.1.{s}.{r + 1}, model: {MODELS[n % len(MODELS)]}, "
                f"serial: SN{n:06d}, routeros: {VERSIONS[n % len(VERSIONS)]}, "
                f"transport: {transports[n % len(transports)]}}}"
            )
    return "\n".join(lines) + "\n"


def write_templates(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for source in (REPO / "templates").iterdir():
        shutil.copy(source, folder / source.name)
    (folder / "lockout.rsc.j2").write_text(LOCKOUT, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def chaos_fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimFleet]:
    root = tmp_path_factory.mktemp("fleet")
    source = root / "inventory.yaml"
    source.write_text(fleet_inventory(20), encoding="utf-8")
    options = FleetOptions(device=DeviceOptions(boot_time=0.3, install_boot_time=0.5))
    with SimFleet(source, directory=root / "sim", options=options, environ=ENV) as running:
        yield running


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    monkeypatch.setenv("MIKRONET_TECHNICIAN", "Anna Bērziņa")


def load(fleet: SimFleet) -> Inventory:
    return load_inventory(fleet.inventory_path)
