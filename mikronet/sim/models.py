"""The hardware a simulated router pretends to be, read from the project's one model table.

Port layouts, CPU, memory and storage come from :mod:`mikronet.hardware` (shared with the
templates). This module adds only what a running router derives from them: interface types by
RouterOS version, the extra packages a wireless model ships with, and whether ``/system
routerboard`` exists (not on CHR/x86).
"""

from __future__ import annotations

from dataclasses import dataclass

from mikronet.hardware import Model, model_info

__all__ = ["CHR_BOARD_NAME", "ModelProfile", "Port", "profile_for"]

MIB = 1024 * 1024
CHR_BOARD_NAME = "CHR QEMU Standard PC (i440FX + PIIX, 1996)"
_CHR_NAMES = frozenset({"chr", "x86", "x86_64", "cloud hosted router"})


@dataclass(frozen=True)
class Port:
    """A built-in interface: ``name`` is also its ``default-name``; ``type`` as /interface prints it."""

    name: str
    type: str


@dataclass(frozen=True)
class ModelProfile:
    """One router's hardware, as RouterOS reports it."""

    model: str
    board_name: str
    architecture: str
    cpu: str
    cpu_count: int
    cpu_frequency: int
    total_memory: int
    total_hdd_space: int
    routerboard: bool
    firmware_type: str
    factory_firmware: str
    interfaces: tuple[str, ...]

    def ports(self, major_version: int) -> tuple[Port, ...]:
        """Built-in interfaces in ``/interface print`` order. Wi-Fi 6 radios (``wifiN``) need v7."""
        ports: list[Port] = []
        for name in self.interfaces:
            if name.startswith("wifi"):
                if major_version >= 7:
                    ports.append(Port(name, "wifi"))
            elif name.startswith("wlan"):
                ports.append(Port(name, "wlan"))
            else:
                ports.append(Port(name, "ether"))
        return tuple(ports)

    def extra_packages(self, major_version: int) -> tuple[str, ...]:
        """Packages besides ``routeros`` that v7 installs on this model (v6 bundles everything)."""
        if major_version < 7:
            return ()
        if any(name.startswith("wifi") for name in self.interfaces):
            return ("wifi-qcom",)
        if any(name.startswith("wlan") for name in self.interfaces):
            return ("wireless",)
        return ()


def _from_model(model: str, info: Model) -> ModelProfile:
    return ModelProfile(
        model=model,
        board_name=info.board_name,
        architecture=info.architecture,
        cpu=info.cpu,
        cpu_count=info.cpu_count,
        cpu_frequency=info.cpu_frequency_mhz,
        total_memory=info.memory_mib * MIB,
        total_hdd_space=info.storage_mib * MIB,
        routerboard=True,
        firmware_type=info.firmware_type,
        factory_firmware=info.factory_firmware,
        interfaces=info.interfaces,
    )


def profile_for(model: str) -> ModelProfile:
    """The hardware of ``model`` (a RouterBOARD model string, or ``CHR``)."""
    if model.strip().casefold() in _CHR_NAMES:
        return ModelProfile(
            model="CHR",
            board_name=CHR_BOARD_NAME,
            architecture="x86_64",
            cpu="QEMU",
            cpu_count=1,
            cpu_frequency=2400,
            total_memory=384 * MIB,
            total_hdd_space=89 * MIB,
            routerboard=False,
            firmware_type="",
            factory_firmware="",
            interfaces=("ether1", "ether2"),
        )
    info = model_info(model)
    return _from_model(model if info.model == "generic" else info.model, info)
