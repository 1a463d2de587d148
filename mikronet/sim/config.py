"""Generic configuration menus: print/add/set/remove/move/enable/disable/unset/get over a :class:`PathSpec`.

One :class:`ConfigMenu` per path, built by the device from the schema. Behaviour a path has beyond
the generic (computed fields such as ``network`` on ``/ip address``, a check that an address is an
address) comes from a :class:`PathHooks` the device attaches; the generic code never names a path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mikronet.routeros import normalize_value
from mikronet.sim import messages as msg
from mikronet.sim.menus import Handler, Request, reject_queries
from mikronet.sim.query import QueryError, compile_query, matches
from mikronet.sim.reply import CommandTrap, Reply
from mikronet.sim.specs import PathSpec
from mikronet.sim.store import Item, Table, parse_id

if TYPE_CHECKING:
    from mikronet.sim.state import RouterState

__all__ = ["VERB_ARGUMENTS", "ConfigMenu", "PathHooks", "api_bool", "print_rows", "ros_value"]

_TRUE = frozenset({"yes", "true"})
_FALSE = frozenset({"no", "false"})
# Menus whose factory items RouterOS flags `default` (others flag them `builtin`, where they flag them).
_FACTORY_FLAG: dict[tuple[str, ...], str] = {
    ("system", "logging"): "default",
    ("system", "logging", "action"): "default",
}

_API_WORDS = frozenset({".id", "numbers", ".proplist", "number"})
_ITEMS = frozenset({".id", "numbers", "number"})
VERB_ARGUMENTS: Mapping[str, frozenset[str]] = {
    "add": frozenset({"place-before", "copy-from"}),
    "set": _ITEMS,
    "remove": _ITEMS,
    "enable": _ITEMS,
    "disable": _ITEMS,
    "move": _ITEMS | {"destination"},
    "unset": _ITEMS | {"value-name"},
    "get": _ITEMS | {"value-name"},
    "comment": _ITEMS | {"comment"},
    "export": frozenset({"file", "compact", "verbose", "terse", "show-sensitive", "hide-sensitive", "where"}),
}
"""What each generic verb takes besides the path's properties (``add`` and ``set`` take those)."""
_NORMALISED = frozenset({"int", "duration", "list", "mac", "kib"})


def api_bool(value: str) -> str:
    """``yes``/``true`` -> ``true``, ``no``/``false`` -> ``false``; other text unchanged."""
    low = value.lower()
    if low in _TRUE:
        return "true"
    if low in _FALSE:
        return "false"
    return value


@dataclass
class PathHooks:
    """Per-path behaviour beyond the generic menu (all optional)."""

    computed: Callable[[Item, Request | None], dict[str, str]] | None = None
    """Extra read-only fields of an item's printed row (``network``, counters, ``running``)."""
    validate: Callable[[dict[str, str], Item | None], None] | None = None
    """Check the values an add/set would leave; raise :class:`CommandTrap` to refuse."""
    visible: Callable[[Item], bool] | None = None
    """Whether an item of the (shared) table belongs to this menu."""
    before_remove: Callable[[Item], None] | None = None
    after_change: Callable[[Item, dict[str, str]], None] | None = None
    """Called with the item and its previous effective values after an add (previous empty) or set."""
    extra_verbs: dict[str, Handler] = field(default_factory=dict)
    dynamic: Callable[[], list[dict[str, str]]] | None = None
    """Rows the router adds itself, printed before the configured ones (``D`` in the console)."""
    hidden: frozenset[str] = frozenset()
    """Fields of the stored item this menu does not print (a kind's ``type``: its menu says it)."""
    mirror: Callable[[], list[str]] | None = None
    """For a menu with one item per interface (``/queue interface``): the names it must hold, in order."""


def print_rows(rows: list[dict[str, str]], request: Request, *, empty_ok: bool = True) -> Reply:
    """Apply queries, ``count-only`` and ``.proplist`` to ready rows (shared by every print)."""
    if request.queries:
        try:
            query = compile_query(request.queries)
        except QueryError as exc:
            raise CommandTrap(msg.UNKNOWN_PARAMETER, msg.CATEGORY_ARGUMENT) from exc
        rows = [row for row in rows if matches(row, query)]
    if request.flag("count-only"):
        return Reply(ret=str(len(rows)))
    proplist = request.args.get(".proplist")
    if proplist:
        keep = [name for name in proplist.split(",") if name]
        rows = [{name: row[name] for name in keep if name in row} for row in rows]
    return Reply(rows=rows)


