"""API rows as the RouterOS model: what a ``print`` of a configuration menu says, minus its state.

A ``print`` row carries the item's configuration and also what the router computed about it
(``running``, counters, ``dynamic``…). :func:`state_from_replies` keeps the configuration, as the
differ compares it with a template, and each item's ``.id`` beside it so a plan can be applied by id
without reading again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mikronet.routeros import Config, Item, Props, Schema, Section, canonical_path
from mikronet.transport.base import ActualState, Reply

__all__ = ["STATE_FLAGS", "api_path", "config_props", "state_from_replies"]

# Row attributes that describe the item's state, not its configuration.
STATE_FLAGS = frozenset({
    ".id", ".nextid", ".about", "dynamic", "invalid", "running", "builtin", "default", "inactive", "slave",
    "actual-interface", "actual-mtu", "bytes", "packets", "expired", "last-logged-in", "status",
    "last-link-up-time", "link-downs", "rx-byte", "tx-byte", "rx-packet", "tx-packet", "tx-queue-drop",
    "rx-drop", "tx-drop", "rx-error", "tx-error", "fp-rx-byte", "fp-tx-byte", "fp-rx-packet", "fp-tx-packet",
})


_FACTORY_FLAGS = ("default", "builtin")


def api_path(path: str) -> str:
    """``/ip firewall filter`` → ``/ip/firewall/filter``."""
    return "/" + "/".join(canonical_path(path)[1:].split())


def config_props(row: Mapping[str, str], schema: Schema, path: str) -> Props:
    """The configuration properties of one row (state flags, read-only and computed ones dropped)."""
    spec = schema.get(path)
    # A built-in item's name is read-only on the router but is how a template names it (`set telnet …`).
    kept = {spec.name_key, *spec.builtin, *spec.keys}
    hidden = (STATE_FLAGS | spec.read_only | spec.computed) - kept
    props = [(k, v) for k, v in row.items() if k not in hidden]
    # The factory flags stay when set: the differ never removes a factory item, even from a menu it owns.
    props += [(k, "yes") for k in _FACTORY_FLAGS if row.get(k) in ("true", "yes")]
    return Props(props)


def state_from_replies(
    paths: Sequence[str], version_reply: Reply, replies: Sequence[Reply], schema: Schema, router_id: str,
    extra: tuple[Reply, ...] = (),
) -> ActualState:
    """The :class:`ActualState` from a ``/system/resource`` print and one print per path."""
    for reply in (version_reply, *replies):
        reply.raise_for_error(router_id)
    version_rows = version_reply.rows
    version = version_rows[0].get("version", "").split(" ")[0] if version_rows else None
    sections: dict[str, Section] = {}
    ids: dict[str, tuple[str, ...]] = {}
    for path, reply in zip(paths, replies, strict=True):
        path = canonical_path(path)
        spec = schema.get(path)
        if spec.singleton:
            row = reply.rows[0] if reply.rows else {}
            sections[path] = Section(path, settings=config_props(row, schema, path))
            continue
        rows = [r for r in reply.rows if r.get("dynamic") not in ("true", "yes")]
        sections[path] = Section(path, items=tuple(Item(config_props(r, schema, path)) for r in rows))
        ids[path] = tuple(r.get(".id", "") for r in rows)
    return ActualState(Config(sections), version or None, ids, extra)
