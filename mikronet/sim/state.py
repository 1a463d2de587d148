"""The state of one simulated router, behind methods: what clients and behaviour do with it.

:class:`RouterState` is what every behaviour module (menus, scripts, the scheduler, upgrades, export)
works on: on top of :class:`~mikronet.sim.routercore.RouterCore` (the parts, firmware, faults,
timers and the online/offline cycle) it logs users in, runs commands, exports, keeps the log and
``/file``. It imports none of the behaviour modules -- they import it -- so the package has no import
cycle: :class:`mikronet.sim.device.SimDevice` is a ``RouterState`` that :mod:`mikronet.sim.build`
composes with its menus, and it is the only module that knows them all.

Behaviour that reacts to the router's life reaches the state through hooks installed at build time
(:meth:`RouterCore.install`): a factory for configuration menus, observers of configuration changes,
steps that run at each boot, and the ``/export`` writer. Nothing outside these modules assigns its
fields; every change goes through a method, under the router's lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence

from mikronet.sim import messages as msg
from mikronet.sim.formats import format_date
from mikronet.sim.menus import Request, split_command
from mikronet.sim.reply import CommandTrap, Reply
from mikronet.sim.routercore import BuildHooks, Listener, RouterCore
from mikronet.sim.store import Item

__all__ = ["BuildHooks", "Listener", "RouterState", "file_type"]

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

class RouterState(RouterCore):
    """A simulated RouterOS router's state.

    Thread-safe: the fleet runs it on an event loop thread while tests poke it from theirs; every
    public method takes the router's lock.
    """

    __slots__ = ()

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

