"""The RouterOS console of a simulated router: a line in, what RouterOS prints out. No sockets.

:class:`Console` is one login session (the SSH shell or exec channel wraps it). It reads a command
line (through :mod:`mikronet.sim.cliline`, on the public surface of :mod:`mikronet.routeros`; script and console are
one language), works out the menu path and the command, and runs it through
:meth:`SimDevice.call <mikronet.sim.device.SimDevice.call>` -- the entry point the API server uses
too, so both faces behave alike. The console only translates syntax (menu navigation, ``[ find … ]``,
item numbers from the last ``print``, ``where``) and formats replies (:mod:`mikronet.sim.printing`).
The facts it follows are in ``../shared/docs/routeros.md`` sections 4.2-4.5 and 6.3.

Output text uses ``\\n`` line ends; the SSH layer turns them into ``\\r\\n``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from mikronet.sim import messages as msg
from mikronet.sim import printing
from mikronet.sim.cliline import (
    Arg,
    CliError,
    Group,
    Node,
    Word,
    abbreviation,
    compile_where,
    error_at,
    parse_export_args,
    parse_line,
    parse_print_args,
    path_segments,
)
from mikronet.sim.menus import MenuTree
from mikronet.sim.oids import oids
from mikronet.sim.reply import Reply
from mikronet.sim.versions import Behaviour

__all__ = ["CONFIRMATIONS", "Console", "ConsoleDevice", "ConsoleOutput"]

LOG = logging.getLogger(__name__)

CONFIRMATIONS: Mapping[tuple[tuple[str, ...], str], str] = {
    (("system",), "reboot"): "Reboot, yes? [y/N]: ",
    (("system",), "shutdown"): "Shutdown, yes? [y/N]: ",
    (("system",), "reset-configuration"): "Dangerous! Reset anyway? [y/N]: ",
    (("system", "package"), "downgrade"): "Router will be rebooted. Continue? [y/N]: ",
    (("system", "routerboard"), "upgrade"): "Do you really want to upgrade firmware? [y/n] ",
    (("ip", "ssh"), "regenerate-host-key"): "This will regenerate current SSH host keys, yes? [y/N]: ",
    (("system", "backup"), "load"): "Restore and reboot? [y/N]: ",  # wording from memory, not a capture
}
"""Commands RouterOS asks about before it runs them (reference 4.2), and the question it prints."""

ACTION_CANCELLED = "action cancelled"  # printed when a confirmation is declined (unconfirmed wording)
QUIT_TEXT = "interrupted"  # what RouterOS prints on ``quit`` before closing (oxidized 7.x captures)
NUMBERS_PROMPT = "numbers: "
EXPECTED_COMMAND_NAME = "expected command name (line {line} column {column})"  # gnetcli's error list
FIRMWARE_ECHO = "echo: system,info,critical {text}"  # the console echo of the critical log line (6.7)

_LIST_VERBS = frozenset({"set", "remove", "enable", "disable", "unset", "comment", "move", "get"})
_UNNAMED: Mapping[str, str] = {
    "ping": "address", "traceroute": "address", "run": "number", "monitor": "numbers",
    "monitor-traffic": "interface", "blink": "numbers", "reset-counters": "numbers",
    "bandwidth-test": "address", "speed-test": "address", "sign": "numbers",
}
_LIVE = frozenset({"bandwidth-test", "speed-test"})
"""Commands whose screen updates in place while they run: the console shows where they ended."""
"""API name of the unnamed argument of commands that take one; other bare words are flags."""


class ConsoleDevice(Protocol):
    """What the console needs from a simulated router (:class:`mikronet.sim.device.SimDevice`)."""

    @property
    def identity(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def behaviour(self) -> Behaviour: ...
    @property
    def menus(self) -> MenuTree: ...

    def call(
        self, command: str, args: Mapping[str, str], queries: Sequence[str] = (), *, user: str = "admin"
    ) -> Reply: ...

    def export(
        self,
        *,
        path: tuple[str, ...] | None = None,
        terse: bool = False,
        verbose: bool = False,
        show_sensitive: bool | None = None,
    ) -> str: ...


@dataclass(frozen=True)
class ConsoleOutput:
    """The answer to one line: the ``text`` to print, then the prompt, a question, or the end.

    ``question`` means a ``[y/N]`` question is pending: the next key pressed answers it (the prompt
    shown is the question, :meth:`Console.prompt`). ``close`` means the session ends (``quit``, a
    reboot, an install).
    """

    text: str = ""
    question: bool = False
    close: bool = False


@dataclass
class _Pending:
    kind: str  # "confirm" (one key answers) or "numbers" (a line answers)
    path: tuple[str, ...]
    verb: str
    args: dict[str, str] = field(default_factory=dict)
    prompt: str = ""


class _Stop(Exception):
    """Control flow: the rest of the line is not run (a question, the end of the session)."""

    def __init__(self, output: ConsoleOutput) -> None:
        super().__init__()
        self.output = output


def _command(path: Sequence[str], verb: str) -> str:
    return "/" + "/".join((*path, verb))


class Console:
    """One console session on ``device`` as ``user`` (the bare name, without ``+ct…`` options)."""

    def __init__(self, device: ConsoleDevice, user: str = "admin", width: int = 80, height: int = 24) -> None:
        self.device = device
        self.user = user
        self.width = width
        self.height = height
        self.menu: tuple[str, ...] = ()
        self._numbers: dict[tuple[str, ...], list[str]] = {}
        self._pending: _Pending | None = None

    # --- what the session shows ---------------------------------------------------------------
    @property
    def v7(self) -> bool:
        return self.device.version.split(".", 1)[0] not in ("5", "6")

    @property
    def _upper_detail(self) -> bool:
        numbers = tuple(int(part) for part in re.findall(r"\d+", self.device.version)[:2])
        return numbers >= printing.UPPER_DETAIL_SINCE

    def banner(self) -> str:
        """The login banner, ending with an empty line (the prompt follows)."""
        reply = self.device.call("/system/resource/print", {}, user=self.user)
        build = reply.rows[0].get("build-time", "") if reply.rows else ""
        years = [p for p in build.replace("-", " ").replace("/", " ").split() if len(p) == 4 and p.isdigit()]
        return _text(printing.banner(self.device.version, years[0] if years else "2024", v7=self.v7))

    def prompt(self) -> str:
        """``[admin@MikroTik] > ``, ``… /ip/address> `` (v6 ``/ip address> ``), or the pending question."""
        if self._pending is not None:
            return self._pending.prompt
        where = "/" + ("/" if self.v7 else " ").join(self.menu) if self.menu else ""
        return f"[{self.user}@{self.device.identity}] {where}> "

    @property
    def pending(self) -> bool:
        """Whether the console waits for the answer to a question."""
        return self._pending is not None

    # --- input ----------------------------------------------------------------------------------
    def feed(self, line: str) -> ConsoleOutput:
        """Run one line (one Enter, or the answer to a pending question) and say what RouterOS prints."""
        out: list[str] = []
        try:
            if self._pending is not None:
                self._answer(line, out)
            else:
                for nodes in parse_line(line):
                    self._run(nodes, out)
        except _Stop as stop:
            return ConsoleOutput(_text(out), question=stop.output.question, close=stop.output.close)
        except CliError as exc:
            out.append(exc.text)
        return ConsoleOutput(_text(out))

    def _answer(self, line: str, out: list[str]) -> None:
        pending, self._pending = self._pending, None
        assert pending is not None
        if pending.kind == "numbers":
            commands = parse_line(line)
            if commands:
                self._on_items(pending.path, pending.verb, self._items(pending.path, commands[0][0]),
                               pending.args, 1, ())
            return
        if line[:1].lower() != "y":
            out.append(ACTION_CANCELLED)
            return
        reply = self._call(pending.path, pending.verb, pending.args, 1, ())
        out.extend(printing.format_blocks(reply.rows, pad_values=self.v7))
        if (pending.path, pending.verb) == (("system", "routerboard"), "upgrade"):
            text = msg.FIRMWARE_UPGRADED
            out.append(FIRMWARE_ECHO.format(text=text) if self.v7 else text[0].lower() + text[1:])
        self._stop_if_dropped(reply)

    # --- one command ----------------------------------------------------------------------------
    def _run(self, nodes: list[Node], out: list[str]) -> None:
        first = nodes[0]
        if isinstance(first, Word) and first.text == ":put" and not first.quoted:
            out.append(" ".join(self._value_of(node) for node in nodes[1:]))
            return
        path, verb, col, rest = self._resolve(nodes)
        if verb is None:
            if rest:
                raise error_at(EXPECTED_COMMAND_NAME, rest[0].col)
            self.menu = path
        elif verb == "quit":
            out.append(QUIT_TEXT)
            raise _Stop(ConsoleOutput(close=True))
        elif verb == "print":
            out.extend(self._print(path, rest, col))
        elif verb == "export":
            out.extend(self._export(path, rest, col))
        elif verb == "find":
            self._find(path, rest, col)
        elif verb == "get":
            out.append(self._get(path, rest, col))
        elif verb in _LIST_VERBS:
            self._list_verb(path, verb, col, rest)
        else:
            args = self._named(path, rest, None if verb == "add" else _UNNAMED.get(verb))
            question = CONFIRMATIONS.get((path, verb))
            if question is not None:
                if verb not in self.device.menus.verbs(path):
                    raise error_at(msg.BAD_COMMAND_NAME, col, word=verb)
                self._pending = _Pending("confirm", path, verb, args, question)
                raise _Stop(ConsoleOutput(question=True))
            reply = self._call(path, verb, args, col, rest)
            rows = reply.rows[-1:] if verb in _LIVE else reply.rows
            if verb != "add":
                out.extend(printing.format_blocks(rows, pad_values=self.v7))
            self._stop_if_dropped(reply)

    def _resolve(self, nodes: list[Node]) -> tuple[tuple[str, ...], str | None, int, list[Node]]:
        """Split the leading words into the menu path and the command; the rest are its arguments."""
        path = self.menu
        slashes = self.device.behaviour.slash_paths_in_cli
        tree = self.device.menus
        for index, node in enumerate(nodes):
            if not isinstance(node, Word) or node.quoted:
                return path, None, 0, nodes[index:]
            segments = path_segments(node, slashes)
            for position, (segment, col) in enumerate(segments):
                if segment in ("/", ".."):
                    path = () if segment == "/" else path[:-1]
                    continue
                if "/" in segment:  # v6 reads /ip/address as one (unknown) name
                    raise error_at(msg.BAD_COMMAND_NAME, col, word=segment)
                name = abbreviation(segment, (*tree.children(path), *tree.verbs(path))) or segment
                if tree.is_prefix((*path, name)):
                    path = (*path, name)
                    continue
                if position + 1 < len(segments):
                    raise error_at(msg.EXPECTED_END_OF_COMMAND, segments[position + 1][1] - 1)
                return path, name, col, nodes[index + 1 :]
        return path, None, 0, []

    def _call(self, path: tuple[str, ...], verb: str, args: Mapping[str, str], col: int,
              rest: Sequence[Node]) -> Reply:
        """Run a command on the router; its ``!trap`` becomes the console's error line (4.5's table)."""
        reply = self.device.call(_command(path, verb), args, user=self.user)
        if reply.trap is None:
            return reply
        text = reply.trap.message
        if text in (msg.NO_SUCH_COMMAND, msg.NO_SUCH_COMMAND_PREFIX):
            raise error_at(msg.BAD_COMMAND_NAME, col, word=verb)
        if text.startswith(msg.UNKNOWN_PARAMETER):
            named = text[len(msg.UNKNOWN_PARAMETER) :].strip()
            target = next((n for n in rest if isinstance(n, Arg) and n.key == named), None)
            column = target.col if target is not None else (rest[0].col if rest else col)
            raise error_at(msg.EXPECTED_END_OF_COMMAND, column)
        raise CliError(text)

    def _stop_if_dropped(self, reply: Reply) -> None:
        if reply.disconnect:
            raise _Stop(ConsoleOutput(close=True))

    def _named(self, path: tuple[str, ...], rest: Sequence[Node], unnamed: str | None) -> dict[str, str]:
        """``key=value`` arguments, bare flags (``once``) and a command's one unnamed value, for the API."""
        args: dict[str, str] = {}
        for node in rest:
            if isinstance(node, Arg) and node.op == "=":
                args[node.key] = self._evaluate(node.group, path) if node.group is not None else node.value
            elif unnamed is not None and unnamed not in args and not isinstance(node, Arg):
                if unnamed == "numbers" or isinstance(node, Group):
                    args[unnamed] = ",".join(self._items(path, node))
                else:
                    args[unnamed] = node.text
            elif isinstance(node, Word) and not node.quoted:
                args[node.text] = ""
            else:
                raise error_at(msg.EXPECTED_END_OF_COMMAND, node.col)
        return args

    def _value_of(self, node: Node) -> str:
        """A value as ``:put`` shows it: a word or string as it is, ``[ … ]`` evaluated."""
        if isinstance(node, Group):
            return self._evaluate(node, self.menu)
        if isinstance(node, Arg):
            raise error_at(msg.EXPECTED_END_OF_COMMAND, node.col)
        return node.text

    # --- items: numbers, names, [ find ] --------------------------------------------------------
    def _rows(self, path: tuple[str, ...], col: int) -> list[dict[str, str]]:
        return self._call(path, "print", {}, col, ()).rows

    def _items(self, path: tuple[str, ...], node: Node) -> list[str]:
        """Item ids for a reference: ``0,2`` (numbers of the last print), ``*1A``, ``ether1``, ``[find]``."""
        if isinstance(node, Group):
            return [ref for ref in self._evaluate(node, path).split(";") if ref]
        if isinstance(node, Arg):
            raise error_at(msg.EXPECTED_END_OF_COMMAND, node.col)
        refs: list[str] = []
        for part in (p.strip() for p in node.text.split(",")):
            if part.isdigit():
                numbers = self._numbers.get(path)
                if numbers is None:  # no print yet: number the items as a print would
                    numbers = self._numbers[path] = [row.get(".id", "") for row in self._rows(path, node.col)]
                if int(part) >= len(numbers):
                    raise CliError(msg.NO_SUCH_ITEM)
                refs.append(numbers[int(part)])
            elif part:
                refs.append(part)  # an id or a name: the router resolves it
        return refs

    def _find(self, path: tuple[str, ...], rest: Sequence[Node], col: int) -> list[str]:
        nodes = list(rest)
        if nodes and isinstance(nodes[0], Word) and nodes[0].text == "where" and not nodes[0].quoted:
            nodes = nodes[1:]
        predicate = compile_where(nodes, lambda group: self._evaluate(group, path))
        return [row.get(".id", "") for row in self._rows(path, col) if predicate(row)]

    def _evaluate(self, group: Group, path: tuple[str, ...]) -> str:
        """``[ … ]``: run the inner command from ``path`` and return its value (ids joined by ``;``)."""
        saved, self.menu = self.menu, path
        try:
            inner, verb, col, rest = self._resolve(list(group.nodes))
        finally:
            self.menu = saved
        if verb == "find":
            return ";".join(self._find(inner, rest, col))
        if verb == "get":
            return self._get(inner, rest, col)
        raise error_at(msg.EXPECTED_END_OF_COMMAND, group.col)

    def _get(self, path: tuple[str, ...], rest: Sequence[Node], col: int) -> str:
        """``get [item] property`` (single-instance menus have no item) -> the value."""
        name = rest[-1] if rest else None
        if len(rest) not in (1, 2) or not isinstance(name, Word) or isinstance(rest[0], Arg):
            raise error_at(msg.EXPECTED_END_OF_COMMAND, rest[-1].col if rest else col)
        args = {"numbers": ",".join(self._items(path, rest[0]))} if len(rest) == 2 else {}
        args["value-name"] = name.text
        return self._call(path, "get", args, col, rest).ret or ""

    def _list_verb(self, path: tuple[str, ...], verb: str, col: int, rest: Sequence[Node]) -> None:
        """set/remove/enable/disable/unset/comment/move on items, or on a single-instance menu."""
        positional: list[Node] = [n for n in rest if not isinstance(n, Arg)]
        args: dict[str, str] = {}
        for node in rest:
            if isinstance(node, Arg) and node.op != "=":
                raise error_at(msg.EXPECTED_END_OF_COMMAND, node.col)
            if isinstance(node, Arg) and node.key in ("numbers", "number") and not positional:
                # the named form of the item list: `remove numbers=0`, `set numbers=ether1 mtu=1500`
                positional.append(node.group if node.group is not None else Word(node.value, node.col))
            elif isinstance(node, Arg):
                args[node.key] = self._evaluate(node.group, path) if node.group is not None else node.value
        last = positional[-1] if positional else None
        if verb == "unset" and isinstance(last, Word):
            args["value-name"] = last.text
            positional.pop()
        if verb == "move" and len(positional) == 2:
            args["destination"] = ",".join(self._items(path, positional.pop()))
        elif verb == "move" and args.get("destination", "").isdigit():
            args["destination"] = ",".join(self._items(path, Word(args["destination"], col)))
        if len(positional) > 1:
            raise error_at(msg.EXPECTED_END_OF_COMMAND, positional[1].col)
        if positional:
            self._on_items(path, verb, self._items(path, positional[0]), args, col, rest)
        elif self._singleton(path, col):
            self._stop_if_dropped(self._call(path, verb, args, col, rest))
        else:  # RouterOS asks which items
            self._pending = _Pending("numbers", path, verb, args, NUMBERS_PROMPT)
            raise _Stop(ConsoleOutput())

    def _on_items(self, path: tuple[str, ...], verb: str, refs: Sequence[str], args: Mapping[str, str],
                  col: int, rest: Sequence[Node]) -> None:
        if refs:  # an empty [ find ] changes nothing, silently
            self._stop_if_dropped(self._call(path, verb, {**args, "numbers": ",".join(refs)}, col, rest))

    def _singleton(self, path: tuple[str, ...], col: int) -> bool:
        if "print" not in self.device.menus.verbs(path):
            return False
        rows = self._rows(path, col)
        return len(rows) == 1 and ".id" not in rows[0]

    # --- print and export ------------------------------------------------------------------------
    def _print(self, path: tuple[str, ...], rest: Sequence[Node], col: int) -> list[str]:
        asked = parse_print_args(rest)
        rows = self._call(path, "print", asked.api_args, col, rest).rows
        if rows and ".id" not in rows[0]:  # a single-instance menu
            if "oid" in asked.flags:
                return printing.format_kv(oids(path, None))
            return printing.format_kv(printing.only(rows[0], asked.proplist))
        if asked.where is not None:
            predicate = compile_where(asked.where, lambda group: self._evaluate(group, path))
            rows = [row for row in rows if predicate(row)]
        self._numbers[path] = [row.get(".id", "") for row in rows]
        if "count-only" in asked.flags:
            return [str(len(rows))]
        if "oid" in asked.flags:  # the SNMP OIDs of each item's values
            shown = [oids(path, int(row.get(".id", "*0")[1:] or "0", 16)) for row in rows]
            return printing.format_terse(list(enumerate(shown)), printing.Look())
        shown = [printing.only(row, asked.proplist) for row in rows]
        if "as-value" in asked.flags:
            return [";".join(f"{k}={v}" for k, v in row.items()) for row in shown]
        return printing.format_items(path, list(enumerate(shown)), v7=self.v7, width=self.width,
                                     detail="detail" in asked.flags, terse="terse" in asked.flags,
                                     upper_detail=self._upper_detail)

    def _export(self, path: tuple[str, ...], rest: Sequence[Node], col: int) -> list[str]:
        asked = parse_export_args(rest, v7=self.v7)
        if path and "export" not in self.device.menus.verbs(path):
            raise error_at(msg.BAD_COMMAND_NAME, col, word="export")
        if asked.file is not None:  # the router writes the file; nothing is printed
            self._call(path, "export", {**{flag: "" for flag in asked.flags}, "file": asked.file}, col, rest)
            return []
        text = self.device.export(path=path or None, terse="terse" in asked.flags,
                                  verbose="verbose" in asked.flags, show_sensitive=asked.show_sensitive)
        return text.replace("\r\n", "\n").rstrip("\n").split("\n")


def _text(lines: Sequence[str]) -> str:
    return "".join(line + "\n" for line in lines)
