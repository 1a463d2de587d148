"""Render plans: as RouterOS console commands, and as API calls.

* :func:`render_script` -- a :class:`~mikronet.routeros.plan.Plan` as console commands, one full
  command per line (``/ip address add address=… interface=…``), for SSH and for people.
  Sensitive values are ``***`` unless ``show_sensitive``; a property going back to its default
  is written ``!name`` (the form ``export verbose`` uses).
* :func:`render_api` -- a plan as :class:`ApiCommand` values: API path, command word and
  attribute words, ready for librouteros. Items are named by API queries on their key
  properties (:func:`selector_query`); the transport resolves them to ``.id`` when it applies.

Exports are :mod:`mikronet.routeros.export`; they are re-exported here for convenience.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from mikronet.routeros.export import WIDTH, export_text, render_export, render_header, wrap_line
from mikronet.routeros.model import Find, Ref, Selector
from mikronet.routeros.plan import Add, Move, Plan, Remove, Set
from mikronet.routeros.schema import Schema, default_schema
from mikronet.routeros.words import NUMBERS, props_words, render_command, selector_words
from mikronet.secret import MASK

__all__ = [
    "WIDTH",
    "ApiCommand",
    "export_text",
    "render_api",
    "render_command",
    "render_export",
    "render_header",
    "render_script",
    "selector_query",
    "wrap_line",
]


def _op_line(op: Add | Set | Remove | Move, show_sensitive: bool) -> str:
    hidden = frozenset() if show_sensitive else op.sensitive
    if isinstance(op, Add):
        words = [op.path, "add", *props_words(op.props, hidden, False)]
        if op.before is not None:
            words.append("place-before=" + _inline_selector(op.before, hidden))
        return " ".join(words)
    if isinstance(op, Set):
        return " ".join([op.path, "set", *selector_words(op.selector, hidden),
                         *props_words(op.props, hidden, False)])
    if isinstance(op, Remove):
        return " ".join([op.path, "remove", *selector_words(op.selector, hidden)])
    words = [op.path, "move", *selector_words(op.selector, hidden)]
    if op.before is not None:
        words.append("destination=" + _inline_selector(op.before, hidden))
    return " ".join(words)


def _inline_selector(selector: Selector, hidden: frozenset[str]) -> str:
    return " ".join(selector_words(selector, hidden))


def render_script(plan: Plan, *, show_sensitive: bool = False) -> str:
    """The plan as RouterOS console commands, one per line (empty plan: empty text)."""
    return "".join(_op_line(op, show_sensitive) + "\n" for op in plan)


@dataclass(frozen=True, repr=False)
class ApiCommand:
    """One API call: ``/ip/address`` + ``add`` + attribute words.

    ``query`` (API query words) names the items the command acts on and ``destination`` the item
    to move or place before; ``numbers`` instead names them by their console numbers (``set 0``:
    the first item in print order). The transport turns these into ``.id`` / ``numbers`` /
    ``place-before`` when it applies the command. A property going back to its default is the
    attribute ``!name`` with an empty value, as Ansible's ``api_modify`` sends it.
    """

    path: str
    command: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    query: tuple[str, ...] = ()
    destination: tuple[str, ...] = ()
    sensitive: frozenset[str] = frozenset()
    numbers: tuple[int, ...] = ()

    def __repr__(self) -> str:
        shown = {k: (MASK if k in self.sensitive else v) for k, v in self.attributes.items()}
        where = f", numbers={self.numbers!r}" if self.numbers else ""
        return (f"ApiCommand({self.path!r}, {self.command!r}, {shown!r}, query={self._words(self.query)!r}, "
                f"destination={self._words(self.destination)!r}{where})")

    def _words(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """Query words with secret values masked (``?=password=***``)."""
        out = []
        for word in words:
            key = word[2:].split("=", 1)[0] if word.startswith("?=") else None
            hidden = key is not None and (key in self.sensitive or (NUMBERS in self.sensitive and key != ".id"))
            out.append(f"?={key}={MASK}" if hidden else word)
        return tuple(out)


def selector_query(selector: Selector, name_key: str = "name") -> tuple[str, ...]:
    """API query words that pick what ``selector`` picks: ``[ find default-name=ether1 ]`` ->
    ``("?=default-name=ether1",)``; ``telnet`` -> ``("?=name=telnet",)``; ``*1F`` -> ``.id``.
    Item numbers (``set 0``) have no query: see :attr:`ApiCommand.numbers`."""
    if isinstance(selector, Find):
        words: list[str] = []
        for cond in selector.conds:
            if cond.op == "~":
                raise ValueError("API queries cannot match a regular expression")
            words.append(f"?={cond.key}={cond.value}")
            if cond.op == "!=":
                words.append("?#!")
        return tuple(words)
    if selector.is_number:
        return ()
    key = ".id" if selector.is_id else name_key
    words = [f"?={key}={v}" for v in selector.values]
    words += ["?#|"] * (len(selector.values) - 1)
    return tuple(words)


def _numbers(selector: Selector | None) -> tuple[int, ...]:
    if isinstance(selector, Ref) and selector.is_number:
        return tuple(int(v) for v in selector.values)
    return ()


def render_api(plan: Plan, *, schema: Schema | None = None) -> list[ApiCommand]:
    """The plan as API commands, in order."""
    schema = schema or default_schema()
    out: list[ApiCommand] = []
    for op in plan:
        api_path = "/" + "/".join(op.path[1:].split())
        name_key = schema.get(op.path).name_key
        if isinstance(op, Add):
            attrs = {k: v for k, v in op.props.items() if v is not None}
            dest = selector_query(op.before, name_key) if op.before is not None else ()
            out.append(ApiCommand(api_path, "add", attrs, (), dest, op.sensitive))
        elif isinstance(op, Set):
            attrs = {(k if v is not None else f"!{k}"): (v or "") for k, v in op.props.items()}
            query = selector_query(op.selector, name_key) if op.selector is not None else ()
            out.append(ApiCommand(api_path, "set", attrs, query, (), op.sensitive, _numbers(op.selector)))
        elif isinstance(op, Remove):
            out.append(ApiCommand(api_path, "remove", {}, selector_query(op.selector, name_key),
                                  sensitive=op.sensitive, numbers=_numbers(op.selector)))
        else:
            dest = selector_query(op.before, name_key) if op.before is not None else ()
            out.append(ApiCommand(api_path, "move", {}, selector_query(op.selector, name_key), dest,
                                  op.sensitive, _numbers(op.selector)))
    return out
