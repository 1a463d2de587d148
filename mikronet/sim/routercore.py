"""The core of a simulated router's state: its parts, identity, firmware, faults and life cycle.

:class:`RouterCore` holds what every router has (the configuration store, ``/file``, the log, the
clock, the lock, the menus and hooks its build installed) and runs the online/offline cycle: a router
is ``online`` until a reboot (``/system/reboot``, an upgrade install, a backup load, a reset); it then
tells its listeners ``"offline"`` (servers drop their sessions and stop accepting), stays away for
the boot time, and comes back (``"online"``) with its uptime reset and whatever the boot was for
applied. :class:`mikronet.sim.state.RouterState` adds what clients do with it (log in, run commands,
export, files). Nothing outside these two modules assigns their fields.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from mikronet.sim.clock import Clock, ManualClock, TimerHandle
from mikronet.sim.menus import MenuTree
from mikronet.sim.models import ModelProfile
from mikronet.sim.settings import DeviceOptions, DeviceSpec, Faults
from mikronet.sim.store import ConfigStore, Table
from mikronet.sim.versions import Behaviour, Version, behaviour_for, parse_version

if TYPE_CHECKING:
    from mikronet.sim.specs import PathSpec

__all__ = ["BuildHooks", "Listener", "RouterCore"]

LOG = logging.getLogger(__name__)

T = TypeVar("T")
Listener = Callable[[str], None]
"""Called with ``"offline"`` when the router goes away (reboot) and ``"online"`` when it is back."""

def _mac_base(serial: str) -> bytes:
    digest = hashlib.sha256(f"mac:{serial}".encode()).digest()
    return bytes((0x48, 0x8F, 0x5A)) + digest[:3]  # a MikroTik OUI


@dataclass
class BuildHooks:
    """What the composition root gives a router so that its state can reach its behaviour."""

    menu_factory: Callable[[PathSpec], Any] | None = None
    """Builds the configuration menu (:class:`mikronet.sim.config.ConfigMenu`) of a path."""
    rebuild: Callable[[], None] | None = None
    """Rebuilds every menu for the running version (after an upgrade)."""
    exporter: Callable[..., str] | None = None
    """``/export`` text: ``exporter(path=, terse=, verbose=, show_sensitive=)``."""
    observers: dict[tuple[str, ...], list[Callable[[], None]]] = field(default_factory=dict)
    """Called after a change under the path (the scheduler re-arms its timers)."""
    boot_steps: list[Callable[[], None]] = field(default_factory=list)
    """Run at each boot, before the router is online (install uploaded packages)."""
    after_boot: list[Callable[[], None]] = field(default_factory=list)
    """Run once the router is online again (arm the scheduler's start-up entries)."""
    boot_delay: Callable[[bool], float] | None = None
    """Seconds a reboot takes, given whether it installs packages."""


class RouterCore:
    """A simulated RouterOS router's parts and life cycle.

    Thread-safe: the fleet runs it on an event loop thread while tests poke it from theirs; every
    public method takes the router's lock.
    """

    __slots__ = (
        "__dict__",  # a test may still patch a method on one router
        "_boot_count",
        "_booted_at",
        "_change_listeners",
        "_channel",
        "_config_menus",
        "_downgrade_requested",
        "_extensions",
        "_firmware_current",
        "_firmware_flashed",
        "_firmware_upgrade",
        "_hooks",
        "_listeners",
        "_menus",
        "_online",
        "_pending_boot",
        "_serial",
        "_specs",
        "_timers",
        "_tool_runs",
        "_version",
        "clock",
        "faults",
        "files",
        "gate",
        "initial_result",
        "lock",
        "log",
        "mac_base",
        "options",
        "profile",
        "signed_certificates",
        "spec",
        "store",
    )

    def __init__(
        self,
        spec: DeviceSpec,
        profile: ModelProfile,
        *,
        clock: Clock | None = None,
        options: DeviceOptions | None = None,
    ) -> None:
        self.spec = spec
        self.options = options or DeviceOptions()
        self.clock: Clock = clock or ManualClock()
        self.faults = Faults()
        self.signed_certificates: set[str] = set()
        """Names of the certificates the router signed itself (``/certificate sign``)."""
        self.gate: Callable[[str], Awaitable[None]] | None = None
        """A test seam: awaited with each command (its API word, or its console line) before the router
        runs it, so a test can hold a router at an exact point of a conversation (an interrupted push)."""
        self.profile = profile
        self.lock = threading.RLock()
        self.store = ConfigStore()
        self.files = Table(("file",))
        self.log = Table(("log",))
        self.mac_base = _mac_base(spec.serial)
        self._version = parse_version(spec.version)
        self._serial = spec.serial
        self._online = True
        self._booted_at = self.clock.monotonic()
        self._boot_count = 1
        self._menus = MenuTree()
        self._specs: Mapping[tuple[str, ...], PathSpec] = {}
        self._config_menus: dict[tuple[str, ...], Any] = {}
        self._hooks = BuildHooks()
        self._listeners: list[Listener] = []
        self._change_listeners: list[Callable[[tuple[str, ...]], None]] = []
        self._timers: list[TimerHandle] = []
        self._pending_boot: list[Callable[[], None]] = []
        self._channel = spec.channel
        self._firmware_current = spec.version if profile.routerboard else ""
        self._firmware_upgrade = self._firmware_current
        self._firmware_flashed = False
        self._downgrade_requested = False
        self._tool_runs = 0
        self._extensions: dict[str, Any] = {}
        self.initial_result: Any = None
        """What loading the initial configuration refused (:class:`mikronet.sim.scripting.ScriptResult`)."""

    # --- composition ------------------------------------------------------------------------------
    def install(self, specs: Mapping[tuple[str, ...], PathSpec], menus: MenuTree, hooks: BuildHooks) -> None:
        """Put the menus and hooks of the running version in place (at build and after an upgrade)."""
        with self.lock:
            self._specs = specs
            self._menus = menus
            self._config_menus = {}
            self._hooks = hooks

    @property
    def menus(self) -> MenuTree:
        return self._menus

    @property
    def specs(self) -> Mapping[tuple[str, ...], PathSpec]:
        """The configuration paths this router serves, by path."""
        return self._specs

    def config_menu(self, path: tuple[str, ...]) -> Any:
        """The configuration menu of ``path`` (built on first use); KeyError if the router has none."""
        menu = self._config_menus.get(path)
        if menu is None:
            factory = self._hooks.menu_factory
            if factory is None:
                raise KeyError(path)
            menu = self._config_menus[path] = factory(self._specs[path])
        return menu

    def extension(self, name: str, factory: Callable[[], T]) -> T:
        """State a behaviour module keeps for this router (the upgrade memory, armed scheduler
        entries), created by ``factory`` on first use; a reboot does not clear it."""
        with self.lock:
            found = self._extensions.get(name)
            if found is None:
                found = self._extensions[name] = factory()
            return found

    # --- identity ---------------------------------------------------------------------------------
    @property
    def version(self) -> str:
        """Bare RouterOS version (``7.14.3``)."""
        return str(self._version)

    @property
    def parsed_version(self) -> Version:
        return self._version

    @property
    def serial(self) -> str:
        return self._serial

    @property
    def packages(self) -> frozenset[str]:
        """Extra packages installed (RouterOS 7; v6 bundles everything): the model's own and those
        the spec names."""
        if self._version.major < 7:
            return frozenset()
        return frozenset(self.profile.extra_packages(self._version.major)) | frozenset(self.spec.packages)

    @property
    def model(self) -> str:
        return self.profile.model

    @property
    def board_name(self) -> str:
        return self.profile.board_name

    @property
    def identity(self) -> str:
        table = self.store.table(("system", "identity"), singleton=True)
        return table.single().get("name", "MikroTik") or "MikroTik"

    @property
    def behaviour(self) -> Behaviour:
        return self.options.behaviour or behaviour_for(self._version)

    @property
    def channel(self) -> str:
        return self._channel

    def set_channel(self, channel: str) -> None:
        with self.lock:
            self._channel = channel

    @property
    def online(self) -> bool:
        return self._online

    @property
    def boot_count(self) -> int:
        return self._boot_count

    def set_version(self, version: str) -> None:
        """Change the running version (what an install does after its reboot)."""
        with self.lock:
            self._version = parse_version(version)
            if self.profile.routerboard:
                self._firmware_upgrade = version
            if self._hooks.rebuild is not None:
                self._hooks.rebuild()

    def uptime_seconds(self) -> int:
        return int(self.clock.monotonic() - self._booted_at)

    # --- firmware, tools, faults ----------------------------------------------------------------
    @property
    def firmware_current(self) -> str:
        return self._firmware_current

    @property
    def firmware_upgrade(self) -> str:
        return self._firmware_upgrade

    @property
    def firmware_flashed(self) -> bool:
        return self._firmware_flashed

    def flash_firmware(self) -> bool:
        """``/system routerboard upgrade``: the new firmware takes effect at the next boot; False
        when there is nothing newer to flash."""
        with self.lock:
            if self._firmware_current == self._firmware_upgrade:
                return False
            self._firmware_flashed = True
            return True

    def request_downgrade(self) -> None:
        with self.lock:
            self._downgrade_requested = True

    def take_downgrade(self) -> bool:
        """Whether a downgrade was asked for (and forget it)."""
        with self.lock:
            asked, self._downgrade_requested = self._downgrade_requested, False
            return asked

    @property
    def tool_runs(self) -> int:
        return self._tool_runs

    def next_tool_run(self) -> int:
        """Count one more tool run (``/execute``, a bandwidth test) and return its number."""
        with self.lock:
            self._tool_runs += 1
            return self._tool_runs

    def set_fault(self, attribute: str, on: bool = True) -> None:
        """Switch one :class:`Faults` attribute (``hang``, ``never_return``…)."""
        if not hasattr(self.faults, attribute):
            raise AttributeError(f"no fault {attribute!r}")
        with self.lock:
            setattr(self.faults, attribute, on)
            if attribute == "never_return" and not on:
                self.power_on()

    def set_serial(self, serial: str) -> None:
        """A swapped router: the same configuration on new hardware."""
        with self.lock:
            self._serial = serial

    def with_options(self, **changes: object) -> None:
        """Change options in place (tests and fault injection)."""
        with self.lock:
            self.options = replace(self.options, **changes)  # type: ignore[arg-type]

    # --- listeners ------------------------------------------------------------------------------
    def add_listener(self, callback: Listener) -> None:
        """Register ``callback(event)``; ``event`` is ``"offline"`` or ``"online"``."""
        with self.lock:
            self._listeners.append(callback)

    def remove_listener(self, callback: Listener) -> None:
        with self.lock:
            if callback in self._listeners:
                self._listeners.remove(callback)

    def _notify(self, event: str) -> None:
        for callback in list(self._listeners):
            try:
                callback(event)
            except Exception:  # a broken listener must not stop the router
                LOG.exception("%s: listener failed on %s", self.spec.router_id, event)

    # --- timers and reboots ---------------------------------------------------------------------
    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        """Arm a timer that dies with the current boot (a reboot cancels it)."""

        def run() -> None:
            with self.lock:
                if self._online:
                    callback()

        handle = self.clock.call_later(delay, run)
        self._timers.append(handle)
        return handle

    def reboot(self, *, install: bool = False, then: Callable[[], None] | None = None) -> None:
        """Go offline now, come back after the boot time (longer for an install), running ``then`` first."""
        with self.lock:
            if not self._online:
                return
            self._online = False
            for handle in self._timers:
                handle.cancel()
            self._timers.clear()
            if then is not None:
                self._pending_boot.append(then)
            LOG.info("%s: rebooting%s", self.spec.router_id, " to install" if install else "")
        self._notify("offline")
        if self.faults.never_return:
            return
        delay_of = self._hooks.boot_delay
        delay = delay_of(install) if delay_of is not None else self.options.boot_time
        self.clock.call_later(delay, self._come_back)

    def power_on(self) -> None:
        """Bring a router that never came back online again (a technician power-cycling it)."""
        self.faults.never_return = False
        if not self._online:
            self._come_back()

    def _come_back(self) -> None:
        with self.lock:
            if self._online or self.faults.never_return:
                return
            pending, self._pending_boot = self._pending_boot, []
            for step in pending:
                step()
            for step in list(self._hooks.boot_steps):
                step()
            if self._firmware_flashed:
                self._firmware_current = self._firmware_upgrade
                self._firmware_flashed = False
            self._booted_at = self.clock.monotonic()
            self._boot_count += 1
            self._online = True
            for step in list(self._hooks.after_boot):
                step()
            LOG.info("%s: up on %s", self.spec.router_id, self.version)
        self._notify("online")

    def __repr__(self) -> str:
        state = "up" if self._online else "down"
        return f"<{type(self).__name__} {self.spec.router_id} {self.model} {self.version} {state}>"
