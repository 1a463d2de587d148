"""Reading inventory YAML with line numbers.

PyYAML's composer gives every node its start mark. :func:`read_yaml` turns the node tree into plain
Python values (dicts, lists, scalars) and, beside them, a map from each value's path
(``("schools", 3, "connection", "type")``) to the line it was written on, so every later check can
name the file and line of the field it complains about. Duplicate mapping keys, which PyYAML
silently accepts (the last one wins), are refused here.

Limits keep a hostile or broken file from taking the machine: a file over :data:`MAX_FILE_BYTES`
is refused before it is parsed, and aliases may repeat at most :data:`MAX_ALIAS_NODES` values
(a "billion laughs" alias bomb of a few hundred bytes would otherwise expand to gigabytes).
A malformed file is reported where the broken construct began (an unclosed quote at its opening
line), with the line where the parser noticed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mikronet.errors import InventoryError

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_FILE_BYTES",
    "Located",
    "Problem",
    "YamlPath",
    "decode_utf8",
    "field_name",
    "read_text_file",
    "read_yaml",
    "yaml_error",
]

YamlPath = tuple[str | int, ...]
"""A value's path inside one YAML document: mapping keys and list indexes."""

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAX_DEPTH = 64
MAX_FILE_BYTES = 8 * 1024 * 1024
"""An inventory file larger than this is refused (600 schools take about 200 KB)."""
MAX_ALIAS_NODES = 10_000
"""How many values aliases (``*name``) may repeat in one file, all aliases together."""


@dataclass(frozen=True)
class Located:
    """A YAML document as plain values, with the line of every path in it."""

    file: Path
    data: Any
    lines: Mapping[YamlPath, int]
    raw: Mapping[YamlPath, str]
    """The source text of each scalar, so a message can show ``0123`` rather than ``83``."""

    def line_of(self, path: YamlPath) -> int | None:
        """The line of ``path`` or, if it is not written down (a missing key), of its nearest parent."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                return line
        return None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an inventory: where, which field, what."""

    file: str | None
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else (self.file or "")
        parts = [p for p in (where, self.field) if p]
        return f"{': '.join(parts)}: {self.message}" if parts else self.message


def field_name(path: YamlPath) -> str:
    """``("schools", 3, "connection", "type")`` → ``schools[3].connection.type``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def decode_utf8(data: bytes, file: Path) -> str:
    """Decode a file's bytes as UTF-8 (a BOM is allowed), naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        byte = data[exc.start]
        raise InventoryError(
            f"not UTF-8 text (byte 0x{byte:02x} at column {column}); save the file as UTF-8",
            file=file,
            line=line,
        ) from None


def read_text_file(file: Path, *, limit: int = MAX_FILE_BYTES) -> str:
    """A file's text (UTF-8), refusing a file over ``limit`` bytes before reading it."""
    size = file.stat().st_size
    if size > limit:
        raise InventoryError(
            f"the file is {size:,} bytes; an inventory file may have at most {limit:,} "
            "(split the schools over several files in the inventory folder)",
            file=file,
        )
    return decode_utf8(file.read_bytes(), file)


class _Builder:
    def __init__(self, file: Path, max_alias_nodes: int = MAX_ALIAS_NODES) -> None:
        self.file = file
        self.lines: dict[YamlPath, int] = {}
        self.raw: dict[YamlPath, str] = {}
        self.constructor = SafeConstructor()
        self.seen: set[int] = set()
        self.repeated = 0
        self.max_alias_nodes = max_alias_nodes

    def _count(self, node: Node, path: YamlPath) -> None:
        """Count values that aliases repeat; refuse an expansion past the limit (an alias bomb)."""
        key = id(node)
        if key not in self.seen:
            self.seen.add(key)
            return
        self.repeated += 1
        if self.repeated > self.max_alias_nodes:
            raise InventoryError(
                f"aliases (*name) repeat more than {self.max_alias_nodes:,} values in this file "
                "(an alias bomb?); write the values out or use fewer aliases",
                file=self.file,
                line=node.start_mark.line + 1,
                field=field_name(path) or None,
            )

    def build(self, node: Node, path: YamlPath, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise InventoryError(
                "nested too deeply (a recursive alias?)",
                file=self.file,
                line=node.start_mark.line + 1,
                field=field_name(path) or None,
            )
        self._count(node, path)
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, ScalarNode):
            self.raw[path] = str(node.value)
            try:
                return self.constructor.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date that does not exist (2026-02-30)
                raise InventoryError(
                    f"cannot read value {node.value!r}: {exc}",
                    file=self.file,
                    line=node.start_mark.line + 1,
                    field=field_name(path) or None,
                ) from None
        if isinstance(node, SequenceNode):
            return [self.build(child, (*path, index), depth + 1) for index, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        raise InventoryError(
            f"unsupported YAML node {node.tag}",
            file=self.file,
            line=node.start_mark.line + 1,
            field=field_name(path) or None,
        )

    def _key(self, node: Node, path: YamlPath) -> str:
        if not isinstance(node, ScalarNode):
            raise InventoryError(
                "a mapping key must be plain text",
                file=self.file,
                line=node.start_mark.line + 1,
                field=field_name(path) or None,
            )
        value = self.constructor.construct_object(node, deep=True)
        return str(value) if not isinstance(value, str) else value

    def _mapping(self, node: MappingNode, path: YamlPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        merged: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in sources:
                    self._count(source, path)
                    if not isinstance(source, MappingNode):
                        raise InventoryError(
                            "'<<' must merge a mapping",
                            file=self.file,
                            line=source.start_mark.line + 1,
                            field=field_name(path) or None,
                        )
                    for key, value in self._mapping(source, path, depth + 1).items():
                        result.setdefault(key, value)
                        merged.add(key)
                continue
            key = self._key(key_node, path)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise InventoryError(
                    f"duplicate key {key!r} (first written on line {seen[key]})",
                    file=self.file,
                    line=line,
                    field=field_name((*path, key)),
                )
            seen[key] = line
            self.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key), depth + 1)
            self.lines[(*path, key)] = line  # the key's line, not the value's
        return result


