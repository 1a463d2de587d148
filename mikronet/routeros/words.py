"""Words of a RouterOS command line: ``key=value`` (quoted when needed), ``!key`` for an unset,
``***`` for a hidden value, selectors (``[ find k=v ]``, ``ether1``), and one full command.

Hiding works on property names: a value is ``***`` when its property is among the hidden ones,
wherever it stands -- after the verb, in a ``[ find … ]`` condition, or (named :data:`NUMBERS`,
the console's name for the items a command acts on) as the item named directly
(``/snmp community remove public``, ``remove numbers=public``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Final

from mikronet.routeros.model import Ref, Selector, Value
from mikronet.routeros.quoting import quote
from mikronet.secret import MASK

__all__ = ["NUMBERS", "prop_word", "props_words", "render_command", "selector_text", "selector_words"]

NUMBERS: Final = "numbers"


def prop_word(key: str, value: Value, masked: bool = False) -> str:
    """``key=value`` quoted as needed; ``!key`` when the value is unset; ``key=***`` when masked."""
    if value is None:
        return f"!{key}"
    return f"{key}={MASK if masked else quote(value)}"


def props_words(props: Mapping[str, Value], sensitive: Iterable[str] = (), show_sensitive: bool = True,
                 sort: bool = True) -> list[str]:
    """Each property as a word, sorted by name; ``sensitive`` ones masked unless ``show_sensitive``."""
    hidden = set(sensitive) if not show_sensitive else set()
    keys = sorted(props) if sort else list(props)
    return [prop_word(k, props[k], k in hidden) for k in keys]


def selector_words(selector: Selector | None, hidden: Collection[str] = ()) -> list[str]:
    """``[``, ``find``, conditions, ``]`` -- or the one word naming items directly; the values
    of ``hidden`` properties (and named items, when :data:`NUMBERS` is hidden) as ``***``."""
    if selector is None:
        return []
    if isinstance(selector, Ref):
        return [MASK if NUMBERS in hidden else selector.render()]
    if not selector.conds:
        return ["[", "find", "]"]
    return ["[", "find", *(f"{c.key}{c.op}{MASK}" if c.key in hidden else c.render() for c in selector.conds), "]"]


def selector_text(selector: Selector | None, hidden: Collection[str] = ()) -> str | None:
    """A selector as the console writes it (``[ find default-name=ether1 ]``, ``telnet``), the
    values of ``hidden`` properties as ``***``."""
    if selector is None:
        return None
    return " ".join(selector_words(selector, hidden))


def render_command(path: str, verb: str, selector: Selector | None = None,
                   props: Mapping[str, Value] | None = None, *, sort: bool = True) -> str:
    """One full console command: ``/ip address set [ find address=1.2.3.4/24 ] comment=x``."""
    words = [path, verb, *selector_words(selector), *props_words(props or {}, sort=sort)]
    return " ".join(words)
