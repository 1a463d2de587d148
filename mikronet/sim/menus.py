"""How a command word finds its handler: a tree of menus built per device (no global registry).

``/ip/address/print`` splits into the menu path ``("ip", "address")`` and the verb ``print``. A path
no menu lives under answers ``no such command prefix``; a known menu without that verb answers
``no such command`` -- the two texts real routers use and clients match on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from mikronet.sim import messages as msg
from mikronet.sim.reply import CommandTrap, Reply

__all__ = ["Handler", "MenuTree", "Request", "split_command"]


@dataclass(frozen=True)
class Request:
    """One command as a handler sees it."""

    path: tuple[str, ...]
    verb: str
    args: Mapping[str, str]
    queries: Sequence[str] = ()
    user: str = "admin"

    def flag(self, name: str) -> bool:
        """A flag argument: present means on, whatever its value, except an explicit no/false."""
        value = self.args.get(name)
        return value is not None and value.lower() not in ("no", "false")


Handler = Callable[[Request], Reply]


def split_command(command: str) -> tuple[tuple[str, ...], str]:
    """``/ip/address/print`` -> (("ip", "address"), "print"). Extra slashes are ignored."""
    parts = tuple(part for part in command.split("/") if part)
    if not parts:
        return (), ""
    return parts[:-1], parts[-1]


class MenuTree:
    """The menus of one device: path -> verb -> handler."""

    def __init__(self) -> None:
        self._menus: dict[tuple[str, ...], dict[str, Handler]] = {}
        self._prefixes: set[tuple[str, ...]] = {()}

    def register(self, path: tuple[str, ...], verb: str, handler: Handler) -> None:
        self._menus.setdefault(path, {})[verb] = handler
        for depth in range(len(path) + 1):
            self._prefixes.add(path[:depth])

    def register_many(self, path: tuple[str, ...], verbs: Mapping[str, Handler]) -> None:
        for verb, handler in verbs.items():
            self.register(path, verb, handler)

    def unregister_path(self, path: tuple[str, ...]) -> None:
        """Forget a menu (e.g. ``/system/routerboard`` on CHR); its prefixes stay known."""
        self._menus.pop(path, None)

    def has_menu(self, path: tuple[str, ...]) -> bool:
        return path in self._menus

    def verbs(self, path: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(self._menus.get(path, {})))

    def paths(self) -> tuple[tuple[str, ...], ...]:
        return tuple(sorted(self._menus))

    def children(self, path: tuple[str, ...]) -> tuple[str, ...]:
        """Sub-menu names directly under ``path`` (for the console's completion and ``..``)."""
        n = len(path)
        return tuple(sorted({p[n] for p in self._prefixes if len(p) > n and p[:n] == path}))

    def resolve(self, path: tuple[str, ...], verb: str) -> Handler:
        if path not in self._prefixes:
            raise CommandTrap(msg.NO_SUCH_COMMAND_PREFIX, msg.NO_SUCH_CATEGORY)
        handler = self._menus.get(path, {}).get(verb)
        if handler is None:
            raise CommandTrap(msg.NO_SUCH_COMMAND, msg.NO_SUCH_CATEGORY)
        return handler

    def is_prefix(self, path: tuple[str, ...]) -> bool:
        return path in self._prefixes


def reject_queries(request: Request) -> None:
    """Only print honours queries; RouterOS refuses them elsewhere."""
    if request.queries:
        raise CommandTrap(msg.UNKNOWN_PARAMETER, msg.CATEGORY_ARGUMENT)
