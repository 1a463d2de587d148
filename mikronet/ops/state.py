"""What a router holds now, as the RouterOS model: read once, pipelined, for the paths a template touches.

Over the API every path is one ``print`` (all in one round trip) and the rows become a
:class:`~mikronet.routeros.Config`; each item keeps its ``.id`` beside it so the plan can be applied
without reading again. Over SSH the router's scoped ``export verbose terse`` is parsed instead
(items are then addressed with ``[ find … ]`` selectors, never by id).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from mikronet.routeros import Config, Item, Props, Schema, Section, canonical_path, default_schema, parse
from mikronet.transport.base import Command, Reply, Transport

__all__ = ["ActualState", "api_path", "read_state"]

# Row attributes that describe the item's state, not its configuration.
_STATE_FLAGS = frozenset({
    ".id", ".nextid", ".about", "dynamic", "invalid", "running", "builtin", "default", "inactive", "slave",
    "actual-interface", "actual-mtu", "bytes", "packets", "expired", "last-logged-in", "status",
    "last-link-up-time", "link-downs", "rx-byte", "tx-byte", "rx-packet", "tx-packet", "tx-queue-drop",
    "rx-drop", "tx-drop", "rx-error", "tx-error", "fp-rx-byte", "fp-tx-byte", "fp-rx-packet", "fp-tx-packet",
})


def api_path(path: str) -> str:
    """``/ip firewall filter`` → ``/ip/firewall/filter``."""
    return "/" + "/".join(canonical_path(path)[1:].split())


@dataclass(frozen=True)
class ActualState:
    """The router's configuration for some paths, its version, and (API only) the ids of its items."""

    config: Config
    version: str | None
    ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # path -> .id of each item, in order
    extra: tuple[Reply, ...] = ()  # answers to the commands sent along with the read (API)

    def id_of(self, path: str, index: int) -> str:
        return self.ids[canonical_path(path)][index]


def _config_props(row: Mapping[str, str], schema: Schema, path: str) -> Props:
    spec = schema.get(path)
    # A built-in item's name is read-only on the router but is how a template names it (`set telnet …`).
    kept = {spec.name_key, *spec.builtin, *spec.keys}
    hidden = (_STATE_FLAGS | spec.read_only | spec.computed) - kept
    return Props((k, v) for k, v in row.items() if k not in hidden)


def read_state(
    transport: Transport, paths: Sequence[str], *, schema: Schema | None = None, extra: Sequence[Command] = ()
) -> ActualState:
    """Read ``paths`` and the RouterOS version in one round trip (API) or one export each (SSH).

    ``extra`` commands ride along in the same round trip on the API; their replies (errors
    included) are in :attr:`ActualState.extra`. Over SSH they are not sent.
    """
    schema = schema or default_schema()
    if transport.kind == "ssh":
        return _read_by_export(transport, paths, schema)
    commands = [Command("/system/resource", "print", {".proplist": "version"})]
    commands += [Command(api_path(p), "print") for p in paths]
    all_replies = transport.run([*commands, *extra])
    replies, extra_replies = all_replies[: len(commands)], tuple(all_replies[len(commands):])
    for reply in replies:
        reply.raise_for_error(transport.router_id)
    version_rows = replies[0].rows
    version = version_rows[0].get("version", "").split(" ")[0] if version_rows else None
    sections: dict[str, Section] = {}
    ids: dict[str, tuple[str, ...]] = {}
    for path, reply in zip(paths, replies[1:], strict=True):
        path = canonical_path(path)
        spec = schema.get(path)
        if spec.singleton:
            row = reply.rows[0] if reply.rows else {}
            sections[path] = Section(path, settings=_config_props(row, schema, path))
            continue
        rows = [r for r in reply.rows if r.get("dynamic") not in ("true", "yes")]
        sections[path] = Section(path, items=tuple(Item(_config_props(r, schema, path)) for r in rows))
        ids[path] = tuple(r.get(".id", "") for r in rows)
    return ActualState(Config(sections), version or None, ids, extra_replies)


# Menus RouterOS leaves out of /export (user accounts): read from `print detail` on the console.
_NOT_EXPORTED = frozenset({"/user"})
_DETAIL_ITEM = re.compile(r"^\s*(\d+)\s+([A-Z]*)\s*(?:;;; (.*))?$")


def _read_by_print(transport: Transport, path: str, schema: Schema) -> Section:
    """Items from ``print detail`` (``N FLAGS ;;; comment`` then ``key=value`` lines)."""
    from mikronet.routeros import parse_command
    from mikronet.transport.ssh import SshTransport

    assert isinstance(transport, SshTransport)
    output = transport.send(f"{path} print detail without-paging")
    blocks: list[tuple[str, str | None, list[str]]] = []
    for line in output.splitlines():
        if not line.strip() or line.startswith("Flags:"):
            continue
        head = re.match(r"^\s*(\d+)\s+([A-Z]*)\s*(;;; .*|.*)$", line)
        if head and (not blocks or line.lstrip()[:1].isdigit()):
            flags, rest = head.group(2), head.group(3)
            comment = rest[4:] if rest.startswith(";;; ") else None
            blocks.append((flags, comment, [] if comment is not None else [rest]))
        elif blocks:
            blocks[-1][2].append(line.strip())
    items = []
    for flags, comment, words in blocks:
        command = parse_command(f"{path} add " + " ".join(words), schema=schema)
        props = dict(command.args) if command is not None else {}
        if comment is not None:
            props["comment"] = comment
        props["disabled"] = "yes" if "X" in flags else "no"
        items.append(Item(_config_props(props, schema, path)))  # type: ignore[arg-type]
    return Section(path, items=tuple(items))


def _read_by_export(transport: Transport, paths: Sequence[str], schema: Schema) -> ActualState:
    """One ``export verbose terse`` of the whole router (its header gives the version), parsed; user
    accounts, which RouterOS leaves out of exports, from ``print detail``."""
    from mikronet.transport.ssh import SshTransport

    assert isinstance(transport, SshTransport)
    text = transport.export(verbose=True, terse=True)
    parsed = parse(text, file=f"{transport.router_id} export", recover=True, schema=schema)
    version = parsed.header.version if parsed.header is not None else None
    if version is None:
        match = re.search(r"^\s*version: (\S+)", transport.send("/system resource print"), re.MULTILINE)
        version = match.group(1) if match else None
    sections: dict[str, Section] = {}
    for path in map(canonical_path, paths):
        if path in _NOT_EXPORTED:
            sections[path] = _read_by_print(transport, path, schema)
        else:
            sections[path] = parsed.get(path) or Section(path)
    return ActualState(Config(sections), version, {})
