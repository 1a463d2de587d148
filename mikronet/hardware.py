"""MikroTik models: the one hardware table and the one lookup the inventory, templates, reports and
simulated routers use.

The table is data (``mikronet/data/hardware.yaml``; its header names its sources and date, and
``mikronet/data/README.md`` says how it was made), keyed by the RouterOS model string -- what
``/system routerboard print`` shows as ``model`` and ``/export`` as ``# model =`` on current units
(``RB952Ui-5ac2nD``). Older units of some models print an older spelling (``RouterBOARD
952Ui-5ac2nD``, ``951Ui-2HnD``); those are the entry's ``model_strings``.

    find_model("hAP ac2")              # any spelling people or RouterOS use; None if unknown
    canonical_model("RB5009UG+S+IN")   # "RB5009UG+S+": the model string to record
    model_problem("hAP ac 4")          # "unknown router model ...; did you mean ...?" or None
    model_info("RBXYZ")                # the facts, else a generic 5-port board (templates still render)
    register_models(load_models(path)) # an inventory's own hardware file joins the same lookup
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

__all__ = [  # and MODELS, the table as a tuple (read on first use)
    "HardwareFileError",
    "Model",
    "Switch",
    "canonical_model",
    "find_model",
    "known_models",
    "load_models",
    "model_info",
    "model_problem",
    "parse_models",
    "register_models",
    "suggest_model",
]

_WIFI_PACKAGES = frozenset({"wireless", "wifi", "wifiwave2"})
_WIFI_STANDARDS = frozenset({"802.11n", "802.11ac", "802.11ax", "802.11be"})
_PORT = re.compile(
    r"(?:ether|sfp|sfp-sfpplus|sfp28-|qsfpplus\d+-|qsfp28-\d+-|combo|wlan|wifi|lte|60g|w60g|wlan60-)\d+(?:-\d+)?"
)
# Nominal figures for a model whose entry leaves them out (an inventory's own hardware file).
_ARCH_DEFAULTS: dict[str, tuple[str, int, int, int, int]] = {
    "smips": ("MIPS 24Kc V7.4", 1, 650, 32, 16),
    "mipsbe": ("MIPS 74Kc V4.12", 1, 720, 64, 16),
    "mmips": ("MIPS 1004Kc V2.15", 4, 880, 256, 16),
    "arm": ("ARMv7", 4, 800, 256, 16),
    "arm64": ("ARM64", 4, 1200, 1024, 128),
    "tile": ("tilegx", 9, 1200, 2048, 128),
    "ppc": ("e500v2", 1, 800, 512, 512),
    "x86_64": ("QEMU", 1, 2000, 1024, 128),
}


class HardwareFileError(ValueError):
    """A hardware entry that cannot be used: ``field`` is its path (``models[3].ports``)."""

    def __init__(self, message: str, field: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Switch:
    """A switch chip: ``/interface ethernet switch`` name and type, and the ports wired to it."""

    name: str
    type: str
    ports: tuple[str, ...]


@dataclass(frozen=True)
class Model:
    model: str                 # /system routerboard model on current units, e.g. "RBD52G-5HacD2HnD"
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
    product: str = ""          # product code when it differs from the model string (RB5009UG+S+IN)
    aliases: tuple[str, ...] = ()
    routerboard: bool = True   # False for CHR/x86: no /system routerboard
    model_strings: tuple[str, ...] = ()
    """Other model strings units of this model print (older units: ``RouterBOARD 941-2nD``)."""
    throughput_mbps: int | None = None
    """MikroTik's published test result "Routing, 25 ip filter rules, 1518 byte" in Mbit/s."""
    throughput_source: str = ""
    port_mbps: int = 1000
    """The fastest copper ethernet port: 100, 1000, 2500, 10000 (0: none)."""
    wifi_standard: str | None = None  # "802.11n", "802.11ac", "802.11ax" or None
    usb: bool = False
    v7_only: bool = False
    """Runs RouterOS 7 only (its radios need the wifi packages, or it shipped with 7)."""
    sources: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    """Where each group of facts came from: ``(("ports", "netbox ..."), ...)``."""
    local: str = ""
    """The file of an inventory's own hardware entry ("" for the table's)."""

    @property
    def interfaces(self) -> tuple[str, ...]:
        """Factory interface names in RouterOS order."""
        return self.ports

    @property
    def ethernet(self) -> int:
        return sum(1 for name in self.ports if name.startswith("ether"))

    @property
    def sfp(self) -> tuple[str, ...]:
        return tuple(name for name in self.ports if name.startswith(("sfp", "combo", "qsfp")))

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


