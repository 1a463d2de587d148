"""Every model of the hardware table in a simulated router, on the versions it runs: the export header
that version prints, the factory ports of ``/interface print`` and ``/system routerboard print``; and
the header forms of older versions, the unit's own model string, and the USB disk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mikronet.hardware import Model, find_model, known_models
from mikronet.sim.clock import ManualClock
from mikronet.sim.device import DeviceSpec, SimDevice

SERIAL = "HW000001"
VERSIONS = ("6.49.18", "7.18.2")


def _cases() -> Iterator[tuple[Model, str]]:
    for model in known_models():
        for version in VERSIONS:
            if not (model.v7_only and version.startswith("6.")):
                yield model, version


def _device(model: str, version: str) -> SimDevice:
    return SimDevice(DeviceSpec("LV-0001/gw", model, SERIAL, version), clock=ManualClock())


def _expected_ports(model: Model, version: str) -> list[str]:
    if version.startswith("6."):
        return [p for p in model.ports if not p.startswith("wifi")]
    return [*model.ports, "lo"]


@pytest.mark.parametrize(("model", "version"), list(_cases()), ids=lambda v: v.model if isinstance(v, Model) else v)
def test_every_model_runs_in_a_simulated_router(model: Model, version: str) -> None:
    device = _device(model.model, version)
    assert [row["name"] for row in device.call("/interface/print", {}).rows] == _expected_ports(model, version)
    header = device.export().splitlines()[1:5]
    if model.routerboard:
        assert header[0].startswith("# software id = ") and len(header[0]) == len("# software id = XXXX-XXXX")
        assert header[1:] == ["#", f"# model = {model.model}", f"# serial number = {SERIAL}"]
        board = device.call("/system/routerboard/print", {}).rows[0]
        assert list(board)[:4] == ["routerboard", "board-name", "model", "serial-number"]
        assert (board["board-name"], board["model"], board["serial-number"]) == (model.board_name, model.model, SERIAL)
    else:  # CHR: no software id, no model, no /system routerboard
        assert header[:2] == ["# software id = ", "#"]
        assert device.call("/system/routerboard/print", {}).trap is not None


def test_the_table_is_large_and_every_entry_names_its_sources() -> None:
    models = known_models()
    assert len(models) > 100
    for model in models:
        for spelling in (model.model, model.product, model.name, model.board_name, *model.model_strings,
                         *model.aliases):  # no entry is hidden behind another's spelling
            assert not spelling or find_model(spelling) is model, (model.model, spelling)
        assert {"ports", "hardware"} <= {key for key, _ in model.sources}, model.model
        assert all(text for _, text in model.sources), model.model
        assert model.port_mbps in (0, 100, 1000, 2500, 10000), model.model
        assert model.wifi_standard in (None, "802.11n", "802.11ac", "802.11ax"), model.model
        assert (model.wifi_standard is None) == (not model.wireless), model.model
        assert model.throughput_mbps is None or model.throughput_source, model.model  # a figure names its source


@pytest.mark.parametrize(
    ("model", "version", "lines"),
    [
        # 6.27 .. 6.39: the software id and a bare line, no model or serial (corpus 34: 6.27)
        ("CRS125-24G-1S", "6.29", ["# software id = *", "#", "/"]),
        # from 6.40 a RouterBOARD adds its model and serial
        ("CRS125-24G-1S", "6.40.5",
         ["# software id = *", "#", "# model = CRS125-24G-1S", f"# serial number = {SERIAL}"]),
        # CHR on 6: an empty software id and three bare lines (corpus 38: 6.45beta27)
        ("CHR", "6.45.9", ["# software id = ", "#", "#", "#"]),
        # CHR on 7: an empty software id and one bare line (corpus 09: 7.16)
        ("CHR", "7.16", ["# software id = ", "#", "/"]),
    ],
)
def test_each_version_prints_its_own_header(model: str, version: str, lines: list[str]) -> None:
    text = _device(model, version).export().splitlines()[1:]
    header = [line for line in text if not line.startswith("/")][: len(lines)]
    want = [line for line in lines if line != "/"]
    assert len(header) == len(want)
    for line, expected in zip(header, want, strict=True):
        if expected.endswith("*"):
            assert line.startswith(expected[:-1]) and len(line) > len(expected)
        else:
            assert line == expected
    if "/" in lines:  # nothing else follows the header but the configuration
        rest = text[len(want):]
        assert all(line.startswith(("/", " ", "add ", "set ")) for line in rest[:1])


def test_a_unit_keeps_the_model_string_it_prints() -> None:
    old = _device("RouterBOARD 941-2nD", "7.4")  # an older unit (corpus 35, 36)
    assert "# model = RouterBOARD 941-2nD" in old.export().splitlines()
    assert old.call("/system/routerboard/print", {}).rows[0]["model"] == "RouterBOARD 941-2nD"
    new = _device("hAP lite", "6.47.10")  # a product name: the model string current units print
    assert "# model = RB941-2nD" in new.export().splitlines()


def test_board_name_is_printed_from_6_45() -> None:
    assert "board-name" not in _device("RB4011iGS+", "6.44.6").call("/system/routerboard/print", {}).rows[0]
    assert _device("RB941-2nD", "6.46.6").call("/system/routerboard/print", {}).rows[0]["board-name"] == "hAP lite"


@pytest.mark.parametrize(("version", "slot"), [("7.18.2", "usb1"), ("6.49.18", "disk1")])
def test_a_model_with_a_usb_port_has_its_usb_disk(version: str, slot: str) -> None:
    device = _device("RBD52G-5HacD2HnD", version)
    assert [row["slot"] for row in device.call("/disk/print", {}).rows] == [slot]
    if version.startswith("7."):  # `/disk set usb1 …` finds it
        assert device.call("/disk/set", {"numbers": slot, "media-sharing": "yes"}).trap is None
        assert device.call("/disk/print", {}).rows[0]["media-sharing"] == "true"
    assert _device("RB941-2nD", version).call("/disk/print", {}).rows == []  # no USB port, no disk
