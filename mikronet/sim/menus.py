"""How a command word finds its handler: a tree of menus built per device (no global registry).

``/ip/address/print`` splits into the menu path ``("ip", "address")`` and the verb ``print``. A path
no menu lives under answers ``no such command prefix``; a known menu without that verb answers
``no such command`` -- the two texts real routers use and clients match on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

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


@cache
def _prefixes_of(paths: frozenset[tuple[str, ...]]) -> frozenset[tuple[str, ...]]:
    return frozenset(path[:depth] for path in paths for depth in range(len(path) + 1))


class MenuTree:
    """The menus of one device: path -> verb -> handler.

    Configuration menus (hundreds, from the schema) are *lazy*: the tree knows their paths and asks
    ``lazy(path)`` for their verbs the first time one is used, so a fleet of a thousand routers
    does not build a quarter of a million handlers up front.
    """

    def __init__(
        self,
        lazy_paths: frozenset[tuple[str, ...]] = frozenset(),
        lazy: Callable[[tuple[str, ...]], Mapping[str, Handler]] | None = None,
    ) -> None:
        self._menus: dict[tuple[str, ...], dict[str, Handler]] = {}
        self._lazy_paths = lazy_paths
        self._lazy_prefixes = _prefixes_of(lazy_paths)
        self._lazy = lazy
        self._loaded: dict[tuple[str, ...], Mapping[str, Handler]] = {}

    def register(self, path: tuple[str, ...], verb: str, handler: Handler) -> None:
        self._menus.setdefault(path, {})[verb] = handler

    def register_many(self, path: tuple[str, ...], verbs: Mapping[str, Handler]) -> None:
        for verb, handler in verbs.items():
            self.register(path, verb, handler)

    def _verbs_of(self, path: tuple[str, ...]) -> Mapping[str, Handler]:
        lazy: Mapping[str, Handler] = {}
        if path in self._lazy_paths and self._lazy is not None:
            lazy = self._loaded.get(path) or self._loaded.setdefault(path, self._lazy(path))
        explicit = self._menus.get(path)
        if explicit is None:
            return lazy
        return {**lazy, **explicit} if lazy else explicit

    def has_menu(self, path: tuple[str, ...]) -> bool:
        return path in self._menus or path in self._lazy_paths

    def verbs(self, path: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(self._verbs_of(path)))

    def paths(self) -> tuple[tuple[str, ...], ...]:
        return tuple(sorted(set(self._menus) | self._lazy_paths))

    def children(self, path: tuple[str, ...]) -> tuple[str, ...]:
        """Sub-menu names directly under ``path`` (for the console's completion and ``..``)."""
        n = len(path)
        names = {p[n] for p in self._menus if len(p) > n and p[:n] == path}
        names |= {p[n] for p in self._lazy_prefixes if len(p) > n and p[:n] == path}
        return tuple(sorted(names))

    def resolve(self, path: tuple[str, ...], verb: str) -> Handler:
        if not self.is_prefix(path):
            raise CommandTrap(msg.NO_SUCH_COMMAND_PREFIX, msg.NO_SUCH_CATEGORY)
        handler = self._verbs_of(path).get(verb)
        if handler is None:
            raise CommandTrap(msg.NO_SUCH_COMMAND, msg.NO_SUCH_CATEGORY)
        return handler

    def is_prefix(self, path: tuple[str, ...]) -> bool:
        if path in self._lazy_prefixes or path in self._menus or not path:
            return True
        n = len(path)  # a few dozen explicit menus per router: no prefix set kept for them
        return any(len(p) > n and p[:n] == path for p in self._menus)


def reject_queries(request: Request) -> None:
    """Only print honours queries; RouterOS refuses them elsewhere."""
    if request.queries:
        raise CommandTrap(msg.UNKNOWN_PARAMETER, msg.CATEGORY_ARGUMENT)