# Constructs whose beginning is where the mistake is (an unclosed quote or bracket): the parser
# notices only later, often at the end of the file.
_STARTS = {
    "while scanning a quoted scalar": "a quoted value opened here is not closed",
    "while parsing a flow sequence": "a '[' list opened here is not closed",
    "while parsing a flow mapping": "a '{' mapping opened here is not closed",
    "while scanning a block scalar": "a '|' or '>' block value started here is malformed",
    "while scanning an anchor": "an anchor (&name) here is malformed",
    "while scanning an alias": "an alias (*name) here is malformed",
    "while scanning a tag": "a tag (!name) here is malformed",
}


def _tab_at(mark: yaml.Mark | None, problem: str, text: str | None) -> tuple[int, int] | None:
    """(line, column) of the tab PyYAML tripped over, if a tab is what it tripped over: it says
    "found character that cannot start any token" or "found a tab character that violates indentation".
    The C parser's marks carry no text, hence ``text``."""
    if mark is None:
        return None
    lines = (text if text is not None else str(mark.buffer or "")).splitlines()
    row = lines[mark.line] if mark.line < len(lines) else ""
    if "tab" not in problem and row[mark.column:mark.column + 1] != "\t":
        return None
    column = row.find("\t")
    return (mark.line + 1, column + 1) if column >= 0 else None


def yaml_error(exc: yaml.YAMLError, file: Path, text: str | None = None) -> InventoryError:
    """PyYAML's error as an :class:`InventoryError` at the line where the broken construct began (a
    tab, which YAML never allows for indentation, as such at its line and column)."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return InventoryError(f"malformed YAML: {exc}", file=file)
    problem = exc.problem or "malformed YAML"
    tab = _tab_at(exc.problem_mark, problem, text)
    if tab is not None:
        return InventoryError(f"a tab at column {tab[1]}: YAML indents with spaces", file=file, line=tab[0])
    start = _STARTS.get(exc.context or "")
    if start is not None and exc.context_mark is not None:
        noticed = exc.problem_mark
        at = f" (noticed at line {noticed.line + 1}: {problem})" if noticed is not None else f" ({problem})"
        return InventoryError(f"malformed YAML: {start}{at}", file=file, line=exc.context_mark.line + 1)
    mark = exc.problem_mark or exc.context_mark
    context = ""
    if exc.context and exc.context_mark is not None:
        context = f" ({exc.context} from line {exc.context_mark.line + 1})"
    elif exc.context:
        context = f" ({exc.context})"
    line = mark.line + 1 if mark is not None else None
    return InventoryError(f"malformed YAML: {problem}{context}", file=file, line=line)


def read_yaml(text: str, file: Path, *, max_alias_nodes: int = MAX_ALIAS_NODES) -> Located:
    """Parse one YAML document into plain values with the line of every path.

    Raises :class:`InventoryError` naming the file and line for malformed YAML (where the broken
    construct began), duplicate keys, an alias expansion past ``max_alias_nodes``, or more than one
    document in the file.
    """
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, file, text) from None
    builder = _Builder(file, max_alias_nodes)
    data = None if node is None else builder.build(node, ())
    return Located(file=file, data=data, lines=builder.lines, raw=builder.raw)
