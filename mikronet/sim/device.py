"""One simulated RouterOS router: its state and the single entry point both faces call.

The API server (:mod:`mikronet.sim.api`) and the SSH console (:mod:`mikronet.sim.ssh`) share one
behaviour through :meth:`SimDevice.call`: a command word (``/ip/address/print``), its arguments and
its queries go in, a :class:`~mikronet.sim.reply.Reply` comes out. State is kept apart from the wire:
nothing here knows about sockets. Time comes from a :class:`~mikronet.sim.clock.Clock`, so a test
moves it by hand.

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
from dataclasses import replace
from typing import TYPE_CHECKING

from mikronet.sim import messages as msg
from mikronet.sim.clock import Clock, ManualClock, TimerHandle
from mikronet.sim.menus import MenuTree, Request, split_command
from mikronet.sim.models import ModelProfile, profile_for
from mikronet.sim.reply import CommandTrap, Reply, Trap
from mikronet.sim.settings import DeviceOptions, DeviceSpec, Faults
from mikronet.sim.store import ConfigStore, Item, Table
from mikronet.sim.versions import Behaviour, Version, behaviour_for, parse_version

if TYPE_CHECKING:
    from mikronet.sim.config import ConfigMenu
    from mikronet.sim.specs import PathSpec
    from mikronet.sim.upgrade import UpdateState

__all__ = [
    "DeviceOptions",
    "DeviceSpec",
    "Faults",
    "Listener",
    "Reply",
    "SimDevice",
    "Trap",
]

LOG = logging.getLogger(__name__)

Listener = Callable[[str], None]
"""Called with ``"offline"`` when the router goes away (reboot) and ``"online"`` when it is back."""

_REFERENCE_PATHS: Mapping[str, tuple[str, ...]] = {
    "interface": ("interface",),
    "interface-list": ("interface", "list"),
    "routing-table": ("routing", "table"),
}
"""Where the items a ``ref KIND`` property names live."""


def _mac_base(serial: str) -> bytes:
    digest = hashlib.sha256(f"mac:{serial}".encode()).digest()
    return bytes((0x48, 0x8F, 0x5A)) + digest[:3]  # a MikroTik OUI


class SimDevice:
    """A simulated RouterOS router.

    Thread-safe: the fleet runs it on an event loop thread while tests poke it from theirs; every
    public method takes the device lock.
    """

    def __init__(
        self,
        spec: DeviceSpec,
        *,
        clock: Clock | None = None,
        options: DeviceOptions | None = None,
        initial_config: str | None = None,
    ) -> None:
        self.spec = spec
        self.options = options or DeviceOptions()
        self.clock: Clock = clock or ManualClock()
        self.faults = Faults()
        self.profile: ModelProfile = profile_for(spec.model)
        self.lock = threading.RLock()
        self._version = parse_version(spec.version)
        self.serial = spec.serial
        self.online = True
        self.booted_at = self.clock.monotonic()
        self.boot_count = 1
        self.store = ConfigStore()
        self.menus = MenuTree()
        self.config_menus: dict[tuple[str, ...], ConfigMenu] = {}
        self.specs: Mapping[tuple[str, ...], PathSpec] = {}
        self._listeners: list[Listener] = []
        self._timers: list[TimerHandle] = []
        self._pending_boot: list[Callable[[], None]] = []
        self.mac_base = _mac_base(spec.serial)
        self.channel = spec.channel
        self.firmware_current = spec.version if self.profile.routerboard else ""
        self.firmware_upgrade = self.firmware_current
        self.firmware_flashed = False
        self.files = Table(("file",))
        self.log = Table(("log",))
        self.tool_runs = 0
        self.update_state: UpdateState | None = None
        self.downgrade_requested = False
        self.scheduler_timers: dict[int, tuple[tuple[str, ...], TimerHandle]] = {}
        from mikronet.sim.build import build_device  # the composition of menus and factory state

        build_device(self, initial_config)

    # --- identity -------------------------------------------------------------------------------
    @property
    def version(self) -> str:
        """Bare RouterOS version (``7.14.3``)."""
        return str(self._version)

    @property
    def parsed_version(self) -> Version:
        return self._version

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

    def set_version(self, version: str) -> None:
        """Change the running version (what an install does after its reboot)."""
        from mikronet.sim.build import register_menus

        with self.lock:
            self._version = parse_version(version)
            if self.profile.routerboard:
                self.firmware_upgrade = version
            register_menus(self)

    def uptime_seconds(self) -> int:
        return int(self.clock.monotonic() - self.booted_at)

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
            if self.faults.wrong_password or not self.online:
                return False
            stored = self._user_password(username)
            return stored is not None and stored == password

    def authenticate_challenge(self, username: str, challenge: bytes, response: str) -> bool:
        """The pre-6.43 MD5 login: ``response`` is ``00`` + hex(MD5(0x00 + password + challenge))."""
        with self.lock:
            if self.faults.wrong_password or not self.online:
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
            if not self.online:
                return Reply(disconnect=True)
            path, verb = split_command(command)
            try:
                handler = self.menus.resolve(path, verb)
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
        from mikronet.sim.exporting import export_text

        with self.lock:
            return export_text(self, path=path, terse=terse, verbose=verbose, show_sensitive=show_sensitive)

    def export_command(self, request: Request, path: tuple[str, ...]) -> Reply:
        from mikronet.sim.exporting import export_command

        return export_command(self, request, path)

    def config_menu(self, path: tuple[str, ...]) -> ConfigMenu:
        """The configuration menu of ``path`` (built on first use); KeyError if the router has none."""
        menu = self.config_menus.get(path)
        if menu is None:
            from mikronet.sim.build import config_menu_for

            menu = self.config_menus[path] = config_menu_for(self, self.specs[path])
        return menu

    def has_named(self, kind: str, name: str) -> bool:
        """Whether an item of ``kind`` (``interface``, ``interface-list``…) with that name exists."""
        if name in ("none", "all", "*0") or name.startswith("*"):
            return True
        path = _REFERENCE_PATHS.get(kind, tuple(kind.replace("/", " ").split()))
        if kind == "routing-table" and name == "main":
            return True
        if path not in self.specs and path != ("interface",):
            return False
        return any(item.get("name") == name for item in self.store.table(path))

    def config_changed(self, path: tuple[str, ...]) -> None:
        """Hook for anything that reacts to configuration (the scheduler re-arms its timers)."""
        if path == ("system", "scheduler"):
            from mikronet.sim.scheduler import arm_scheduler

            arm_scheduler(self)

    def ensure_space(self, size: int) -> None:
        """Refuse a write of ``size`` bytes when the disk is full."""
        if self.faults.disk_full and size > 0:
            raise CommandTrap(msg.NOT_ENOUGH_DISK_SPACE, msg.CATEGORY_GENERAL)

    def write_file(self, name: str, contents: str, *, kind: str | None = None, size: int | None = None) -> Item:
        """Create or replace a file in ``/file`` (refused on a full disk)."""
        from mikronet.sim.files import write_file

        with self.lock:
            return write_file(self, name, contents, kind=kind, size=size)

    def find_file(self, name: str) -> Item | None:
        from mikronet.sim.files import find_file

        with self.lock:
            return find_file(self, name)

    # --- timers and reboots ---------------------------------------------------------------------
    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        """Arm a timer that dies with the current boot (a reboot cancels it)."""

        def run() -> None:
            with self.lock:
                if self.online:
                    callback()

        handle = self.clock.call_later(delay, run)
        self._timers.append(handle)
        return handle

    def reboot(self, *, install: bool = False, then: Callable[[], None] | None = None) -> None:
        """Go offline now, come back after the boot time (longer for an install), running ``then`` first."""
        with self.lock:
            if not self.online:
                return
            self.online = False
            for handle in self._timers:
                handle.cancel()
            self._timers.clear()
            self.scheduler_timers.clear()
            if then is not None:
                self._pending_boot.append(then)
            LOG.info("%s: rebooting%s", self.spec.router_id, " to install" if install else "")
        self._notify("offline")
        if self.faults.never_return:
            return
        from mikronet.sim.upgrade import package_version

        installing = install or package_version(self) is not None
        delay = self.options.install_boot_time if installing else self.options.boot_time
        self.clock.call_later(delay, self._come_back)

    def power_on(self) -> None:
        """Bring a router that never came back online again (a technician power-cycling it)."""
        self.faults.never_return = False
        if not self.online:
            self._come_back()

    def _come_back(self) -> None:
        with self.lock:
            if self.online or self.faults.never_return:
                return
            pending, self._pending_boot = self._pending_boot, []
            for step in pending:
                step()
            from mikronet.sim.upgrade import install_uploaded

            install_uploaded(self)
            if self.firmware_flashed:
                self.firmware_current = self.firmware_upgrade
                self.firmware_flashed = False
            self.booted_at = self.clock.monotonic()
            self.boot_count += 1
            self.online = True
            from mikronet.sim.scheduler import arm_scheduler

            arm_scheduler(self, booting=True)
            LOG.info("%s: up on %s", self.spec.router_id, self.version)
        self._notify("online")

    def with_options(self, **changes: object) -> None:
        """Change options in place (tests and fault injection)."""
        with self.lock:
            self.options = replace(self.options, **changes)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"<SimDevice {self.spec.router_id} {self.model} {self.version} {'up' if self.online else 'down'}>"
