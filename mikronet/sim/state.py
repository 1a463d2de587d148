"""The state of one simulated router and its life cycle, behind methods.

:class:`RouterState` is what every behaviour module (menus, scripts, the scheduler, upgrades, export)
works on: the configuration store, ``/file``, the log, the firmware and upgrade state, faults, timers
and the online/offline cycle. It imports none of those modules -- they import it -- so the package
has no import cycle: :class:`mikronet.sim.device.SimDevice` is a ``RouterState`` that
:mod:`mikronet.sim.build` composes with its menus, and it is the only module that knows them all.

Behaviour that reacts to the router's life reaches the state through hooks installed at build time
(:meth:`RouterState.install`): a factory for configuration menus, observers of configuration changes,
steps that run at each boot, and the ``/export`` writer. Nothing outside this module assigns its
fields; every change goes through a method, under the router's lock.

Life cycle: a router is ``online`` until a reboot (``/system/reboot``, an upgrade install, a backup
load, a reset); it then tells its listeners ``"offline"`` (servers drop their sessions and stop
accepting), stays away for the boot time, and comes back (``"online"``) with its uptime reset and
whatever the boot was for applied.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from mikronet.sim import messages as msg
from mikronet.sim.clock import Clock, ManualClock, TimerHandle
from mikronet.sim.formats import format_date
from mikronet.sim.menus import MenuTree, Request, split_command
from mikronet.sim.models import ModelProfile
from mikronet.sim.reply import CommandTrap, Reply
from mikronet.sim.settings import DeviceOptions, DeviceSpec, Faults
from mikronet.sim.store import ConfigStore, Item, Table
from mikronet.sim.versions import Behaviour, Version, behaviour_for, parse_version

if TYPE_CHECKING:
    from mikronet.sim.specs import PathSpec

__all__ = ["BuildHooks", "Listener", "RouterState", "file_type"]

LOG = logging.getLogger(__name__)

T = TypeVar("T")
Listener = Callable[[str], None]
"""Called with ``"offline"`` when the router goes away (reboot) and ``"online"`` when it is back."""

_REFERENCE_PATHS: Mapping[str, tuple[str, ...]] = {
    "interface": ("interface",),
    "interface-list": ("interface", "list"),
    "routing-table": ("routing", "table"),
}
"""Where the items a ``ref KIND`` property names live."""
_BUILTIN_NAMES: Mapping[str, frozenset[str]] = {
    "interface-list": frozenset({"all", "none", "dynamic", "static"}),
    "routing-table": frozenset({"main"}),
}


def file_type(name: str, major: int) -> str:
    """What ``/file print`` shows as ``type`` for a file of that name."""
    lower = name.lower()
    if lower.endswith(".backup"):
        return "backup"
    if lower.endswith(".npk"):
        return "package"
    if lower.endswith(".rsc"):
        return "script" if major >= 7 else ".rsc file"
    if "." in lower:
        return f".{lower.rsplit('.', 1)[1]} file"
    return "file"


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


class RouterState:
    """A simulated RouterOS router's state.

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
        "initial_result",
        "lock",
        "log",
        "mac_base",
        "options",
        "profile",
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

    # --- login ----------------------------------------------------------------------------------
    def authenticate(self, username: str, password: str) -> bool:
        """Whether ``username``/``password`` may log in (``user+ct80w`` options are the caller's business)."""
        with self.lock:
            if self.faults.wrong_password or not self._online:
                return False
            stored = self._user_password(username)
            return stored is not None and stored == password

    def authenticate_challenge(self, username: str, challenge: bytes, response: str) -> bool:
        """The pre-6.43 MD5 login: ``response`` is ``00`` + hex(MD5(0x00 + password + challenge))."""
        with self.lock:
            if self.faults.wrong_password or not self._online:
                return False
            stored = self._user_password(username)
            if stored is None:
                return False
            digest = hashlib.md5(b"\x00" + stored.encode("utf-8", "surrogateescape") + challenge).hexdigest()
            return response.lower() == "00" + digest

    def _user_password(self, username: str) -> str | None:
        for item in self.store.table(("user",)):
            if item.get("name") == username and item.get("disabled", "false") != "true":
                return item.get("password", "")
        return None

    # --- commands -------------------------------------------------------------------------------
    def call(
        self,
        command: str,
        args: Mapping[str, str],
        queries: Sequence[str] = (),
        *,
        user: str = "admin",
    ) -> Reply:
        """Run one command (an API command word) and return RouterOS's answer.

        ``args`` are attribute words without the leading ``=`` (``.proplist`` and ``.id`` included);
        a key starting with ``!`` unsets that property. The console calls this too, so both faces
        behave the same.
        """
        with self.lock:
            if not self._online:
                return Reply(disconnect=True)
            path, verb = split_command(command)
            try:
                handler = self._menus.resolve(path, verb)
                return handler(Request(path, verb, dict(args), tuple(queries), user))
            except CommandTrap as trap:
                return Reply(trap=trap.trap)

    def wants_empty(self, command: str, reply: Reply) -> bool:
        """Whether the API answers ``!empty`` before ``!done`` for this reply (7.18+, nothing to return)."""
        if reply.rows or reply.ret is not None or reply.trap is not None or reply.disconnect:
            return False
        if not self.behaviour.empty_replies:
            return False
        verb = split_command(command)[1]
        return verb in ("print", "getall") or self.options.empty_for_every_command

    def export(
        self,
        *,
        path: tuple[str, ...] | None = None,
        terse: bool = False,
        verbose: bool = False,
        show_sensitive: bool | None = None,
    ) -> str:
        """The configuration as ``/export`` prints it (header by version; CRLF is the console's business)."""
        with self.lock:
            exporter = self._hooks.exporter
            if exporter is None:
                return ""
            text: str = exporter(path=path, terse=terse, verbose=verbose, show_sensitive=show_sensitive)
            return text

    def has_named(self, kind: str, name: str) -> bool:
        """Whether an item of ``kind`` (``interface``, ``interface-list``…) with that name exists."""
        if name in ("none", "*0") or name.startswith("*"):
            return True
        if name in _BUILTIN_NAMES.get(kind, frozenset()):
            return True
        path = _REFERENCE_PATHS.get(kind, tuple(kind.replace("/", " ").split()))
        if path not in self._specs and path != ("interface",):
            return True  # a menu this version lacks (/routing table on v6): any name goes
        return any(item.get("name") == name for item in self.store.table(path))

    def config_changed(self, path: tuple[str, ...]) -> None:
        """Tell whoever reacts to configuration under ``path`` (the scheduler re-arms its timers, the
        fleet moves listeners when ``/ip service`` changes)."""
        for observer in self._hooks.observers.get(path, ()):
            observer()
        for listener in list(self._change_listeners):
            listener(path)

    def add_change_listener(self, callback: Callable[[tuple[str, ...]], None]) -> None:
        """Register ``callback(path)``, called after every configuration change (from any thread)."""
        with self.lock:
            self._change_listeners.append(callback)

    def remove_change_listener(self, callback: Callable[[tuple[str, ...]], None]) -> None:
        with self.lock:
            if callback in self._change_listeners:
                self._change_listeners.remove(callback)

    # --- the log ----------------------------------------------------------------------------------
    def log_event(self, topics: str, message: str) -> None:
        """Append to the router's log (``/log print``); the log does not survive a reboot, as on RouterOS."""
        with self.lock:
            moment = self.clock.wall()
            self.log.add({"time": format_date(moment, iso=self.behaviour.iso_dates), "topics": topics,
                          "message": message})
            if len(self.log) > 1000:
                self.log.remove(next(iter(self.log)))

    # --- files ----------------------------------------------------------------------------------
    def ensure_space(self, size: int) -> None:
        """Refuse a write of ``size`` bytes when the disk is full."""
        if self.faults.disk_full and size > 0:
            raise CommandTrap(msg.NOT_ENOUGH_DISK_SPACE, msg.CATEGORY_GENERAL)

    def write_file(self, name: str, contents: str, *, kind: str | None = None, size: int | None = None) -> Item:
        """Create or replace a file in ``/file`` (refused on a full disk). ``contents`` is text with
        bytes that are not UTF-8 kept as surrogates; ``size`` stands in for large binary files."""
        with self.lock:
            self.ensure_space(len(contents) if size is None else size)
            values = {
                "name": name,
                "type": kind or file_type(name, self._version.major),
                "contents": contents,
                "creation-time": format_date(self.clock.wall(), iso=self.behaviour.iso_dates),
            }
            if size is not None:
                values["size"] = str(size)
            existing = self.find_file(name)
            if existing is not None:
                existing.values = values
                return existing
            return self.files.add(values)

    def find_file(self, name: str) -> Item | None:
        with self.lock:
            wanted = name.lstrip("/")
            for item in self.files:
                if item.values.get("name") == wanted:
                    return item
            return None

    def remove_file(self, item: Item) -> None:
        with self.lock:
            self.files.remove(item)

    def snapshot_files(self) -> list[Item]:
        with self.lock:
            return list(self.files.items)

    def restore_files(self, items: list[Item]) -> None:
        with self.lock:
            self.files.items = list(items)

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
