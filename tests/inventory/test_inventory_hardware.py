"""An inventory's own hardware file: a model mikronet's table lacks, declared with ``hardware:``, joins
the one model lookup before the routers are checked; its problems name file, line and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mikronet.errors import InventoryError
from mikronet.hardware import find_model, model_info
from mikronet.inventory import load_inventory
from mikronet.sim.clock import ManualClock
from mikronet.sim.device import DeviceSpec, SimDevice

HARDWARE = """\
models:
  - model: {model}
    name: Skolas kaste ā
    architecture: arm
    ports: [ether1, ether2, ether3, sfp1, wlan1]
    poe_out: [ether3]
    usb: true
"""


def _inventory(write: Callable[..., Path], texts: tuple[str, str], model: str, hardware: str) -> Path:
    write("fleet.yaml", "hardware: hardware.yaml\n" + texts[0])
    write("hardware.yaml", hardware)
    return write("schools.yaml", texts[1].replace("model: RB4011iGS+", f'model: "{model}"'))


def test_a_declared_model_is_known_to_the_inventory_the_templates_and_the_simulator(
    write: Callable[..., Path], texts: tuple[str, str]
) -> None:
    root = _inventory(write, texts, "skolas kaste ā", HARDWARE.format(model="SK-100Gi"))
    inventory = load_inventory(root)
    assert inventory.router("LV-0042/gw").model == "SK-100Gi"  # found by its name, recorded by its model string
    assert len(inventory.files) == 2  # the hardware file is not an inventory document
    model = find_model("sk-100gi")
    assert model is not None and model_info("SK-100Gi") is model
    assert model.ports == ("ether1", "ether2", "ether3", "sfp1", "wlan1") and model.wifi_package == "wireless"
    assert model.local == str(root / "hardware.yaml")
    device = SimDevice(DeviceSpec("LV-0042/gw", "SK-100Gi", "HW0001", "7.18.2"), clock=ManualClock())
    assert [r["name"] for r in device.call("/interface/print", {}).rows] == [*model.ports, "lo"]
    assert "# model = SK-100Gi" in device.export().splitlines()


@pytest.mark.parametrize(
    ("hardware", "line", "field", "message"),
    [
        (HARDWARE.format(model="SK-200").replace("    ports: [ether1, ether2, ether3, sfp1, wlan1]\n", ""),
         2, "models[0].ports", "ports is required"),
        (HARDWARE.format(model="SK-300").replace("sfp1", "port7"), 5, "models[0].ports[3]",
         "'port7' is not a RouterOS factory interface name"),
        (HARDWARE.format(model="SK-400").replace("[ether3]", "[ether9]"), 6, "models[0].poe_out",
         "poe_out names a port the model does not have"),
        (HARDWARE.format(model="RB941-2nD"), 2, "models[0].model",
         "'RB941-2nD' is already in mikronet's hardware table"),
    ],
)
def test_a_bad_hardware_file_names_file_line_and_field(
    write: Callable[..., Path], texts: tuple[str, str], hardware: str, line: int, field: str, message: str
) -> None:
    root = _inventory(write, texts, "RB4011iGS+", hardware)
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    error = info.value
    assert (error.file, error.line, error.field) == (str(root / "hardware.yaml"), line, field)
    assert error.message.startswith(message)


def test_a_missing_hardware_file_is_named_where_it_is_declared(
    write: Callable[..., Path], texts: tuple[str, str]
) -> None:
    write("fleet.yaml", "hardware: nav-tada.yaml\n" + texts[0])
    root = write("schools.yaml", texts[1])
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    assert (info.value.file, info.value.line, info.value.field) == (str(root / "fleet.yaml"), 1, "hardware")
    assert "cannot read" in info.value.message and "nav-tada.yaml" in info.value.message


def test_an_undeclared_unknown_model_says_where_to_describe_it(
    write: Callable[..., Path], texts: tuple[str, str]
) -> None:
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1].replace("model: RB4011iGS+", "model: SK-999"))
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    assert info.value.field == "schools[0].routers[0].model"
    assert "unknown router model 'SK-999'" in info.value.message and "'hardware:'" in info.value.message
