"""RouterBOARD models: the facts a template and the simulated routers both need.

One table, keyed by the RouterOS model string (what ``/system routerboard`` prints as ``model``):
its marketing name, board name, architecture, CPU, memory, storage and interface layout. The
template uses the layout to know which ports form the school LAN; the simulated routers build
their factory interfaces from it.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

__all__ = ["MODELS", "Model", "model_info"]


@dataclass(frozen=True)
class Model:
    model: str                 # /system routerboard model, e.g. "RBD52G-5HacD2HnD"
    name: str                  # marketing name, e.g. "hAP ac²"
    board_name: str            # /system resource board-name, e.g. "hAP ac^2"
    architecture: str          # architecture-name
    cpu: str
    cpu_count: int
    cpu_frequency_mhz: int
    memory_mib: int
    storage_mib: int
    ethernet: int              # ether1..etherN
    sfp: tuple[str, ...] = ()  # sfp-sfpplus1 …
    wireless: tuple[str, ...] = ()  # wlan1 … / wifi1 …
    firmware_type: str = ""
    factory_firmware: str = "6.45.9"

    @property
    def interfaces(self) -> tuple[str, ...]:
        """Factory interface names in RouterOS order."""
        return tuple(f"ether{n}" for n in range(1, self.ethernet + 1)) + self.sfp + self.wireless

    @property
    def wan_interface(self) -> str:
        return "ether1"

    @property
    def lan_interfaces(self) -> tuple[str, ...]:
        """Every wired port but the WAN port, as the school gateway template bridges them."""
        wired = (name for name in self.interfaces if not name.startswith(("wlan", "wifi")))
        return tuple(name for name in wired if name != self.wan_interface)


MODELS: tuple[Model, ...] = (
    Model("RBD52G-5HacD2HnD", "hAP ac²", "hAP ac^2", "arm", "ARM", 4, 716, 128, 16, 5,
          wireless=("wlan1", "wlan2"), firmware_type="ipq4000L"),
    Model("RB750Gr3", "hEX", "hEX", "mmips", "MIPS 1004Kc V2.15", 4, 880, 256, 16, 5,
          firmware_type="mt7621L"),
    Model("RB4011iGS+", "RB4011", "RB4011iGS+", "arm", "ARMv7", 4, 1400, 1024, 512, 10,
          sfp=("sfp-sfpplus1",), firmware_type="al2"),
    Model("RB4011iGS+RM", "RB4011 (rack)", "RB4011iGS+", "arm", "ARMv7", 4, 1400, 1024, 512, 10,
          sfp=("sfp-sfpplus1",), firmware_type="al2"),
    Model("RB5009UG+S+", "RB5009", "RB5009UG+S+", "arm64", "ARM64", 4, 1400, 1024, 1024, 8,
          sfp=("sfp-sfpplus1",), firmware_type="7040", factory_firmware="7.0.5"),
    Model("RB5009UG+S+IN", "RB5009", "RB5009UG+S+", "arm64", "ARM64", 4, 1400, 1024, 1024, 8,
          sfp=("sfp-sfpplus1",), firmware_type="7040", factory_firmware="7.0.5"),
    Model("CCR2004-1G-12S+2XS", "CCR2004", "CCR2004-1G-12S+2XS", "arm64", "ARM64", 4, 1700, 4096, 128, 1,
          sfp=(*(f"sfp-sfpplus{n}" for n in range(1, 13)), "sfp28-1", "sfp28-2"),
          firmware_type="al52400", factory_firmware="6.47"),
    Model("CCR2004-16G-2S+", "CCR2004-16G", "CCR2004-16G-2S+", "arm64", "ARM64", 4, 1700, 4096, 128, 16,
          sfp=("sfp-sfpplus1", "sfp-sfpplus2"), firmware_type="al52400", factory_firmware="6.47"),
    Model("L009UiGS-RM", "L009", "L009UiGS", "arm", "ARM", 2, 800, 512, 128, 8,
          sfp=("sfp1",), firmware_type="en7562", factory_firmware="7.9"),
    Model("L009UiGS-2HaxD-IN", "L009 (wireless)", "L009UiGS-2HaxD", "arm", "ARM", 2, 800, 512, 128, 8,
          sfp=("sfp1",), wireless=("wifi1",), firmware_type="en7562", factory_firmware="7.9"),
    Model("C52iG-5HaxD2HaxD", "hAP ax²", "hAP ax^2", "arm64", "ARM64", 4, 864, 1024, 128, 5,
          wireless=("wifi1", "wifi2"), firmware_type="ipq6000", factory_firmware="7.5"),
    Model("C53UiG+5HPaxD2HPaxD", "hAP ax³", "hAP ax^3", "arm64", "ARM64", 4, 1800, 1024, 128, 5,
          wireless=("wifi1", "wifi2"), firmware_type="ipq6000", factory_firmware="7.7"),
    Model("RBcAPGi-5acD2nD", "cAP ac", "cAP ac", "arm", "ARM", 4, 716, 128, 16, 2,
          wireless=("wlan1", "wlan2"), firmware_type="ipq4000L"),
)

_BY_MODEL = {m.model: m for m in MODELS}
_GENERIC = Model("generic", "RouterBOARD", "RouterBOARD", "arm", "ARM", 1, 800, 256, 128, 5)


def model_info(model: str) -> Model:
    """The facts for a model string; exact match, then a glob-free prefix match, then a generic 5-port board."""
    found = _BY_MODEL.get(model)
    if found is not None:
        return found
    for candidate in MODELS:
        if (model.startswith(candidate.model) or candidate.model.startswith(model)
                or fnmatch.fnmatch(candidate.model, model)):
            return candidate
    return _GENERIC