def _strings(entry: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = entry.get(key) or ()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise HardwareFileError(f"{key} must be a list", (key,))
    return tuple(str(v) for v in value)


def _model(entry: Mapping[str, Any], local: str = "", sources: Mapping[str, str] | None = None) -> Model:
    """One entry as a :class:`Model`; :class:`HardwareFileError` names the field that is wrong."""
    for key in ("model", "architecture", "ports"):
        if not entry.get(key):
            raise HardwareFileError(f"{key} is required", (key,))
    ports = _strings(entry, "ports")
    for index, port in enumerate(ports):
        if not _PORT.fullmatch(port):
            raise HardwareFileError(
                f"{port!r} is not a RouterOS factory interface name (ether1, sfp1, sfp-sfpplus1, combo1, wlan1, "
                "wifi1, lte1)", ("ports", index))
    if len(set(ports)) != len(ports):
        raise HardwareFileError("a port is listed twice", ("ports",))
    architecture = str(entry["architecture"])
    cpu, cores, mhz, memory, storage = _ARCH_DEFAULTS.get(architecture, ("unknown", 1, 800, 256, 16))
    package = entry.get("wifi_package")
    if package in (None, "none"):
        package = None
    elif package not in _WIFI_PACKAGES:
        raise HardwareFileError(f"wifi_package {package!r}: one of wireless, wifi, wifiwave2, none", ("wifi_package",))
    radios = [p for p in ports if p.startswith(("wlan", "wifi"))]
    if radios and package is None:
        package = "wifi" if radios[0].startswith("wifi") else "wireless"
    standard = entry.get("wifi_standard")
    if standard is not None and standard not in _WIFI_STANDARDS:
        raise HardwareFileError(f"wifi_standard {standard!r}: one of {', '.join(sorted(_WIFI_STANDARDS))}",
                                ("wifi_standard",))
    poe = _strings(entry, "poe_out")
    if not set(poe) <= set(ports):
        raise HardwareFileError("poe_out names a port the model does not have", ("poe_out",))
    switches = tuple(
        Switch(str(s["name"]), str(s["type"]), tuple(str(p) for p in s.get("ports") or ()))
        for s in entry.get("switches") or ()
    )
    throughput = entry.get("throughput_mbps")
    copper = [p for p in ports if p.startswith("ether")]
    keys = entry.get("source") or {}
    return Model(
        model=str(entry["model"]),
        name=str(entry.get("name") or entry["model"]),
        board_name=str(entry.get("board_name") or entry.get("name") or entry["model"]),
        architecture=architecture,
        cpu=str(entry.get("cpu", cpu)),
        cpu_count=int(entry.get("cpu_count", cores)),
        cpu_frequency_mhz=int(entry.get("cpu_frequency_mhz", mhz)),
        memory_mib=int(entry.get("memory_mib", memory)),
        storage_mib=int(entry.get("storage_mib", storage)),
        ports=ports,
        wifi_package=package,
        wifi_alternative=entry.get("wifi_alternative"),
        poe_out=poe,
        switches=switches,
        firmware_type=str(entry.get("firmware_type", "")),
        factory_firmware=str(entry.get("factory_firmware", "")),
        product=str(entry.get("product", "")),
        aliases=_strings(entry, "aliases"),
        routerboard=bool(entry.get("routerboard", True)),
        model_strings=_strings(entry, "model_strings"),
        throughput_mbps=int(throughput) if throughput is not None else None,
        throughput_source=str(entry.get("throughput_source", "")),
        port_mbps=int(entry.get("port_mbps", 1000 if copper else 0)),
        wifi_standard=standard,
        usb=bool(entry.get("usb", False)),
        v7_only=bool(entry.get("v7_only", package == "wifi")),
        sources=tuple((str(k), str((sources or {}).get(str(v), v))) for k, v in keys.items()),
        local=local,
    )


def parse_models(data: Any, local: str = "") -> tuple[Model, ...]:
    """The models of a hardware document (``{models: [...]}``); errors name ``models[i].field``."""
    if not isinstance(data, Mapping) or not isinstance(data.get("models"), list):
        raise HardwareFileError("a hardware file is a mapping with a 'models' list", ("models",))
    sources = data.get("sources") or {}
    out: list[Model] = []
    for index, entry in enumerate(data["models"]):
        if not isinstance(entry, Mapping):
            raise HardwareFileError("each model is a mapping", ("models", index))
        try:
            out.append(_model(entry, local, sources))
        except HardwareFileError as error:
            raise HardwareFileError(error.message, ("models", index, *error.field)) from None
        except (TypeError, ValueError, KeyError) as error:
            raise HardwareFileError(f"bad value: {error}", ("models", index)) from None
    return tuple(out)


def load_models(path: Path) -> tuple[Model, ...]:
    """The models of an inventory's own hardware file (same fields as the table)."""
    return parse_models(yaml.safe_load(path.read_text(encoding="utf-8")), local=str(path))


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser reads the table 5x faster


@functools.cache
def known_models() -> tuple[Model, ...]:
    """Every model of the table, in its order (read once, when first needed, from ``data/hardware.yaml``)."""
    text = resources.files("mikronet").joinpath("data/hardware.yaml").read_text(encoding="utf-8")
    return parse_models(yaml.load(text, Loader=_Loader))  # a safe loader, C or Python


def __getattr__(name: str) -> Any:
    if name == "MODELS":  # the table as a tuple, for callers that iterate it; read on first use
        return known_models()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

_GENERIC = Model("generic", "RouterBOARD", "RouterBOARD", "arm", "ARM", 1, 800, 256, 128)
_LOCAL: dict[str, Model] = {}
_SUPERSCRIPTS = str.maketrans({"²": "2", "³": "3", "^": ""})
# Order and region suffixes of product codes and the revision RouterOS appends: RB5009UG+S+IN,
# L009UiGS-RM, RB941-2nD-TC, RBD52G-5HacD2HnD-TCr2, CRS305-1G-4S+OUT, CCR2004-16G-2S+PC.
_SUFFIX = re.compile(r"(?:-(?:tc|in|rm|eu|us|pc|out|ea|bg|lv)|(?<=\+)(?:in|rm|pc|out)|r\d)$", re.IGNORECASE)


def _key(text: str) -> str:
    """Spelling-insensitive form: case, spaces, dashes, ``²``/``^2`` and a ``RouterBOARD``/``RB`` prefix."""
    key = text.translate(_SUPERSCRIPTS).casefold().strip()
    key = re.sub(r"^routerboard\s*", "", key)
    key = re.sub(r"^rb(?=[\w])", "", key)
    return re.sub(r"[\s_\-()]+", "", key)


def _spellings(model: Model) -> Iterable[str]:
    yield from (model.model, *model.model_strings, model.product, model.name, model.board_name, *model.aliases)


@functools.cache
def _table_index() -> dict[str, Model]:
    index: dict[str, Model] = {}
    for model in known_models():
        for spelling in _spellings(model):
            if spelling:
                index.setdefault(_key(spelling), model)
    return index


def _models() -> tuple[Model, ...]:
    return (*known_models(), *_LOCAL.values())


def _index() -> dict[str, Model]:
    if not _LOCAL:
        return _table_index()
    index = dict(_table_index())
    for model in _LOCAL.values():
        for spelling in _spellings(model):
            if spelling:
                index.setdefault(_key(spelling), model)
    return index


def register_models(models: Iterable[Model]) -> None:
    """Add an inventory's own models to the lookup (for this process). A model the table already
    has, or one another file described with other facts, is refused with :class:`HardwareFileError`."""
    for model in models:
        known = _table_index().get(_key(model.model))
        if known is not None:
            raise HardwareFileError(f"{model.model!r} is already in mikronet's hardware table (as {known.model!r})")
        earlier = _LOCAL.get(model.model)
        if earlier is not None and earlier.local != model.local and earlier != model:
            raise HardwareFileError(f"{model.model!r} is already described differently in {earlier.local}")
        _LOCAL[model.model] = model  # the same file read again (edited since) replaces its models


def find_model(text: str) -> Model | None:
    """The model ``text`` names, case-insensitively: the RouterOS model string in any spelling units
    print (``RB952Ui-5ac2nD``, ``RouterBOARD 952Ui-5ac2nD``, ``951Ui-2HnD``), a product code with
    its suffixes (``RB5009UG+S+IN``, ``L009UiGS-RM``, ``RB941-2nD-TC``, ``RBD52G-5HacD2HnD-TCr2``),
    the product name (``hAP ac²``, also ``hAP ac2``), an alias or the board name; a kit's
    ``board&modem`` string (``L41G-2axD&FG621-EA``) as its board when the kit is not listed; None if unknown."""
    if not text or not text.strip():
        return None
    index = _index()
    whole = text.strip()
    for candidate in dict.fromkeys((whole, whole.partition("&")[0].strip())):  # a kit: board&modem
        while candidate:
            found = index.get(_key(candidate))
            if found is not None:
                return found
            shorter = _SUFFIX.sub("", candidate)
            if shorter == candidate:
                break
            candidate = shorter
    return None


def canonical_model(text: str) -> str | None:
    """The model string to record for ``text`` (the table's), or None for an unknown model."""
    found = find_model(text)
    return found.model if found is not None else None


def suggest_model(text: str, limit: int = 3) -> list[str]:
    """The model strings nearest to ``text`` (for "did you mean"), best first; empty if none is near."""
    wanted = _key(text)
    if not wanted:
        return []
    best: dict[str, float] = {}
    for model in _models():
        for spelling in _spellings(model):
            if not spelling:
                continue
            key = _key(spelling)
            score = difflib.SequenceMatcher(None, wanted, key).ratio()
            if key.startswith(wanted) or wanted.startswith(key):
                score = max(score, 0.6 + 0.4 * min(len(key), len(wanted)) / max(len(key), len(wanted)))
            best[model.model] = max(best.get(model.model, 0.0), score)
    ranked = sorted((m for m, s in best.items() if s >= 0.6), key=lambda m: (-best[m], m))
    return ranked[:limit]


def model_problem(text: str) -> str | None:
    """Why ``text`` is not a known model (with the nearest models), or None if it is one."""
    if find_model(text) is not None:
        return None
    near = suggest_model(text)
    if near:
        names = {m.model: m.name for m in _models()}
        quoted = " or ".join(f"{m!r} ({names[m]})" if names.get(m, m) != m else repr(m) for m in near)
        hint = f"; did you mean {quoted}?"
    else:
        hint = ""
    return (f"unknown router model {text!r}{hint} (describe a model mikronet does not know in a hardware "
            "file the inventory declares with 'hardware:', see inventory/README.md)")


def model_info(model: str) -> Model:
    """The facts for a model string: :func:`find_model`, then a prefix match, else a generic 5-port
    board (templates still render for a model nobody described)."""
    found = find_model(model)
    if found is not None:
        return found
    for candidate in _models():
        if model.startswith(candidate.model) or candidate.model.startswith(model):
            return candidate
    return _GENERIC
