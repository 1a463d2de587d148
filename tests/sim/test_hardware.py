"""The hardware table (``mikronet/data/hardware.yaml``): every model schools have, found by any of the
names people use for it, with the ports, switch chips, PoE-out ports and wireless package RouterOS
reports; and what a simulated router of each model serves."""

from __future__ import annotations

import pytest

from mikronet.hardware import find_model, known_models, model_info, suggest_model
from mikronet.sim.clock import ManualClock
from mikronet.sim.device import DeviceSpec, SimDevice

SCHOOL_MODELS = {  # product name as schools know it -> RouterOS model string
    "hAP lite": "RB941-2nD", "hAP ac lite": "RB952Ui-5ac2nD", "hAP ac²": "RBD52G-5HacD2HnD",
    "hAP ac³": "RBD53iG-5HacD2HnD", "hAP ax²": "C52iG-5HaxD2HaxD", "hAP ax³": "C53UiG+5HPaxD2HPaxD",
    "hEX": "RB750Gr3", "hEX S": "RB760iGS", "RB2011": "RB2011UiAS-2HnD", "RB3011": "RB3011UiAS",
    "RB4011": "RB4011iGS+", "RB5009": "RB5009UG+S+", "CCR1009": "CCR1009-7G-1C-1S+", "CCR2004": "CCR2004-1G-12S+2XS",
    "CRS326": "CRS326-24G-2S+", "CRS328": "CRS328-24P-4S+", "cAP ac": "RBcAPGi-5acD2nD", "wAP ac": "RBwAPG-5HacD2HnD",
    "SXTsq 5": "RBSXTsq5nD", "LHG 5": "RBLHG-5nD", "Cloud Hosted Router": "CHR",
}


@pytest.mark.parametrize(("name", "model"), sorted(SCHOOL_MODELS.items()))
def test_each_school_model_is_known_by_its_names(name: str, model: str) -> None:
    found = find_model(name)
    assert found is not None and found.model == model
    assert find_model(model) is found and find_model(model.upper()) is found
    assert model_info(model) is found


def test_spellings_and_suggestions() -> None:
    assert find_model("hAP ac2") is find_model("hap ac^2") is find_model("RBD52G-5HacD2HnD-TC")
    assert find_model("RouterBOARD 941-2nD").model == "RB941-2nD"  # type: ignore[union-attr]
    assert find_model("RB4011iGS+RM").model == "RB4011iGS+"  # type: ignore[union-attr]
    assert find_model("no such router") is None
    assert suggest_model("hAP ac 3")[0] == "RBD53iG-5HacD2HnD"
    assert model_info("RBXYZ-1").model == "generic"  # templates still render for a model nobody described


def test_the_table_is_consistent() -> None:
    models = known_models()
    assert len({m.model for m in models}) == len(models)
    for model in models:
        assert model.wifi_package in (None, "wireless", "wifi", "wifiwave2")
        assert set(model.poe_out) <= set(model.ports)
        for chip in model.switches:
            assert set(chip.ports) <= set(model.ports), (model.model, chip.name)
        radios = [p for p in model.ports if p.startswith(("wlan", "wifi"))]
        assert bool(radios) == (model.wifi_package is not None), model.model


@pytest.mark.parametrize(("model", "version", "ports", "menus", "absent"), [
    ("RB760iGS", "6.49.18", ["ether1", "ether2", "ether3", "ether4", "ether5", "sfp1"],
     ["interface/ethernet/poe", "interface/ethernet/switch"], ["interface/wifi"]),
    ("C53UiG+5HPaxD2HPaxD", "7.19.4", ["ether1", "ether2", "ether3", "ether4", "ether5", "wifi1", "wifi2", "lo"],
     ["interface/wifi", "interface/ethernet/poe"], ["interface/wireless"]),
    ("RBD52G-5HacD2HnD", "7.16.2", ["ether1", "ether2", "ether3", "ether4", "ether5", "wlan1", "wlan2", "lo"],
     ["interface/wireless"], ["interface/wifi", "interface/ethernet/poe"]),
    ("CHR", "7.16.2", ["ether1", "ether2", "lo"], [], ["system/routerboard", "interface/wireless"]),
])
def test_a_simulated_router_has_its_models_ports_and_menus(model: str, version: str, ports: list[str],
                                                          menus: list[str], absent: list[str]) -> None:
    device = SimDevice(DeviceSpec("LV-0001/gw", model, "HW000001", version), clock=ManualClock())
    assert [row["name"] for row in device.call("/interface/print", {}).rows] == ports
    for menu in menus:
        assert device.call(f"/{menu}/print", {}).trap is None, menu
    for menu in absent:  # as on RouterOS: the menu is not there at all
        trap = device.call(f"/{menu}/print", {}).trap
        assert trap is not None and trap.message == "no such command prefix", menu
