"""Real exports (``../shared/corpus/exports``) loaded into simulated routers, as ``--from-backups`` does.

A router of another model lacks some ports and menus, so commands may fail (RouterOS would refuse
them too); what must hold is that every export is read to its end without the simulator failing,
and that exports written for the same kind of router load without a single error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mikronet.sim.clock import ManualClock
from mikronet.sim.device import DeviceSpec, SimDevice
from mikronet.sim.scripting import run_script

EXPORTS = Path(__file__).resolve().parents[1].parent.parent / "shared" / "corpus" / "exports"
CLEAN = {  # export -> (model, version) it loads into without an error
    "04-switch-vlan-filtering-epoch-date-v6.rsc": ("RB2011UiAS-2HnD", "6.49.18"),
    "35-hap-lite-pppoe-client-hotspot-lab-v7.rsc": ("RB5009UG+S+", "7.16.2"),
    "36-hap-lite-l2tp-ipsec-recursive-routes-v7.rsc": ("RB5009UG+S+", "7.16.2"),
    "44-hap-lite-vlan-filtering-epoch-date-7.2.1-v7.rsc": ("RB5009UG+S+", "7.16.2"),
}

pytestmark = pytest.mark.skipif(not EXPORTS.is_dir(), reason="the shared corpus is not checked out")


def _device(model: str, version: str) -> SimDevice:
    return SimDevice(DeviceSpec("LV-0001/gw", model, "CORPUS01", version), clock=ManualClock())


@pytest.mark.parametrize("path", sorted(EXPORTS.glob("*.rsc")) if EXPORTS.is_dir() else [], ids=lambda p: p.name[:24])
def test_every_real_export_is_read_to_the_end(path: Path) -> None:
    v6 = path.name.endswith("-v6.rsc")
    device = _device("RB2011UiAS-2HnD" if v6 else "RB5009UG+S+", "6.49.18" if v6 else "7.16.2")
    text = path.read_bytes().decode("utf-8", "replace")
    result = run_script(device, text, stop_on_error=False)
    assert result.commands > 0 or result.error is not None
    assert device.online or result.rebooting


@pytest.mark.parametrize(("name", "target"), sorted(CLEAN.items()))
def test_matching_exports_load_cleanly_and_export_again(name: str, target: tuple[str, str]) -> None:
    device = _device(*target)
    result = run_script(device, (EXPORTS / name).read_text(encoding="utf-8"))
    assert result.error is None, result.located_error
    again = _device(*target)
    assert run_script(again, device.export()).error is None
    assert again.export() == device.export()