def ros_value(type_: str, value: str) -> str:
    """A value as RouterOS keeps it once written (``60s`` -> ``1m``, ``a, b`` -> ``a,b``,
    ``0x10`` -> ``16``, MACs upper-case), for the types RouterOS rewrites; booleans go to API text."""
    if type_ in ("bool", "flag"):
        return api_bool(value)
    if type_ in _NORMALISED:
        return normalize_value(type_, value)
    return value


class ConfigMenu:
    """The menu of one configuration path, over the device's store.

    Add and set accept exactly the properties the schema gives the path on the router's version
    (and the few arguments each verb takes); anything else is refused with ``unknown parameter``
    naming it, so a misspelled property never gets stored. Values are kept as RouterOS keeps them.
    """

    def __init__(self, device: RouterState, spec: PathSpec, hooks: PathHooks | None = None) -> None:
        self.device = device
        self.spec = spec
        self.hooks = hooks or PathHooks()

    # --- plumbing ---------------------------------------------------------------------------
    @property
    def table(self) -> Table:
        return self.device.store.table(self.spec.table_path, singleton=self.spec.singleton)

    def verbs(self) -> dict[str, Handler]:
        verbs: dict[str, Handler] = {
            "print": self.print_,
            "getall": self.print_,
            "set": self.set_,
            "get": self.get,
            "export": self.export,
        }
        if not self.spec.singleton:
            verbs.update(
                add=self.add,
                remove=self.remove,
                enable=self.enable,
                disable=self.disable,
                move=self.move,
                unset=self.unset,
                comment=self.comment,
            )
        verbs.update(self.hooks.extra_verbs)
        return verbs

    def _sync_mirror(self, names: list[str]) -> None:
        table = self.table
        by_name = {item.get("name"): item for item in table}
        for name in names:
            if name not in by_name:
                by_name[name] = table.add({}, builtin=True, factory={"name": name})
        order = {name: index for index, name in enumerate(names)}
        table.items = sorted((i for i in table.items if i.get("name") in order), key=lambda i: order[i.get("name", "")])

    def items(self) -> list[Item]:
        if self.spec.singleton:
            return [self.table.single()]
        if self.hooks.mirror is not None:
            self._sync_mirror(self.hooks.mirror())
        visible = self.hooks.visible
        return [item for item in self.table if visible is None or visible(item)]

    def row(self, item: Item, request: Request | None = None) -> dict[str, str]:
        """The item as ``print`` shows it: ``.id``, set values over defaults, computed fields."""
        spec = self.spec
        row: dict[str, str] = {} if spec.singleton else {".id": item.id}
        merged = {**spec.defaults, **item.factory, **item.values}
        for name, value in list(merged.items()):
            if name not in item.values and value.startswith("$"):  # a default naming another field
                resolved = item.get(value[1:])
                if resolved is not None:
                    merged[name] = resolved
                else:
                    del merged[name]
        for name in spec.fields:
            if name in merged:
                row[name] = merged[name]
        for name in sorted(merged):
            if name not in row:
                row[name] = merged[name]
        if self.hooks.computed is not None:  # what was set explicitly wins over what the router fills in
            row.update({k: v for k, v in self.hooks.computed(item, request).items() if k not in item.values})
        for name in (*spec.write_only, *self.hooks.hidden):
            row.pop(name, None)
        for name in spec.booleans:
            if name in row:
                row[name] = api_bool(row[name])
        if not spec.singleton and "dynamic" not in row and ("dynamic" in spec.fields or item.dynamic):
            row["dynamic"] = "true" if item.dynamic else "false"
        flag = _FACTORY_FLAG.get(spec.path) or next((f for f in ("builtin", "default") if f in spec.fields), None)
        if flag is not None and not spec.singleton:
            row[flag] = "true" if item.builtin else "false"  # the `*` flag a print shows on factory items
        return row

    def find(self, ref: str) -> Item:
        """An item by ``*ID`` or, where the path has names, by name; else ``no such item``."""
        number = parse_id(ref)
        for item in self.items():
            if number is not None and item.number == number:
                return item
            if number is None and self.spec.name_field and item.get(self.spec.name_field) == ref:
                return item
        raise CommandTrap(msg.NO_SUCH_ITEM, msg.NO_SUCH_CATEGORY)

    def targets(self, request: Request) -> list[Item]:
        refs = request.args.get(".id") or request.args.get("numbers") or request.args.get("number")
        if self.spec.singleton:
            return [self.table.single()]
        if not refs:
            raise CommandTrap(msg.NO_SUCH_ITEM, msg.NO_SUCH_CATEGORY)
        return [self.find(ref.strip()) for ref in refs.split(",") if ref.strip()]

    # --- value checks -------------------------------------------------------------------------
    def accepts(self, verb: str, name: str) -> bool:
        """Whether ``verb`` takes an argument called ``name`` here (``!name`` unsets a property)."""
        if verb in ("print", "getall"):
            return True
        if name.startswith("!") and verb in ("add", "set"):
            return name[1:] in self.spec.writable
        if name in VERB_ARGUMENTS.get(verb, frozenset()) and not (self.spec.singleton and name in _ITEMS):
            return True
        return verb in ("add", "set") and name in self.spec.writable

    def check_arguments(self, request: Request) -> None:
        """Refuse an argument the verb does not take: ``unknown parameter``, naming it for the console."""
        for name in request.args:
            if not self.accepts(request.verb, name):
                raise CommandTrap(msg.UNKNOWN_PARAMETER, msg.CATEGORY_ARGUMENT, argument=name)

    def _normalise(self, values: Mapping[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, value in values.items():
            if name not in self.spec.writable:
                raise CommandTrap(msg.UNKNOWN_PARAMETER, msg.CATEGORY_ARGUMENT, argument=name)
            if name in self.spec.booleans:
                low = value.lower()
                if low not in _TRUE and low not in _FALSE:
                    raise CommandTrap(msg.INVALID_VALUE.format(name=name), msg.CATEGORY_ARGUMENT, argument=name)
            out[name] = ros_value(self.spec.types.get(name, "text"), value)
        return out

    def _check(self, values: dict[str, str], item: Item | None) -> None:
        for name, kind in self.spec.references.items():
            value = values.get(name)
            if value and not self.device.has_named(kind, value):
                raise CommandTrap(msg.INPUT_DOES_NOT_MATCH.format(name=name), msg.CATEGORY_ARGUMENT)
        for name in self.spec.required:
            if not values.get(name):
                raise CommandTrap(msg.VALUE_NEEDED.format(name=name), msg.CATEGORY_ARGUMENT)
        for combo in self.spec.unique:
            wanted = tuple(values.get(name, self.spec.defaults.get(name, "")) for name in combo)
            if not any(wanted):
                continue
            # names of interfaces are unique across every kind (they share one table)
            for other in self.table if self.spec.storage is not None else self.items():
                if other is item:
                    continue
                merged = {**self.spec.defaults, **other.effective()}
                if tuple(merged.get(name, "") for name in combo) == wanted:
                    if combo == ("address", "interface") or combo == ("address",):
                        raise CommandTrap(msg.ALREADY_HAVE_ADDRESS, msg.CATEGORY_GENERAL)
                    if combo == (self.spec.name_field,):
                        raise CommandTrap(msg.ALREADY_HAVE_NAME, msg.CATEGORY_GENERAL)
                    raise CommandTrap(msg.ALREADY_HAVE_ITEM, msg.CATEGORY_GENERAL)
        if self.hooks.validate is not None:
            self.hooks.validate(values, item)

    def _changed(self, item: Item, before: dict[str, str]) -> None:
        if self.hooks.after_change is not None:
            self.hooks.after_change(item, before)
        self.device.config_changed(self.spec.path)

    # --- verbs ---------------------------------------------------------------------------------
    def print_(self, request: Request) -> Reply:
        rows = [self.row(item, request) for item in self.items()]
        if self.hooks.dynamic is not None:  # what the router made itself (a DHCP lease's address)
            rows = [*self.hooks.dynamic(), *rows]
        return print_rows(rows, request)

    def add(self, request: Request) -> Reply:
        reject_queries(request)
        self.check_arguments(request)
        place_before = request.args.get("place-before")
        before = self.find(place_before) if place_before else None  # `no such item` when it is not there
        copied = self.find(request.args["copy-from"]).values if request.args.get("copy-from") else {}
        given = {k: v for k, v in request.args.items() if k not in VERB_ARGUMENTS["add"] and not k.startswith("!")}
        values = {**copied, **self._normalise(given)}
        if "name" in copied and "name" not in given:
            values.pop("name")
        if self.spec.type_value is not None:
            values.setdefault("type", self.spec.type_value)
        self._check(values, None)
        self.device.ensure_space(sum(len(v) for v in values.values()))
        item = self.table.add(values)
        if before is not None:
            self.table.move([item], before)
        self._changed(item, {})
        return Reply(ret=item.id)

    def _apply(self, item: Item, changes: Mapping[str, str]) -> None:
        before = item.effective()
        updated = dict(item.values)
        for name, value in changes.items():
            if name.startswith("!"):
                updated.pop(name[1:], None)
            elif value == "" and name == "comment":
                updated.pop(name, None)
            else:
                updated[name] = value
        if item.dynamic:
            raise CommandTrap(msg.CANNOT_CHANGE_DYNAMIC, msg.CATEGORY_GENERAL)
        effective = {**item.factory, **updated}
        self._check(effective, item)
        for name, value in effective.items():  # a validator may have completed a value
            if name in updated or item.factory.get(name) != value:
                updated[name] = value
        item.values = updated
        self._changed(item, before)

    def set_(self, request: Request) -> Reply:
        reject_queries(request)
        self.check_arguments(request)
        changes = self._normalise(
            {k: v for k, v in request.args.items() if k not in _API_WORDS and not k.startswith("!")}
        )
        changes.update({k: v for k, v in request.args.items() if k.startswith("!")})
        for item in self.targets(request):
            self._apply(item, changes)
        return Reply()

    def unset(self, request: Request) -> Reply:
        self.check_arguments(request)
        name = request.args.get("value-name", "")
        if name not in self.spec.writable:
            raise CommandTrap(msg.UNKNOWN_PARAMETER, msg.CATEGORY_ARGUMENT, argument="value-name")
        for item in self.targets(request):
            self._apply(item, {"!" + name: ""})
        return Reply()

    def comment(self, request: Request) -> Reply:
        self.check_arguments(request)
        for item in self.targets(request):
            self._apply(item, {"comment": request.args.get("comment", "")})
        return Reply()

    def enable(self, request: Request) -> Reply:
        self.check_arguments(request)
        for item in self.targets(request):
            self._apply(item, {"disabled": "false"})
        return Reply()

    def disable(self, request: Request) -> Reply:
        self.check_arguments(request)
        for item in self.targets(request):
            self._apply(item, {"disabled": "true"})
        return Reply()

    def remove(self, request: Request) -> Reply:
        reject_queries(request)
        self.check_arguments(request)
        for item in self.targets(request):
            if item.builtin or item.dynamic:
                raise CommandTrap(msg.CANNOT_REMOVE_BUILTIN, msg.CATEGORY_GENERAL)
            if self.hooks.before_remove is not None:
                self.hooks.before_remove(item)
            self.table.remove(item)
        self.device.config_changed(self.spec.path)
        return Reply()

    def move(self, request: Request) -> Reply:
        self.check_arguments(request)
        moving = self.targets(request)
        destination = request.args.get("destination")
        before = self.find(destination) if destination else None
        self.table.move(moving, before)
        self.device.config_changed(self.spec.path)
        return Reply()

    def get(self, request: Request) -> Reply:
        name = request.args.get("value-name", "")
        item = self.targets(request)[0]
        row = self.row(item, request)
        if name not in row:
            raise CommandTrap(msg.NO_SUCH_ITEM if name == "" else msg.UNKNOWN_PARAMETER, msg.CATEGORY_ARGUMENT)
        return Reply(ret=row[name])

    def export(self, request: Request) -> Reply:
        from mikronet.sim.exporting import export_command

        return export_command(self.device, request, self.spec.path)
