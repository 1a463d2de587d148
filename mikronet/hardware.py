"""RouterBOARD models: the facts a template, the inventory, the reports and the simulated routers need.

The table is data (``mikronet/data/hardware.yaml``, with its sources and the date it was checked),
keyed by the RouterOS model string (what ``/system routerboard`` prints as ``model``): the product
name, board name, architecture, CPU, memory, storage, factory ports, wireless package, PoE-out ports
and switch chips. Templates use the port layout to know which ports form the school LAN; simulated
routers build their factory interfaces and hardware menus from it.

    model_info("RBD52G-5HacD2HnD")   # exact or prefix match, else a generic 5-port board
    find_model("hAP ac2")            # model string, product code, name or board name; None if unknown
    suggest_model("hAP ac 2")        # ["RBD52G-5HacD2HnD"]: "did you mean"
    known_models()                   # every model in the table
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

__all__ = ["MODELS", "Model", "Switch", "find_model", "known_models", "model_info", "suggest_model"]

_WIFI_PACKAGES = frozenset({"wireless", "wifi", "wifiwave2"})


@dataclass(frozen=True)
class Switch:
    """A switch chip: ``/interface ethernet switch`` name and type, and the ports wired to it."""

    name: str
    type: str
    ports: tuple[str, ...]


@dataclass(frozen=True)
class Model:
    model: str                 # /system routerboard model, e.g. "RBD52G-5HacD2HnD"
    name: str                  # product name, e.g. "hAP ac²"
    board_name: str            # /system resource board-name, e.g. "hAP ac^2"
    architecture: str          # architecture-name
    cpu: str
    cpu_count: int
    cpu_frequency_mhz: int
    memory_mib: int
    storage_mib: int
    ports: tuple[str, ...] = ("ether1", "ether2", "ether3", "ether4", "ether5")
    wifi_package: str | None = None   # wireless | wifi | wifiwave2 | None
    wifi_alternative: str | None = None  # a package RouterOS 7 may run instead (wifi-qcom-ac)
    poe_out: tuple[str, ...] = ()
    switches: tuple[Switch, ...] = ()
    firmware_type: str = ""
    factory_firmware: str = "6.45.9"
    product: str = ""          # product code when it differs from the model string (RB941-2nD)
    aliases: tuple[str, ...] = ()
    routerboard: bool = True   # False for CHR/x86: no /system routerboard
    throughput_mbps: int | None = None  # published routing throughput (None: not in the table)
    throughput_source: str = ""       # where that figure (or the port speed) comes from
    port_mbps: int = 1000             # speed of its wired ports (100: Fast Ethernet)
    wifi_standard: str | None = None  # newest 802.11 standard of its radios (802.11n, 802.11ac, 802.11ax)

    @property
    def interfaces(self) -> tuple[str, ...]:
        """Factory interface names in RouterOS order."""
        return self.ports

    @property
    def ethernet(self) -> int:
        return sum(1 for name in self.ports if name.startswith("ether"))

    @property
    def sfp(self) -> tuple[str, ...]:
        return tuple(name for name in self.ports if name.startswith(("sfp", "combo")))

    @property
    def wireless(self) -> tuple[str, ...]:
        return tuple(name for name in self.ports if name.startswith(("wlan", "wifi")))

    @property
    def wan_interface(self) -> str:
        return "ether1"

    @property
    def lan_interfaces(self) -> tuple[str, ...]:
        """Every wired port but the WAN port, as the school gateway template bridges them."""
        wired = (name for name in self.ports if not name.startswith(("wlan", "wifi", "lte")))
        return tuple(name for name in wired if name != self.wan_interface)


def _model(entry: dict[str, Any]) -> Model:
    package = entry.get("wifi_package")
    if package not in _WIFI_PACKAGES:
        package = None
    switches = tuple(
        Switch(str(s["name"]), str(s["type"]), tuple(str(p) for p in s.get("ports") or ()))
        for s in entry.get("switches") or ()
    )
    return Model(
        model=str(entry["model"]),
        name=str(entry["name"]),
        board_name=str(entry["board_name"]),
        architecture=str(entry["architecture"]),
        cpu=str(entry["cpu"]),
        cpu_count=int(entry["cpu_count"]),
        cpu_frequency_mhz=int(entry["cpu_frequency_mhz"]),
        memory_mib=int(entry["memory_mib"]),
        storage_mib=int(entry["storage_mib"]),
        ports=tuple(str(p) for p in entry["ports"]),
        wifi_package=package,
        wifi_alternative=entry.get("wifi_alternative"),
        poe_out=tuple(str(p) for p in entry.get("poe_out") or ()),
        switches=switches,
        firmware_type=str(entry.get("firmware_type", "")),
        factory_firmware=str(entry.get("factory_firmware", "")),
        product=str(entry.get("product", "")),
        aliases=tuple(str(a) for a in entry.get("aliases") or ()),
        routerboard=bool(entry.get("routerboard", True)),
        throughput_mbps=None if entry.get("throughput_mbps") is None else int(entry["throughput_mbps"]),
        throughput_source=str(entry.get("throughput_source") or ""),
        port_mbps=int(entry.get("port_mbps") or 1000),
        wifi_standard=None if entry.get("wifi_standard") is None else str(entry["wifi_standard"]),
    )


@functools.cache
def known_models() -> tuple[Model, ...]:
    """Every model of the table, in its order (read once from ``data/hardware.yaml``)."""
    text = resources.files("mikronet").joinpath("data/hardware.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return tuple(_model(entry) for entry in data["models"])


MODELS: tuple[Model, ...] = known_models()
"""The table as a tuple (kept for callers that iterate it)."""

_BY_MODEL = {m.model: m for m in MODELS}
_GENERIC = Model("generic", "RouterBOARD", "RouterBOARD", "arm", "ARM", 1, 800, 256, 128)
_SUPERSCRIPTS = str.maketrans({"²": "2", "³": "3", "^": ""})
_REGION = re.compile(r"(?:-(?:tc|in|rm|eu|us|pc|out))+(?:r\d+)?$|r\d+$")


def _key(text: str) -> str:
    """Spelling-insensitive form: case, spaces, dashes, ``²``/``^2`` and a ``RouterBOARD``/``RB`` prefix."""
    key = text.translate(_SUPERSCRIPTS).casefold().strip()
    key = re.sub(r"^routerboard\s*", "", key)
    key = re.sub(r"^rb(?=\d)", "", key)
    return re.sub(r"[\s_-]+", "", key)


@functools.cache
def _index() -> dict[str, Model]:
    index: dict[str, Model] = {}
    for model in MODELS:
        for spelling in (model.model, model.product, model.name, model.board_name, *model.aliases):
            if spelling:
                index.setdefault(_key(spelling), model)
    return index


def find_model(text: str) -> Model | None:
    """The model ``text`` names -- the RouterOS model string (``RBD52G-5HacD2HnD``, also with a
    regional or revision suffix such as ``-TC`` or ``r2``), the product code, the product name
    (``hAP ac²``, also typed ``hAP ac2``) or the board name -- case-insensitively; None if unknown."""
    if not text or not text.strip():
        return None
    index = _index()
    found = index.get(_key(text))
    if found is not None:
        return found
    stripped = _REGION.sub("", text.strip().casefold())
    return index.get(_key(stripped))


def suggest_model(text: str, limit: int = 3) -> list[str]:
    """Model strings whose spellings are close to ``text`` (for "did you mean"), best first."""
    index = _index()
    close = difflib.get_close_matches(_key(text), list(index), n=limit * 3, cutoff=0.6)
    out: list[str] = []
    for key in close:
        model = index[key].model
        if model not in out:
            out.append(model)
    return out[:limit]


def model_info(model: str) -> Model:
    """The facts for a model string: exact match, :func:`find_model`, then a prefix match, else a
    generic 5-port board (templates still render for a model nobody described)."""
    found = _BY_MODEL.get(model) or find_model(model)
    if found is not None:
        return found
    for candidate in MODELS:
        if model.startswith(candidate.model) or candidate.model.startswith(model):
            return candidate
    return _GENERIC
