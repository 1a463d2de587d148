"""Scripts on a simulated router: ``/import``, ``/system script run``, ``/execute``.

Script text is read with the project's RouterOS parser (:mod:`mikronet.routeros`: the lexer splits
statements, the syntax module builds a :class:`~mikronet.routeros.model.Command` from each), and
every command runs through :meth:`SimDevice.call`, exactly as if a client had sent it. The handful of
scripting statements a revert or start-up script needs are understood here (``:log``, ``:put``,
``:delay``, which does not wait); anything else stops the script with RouterOS's error text.
The scheduler (:mod:`mikronet.sim.scheduler`) runs its entries through here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mikronet.sim import messages as msg
from mikronet.sim.compiler import Problem, Statement, compile_script
from mikronet.sim.config import PathHooks
from mikronet.sim.formats import format_date
from mikronet.sim.menus import Request, split_command
from mikronet.sim.reply import CommandTrap, Reply
from mikronet.sim.store import Item, parse_id

if TYPE_CHECKING:
    from mikronet.routeros.model import Command
    from mikronet.sim.state import RouterState

__all__ = [
    "ScriptResult",
    "load_initial_config",
    "register_scripting",
    "run_file_later",
    "run_item",
    "run_script",
    "script_hooks",
]

LOG = logging.getLogger(__name__)
STARTUP_DELAY = 3.0
"""Seconds after boot at which ``start-time=startup`` entries run (RouterOS waits a few seconds)."""


@dataclass
class ScriptResult:
    """What running a script gave: printed lines, what was refused (the first error stopped it,
    unless the run went on past errors), and whether it ended in a reboot."""

    output: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    commands: int = 0
    rebooting: bool = False
    compiled: bool = True
    """False when a syntax error kept the whole script from running."""

    @property
    def error(self) -> str | None:
        return self.problems[0].message if self.problems else None

    @property
    def line(self) -> int | None:
        return self.problems[0].line if self.problems else None

    @property
    def column(self) -> int | None:
        return self.problems[0].column if self.problems else None

    @property
    def located_error(self) -> str | None:
        return self.problems[0].text if self.problems else None


def _scripting_statement(device: RouterState, text: str, result: ScriptResult) -> bool:
    """Handle ``:log``/``:put``/``:delay``; False when ``text`` is another scripting command."""
    word, _, rest = text.partition(" ")
    rest = rest.strip()
    if rest.startswith('"') and rest.endswith('"') and len(rest) >= 2:
        rest = rest[1:-1]
    if word == ":put":
        result.output.append(rest)
        return True
    if word == ":log":
        level, _, message = rest.partition(" ")
        message = message.strip().strip('"')
        device.log_event(f"script,{level}", message)
        return True
    return word == ":delay"


def _selector_ids(device: RouterState, command_word: str, cmd: Command, user: str) -> str | None:
    from mikronet.routeros.model import Find, Ref

    selector = cmd.selector
    if selector is None:
        return None
    path, _ = split_command(command_word)
    if isinstance(selector, Ref):
        if selector.is_number:
            rows = device.call("/" + "/".join((*path, "print")), {}, user=user).rows
            ids = []
            for number in selector.values:
                index = int(number)
                if index >= len(rows):
                    raise CommandTrap(msg.NO_SUCH_ITEM, msg.NO_SUCH_CATEGORY)
                ids.append(rows[index].get(".id", ""))
            return ",".join(ids)
        return ",".join(selector.values)
    assert isinstance(selector, Find)
    rows = device.call("/" + "/".join((*path, "print")), {}, user=user).rows
    chosen = []
    for row in rows:
        ok = True
        for cond in selector.conds:
            actual = row.get(cond.key, "")
            if cond.op == "=":
                ok = _same(actual, cond.value)
            elif cond.op == "!=":
                ok = not _same(actual, cond.value)
            else:
                ok = re.search(cond.value, actual) is not None
            if not ok:
                break
        if ok and ".id" in row:
            chosen.append(row[".id"])
    return ",".join(chosen)


def _same(actual: str, wanted: str) -> bool:
    from mikronet.sim.config import api_bool

    return actual == wanted or api_bool(actual) == api_bool(wanted)


def _run_command(device: RouterState, cmd: Command, menu: str, user: str) -> Reply:
    assert cmd.verb is not None
    parts = tuple(cmd.menu(menu)[1:].split())
    command_word = "/" + "/".join((*parts, cmd.verb))
    args: dict[str, str] = {}
    for key, value in cmd.args:
        if value is None:
            args["!" + key] = ""
        else:
            args[key] = value
    for flag in cmd.flags:
        args[flag] = ""
    ids = _selector_ids(device, command_word, cmd, user)
    if ids is not None:
        if ids == "":
            return Reply()  # [ find … ] matched nothing: RouterOS does nothing
        args[".id"] = ids
    return device.call(command_word, args, user=user)


def run_script(device: RouterState, text: str, *, user: str = "admin", stop_on_error: bool = True) -> ScriptResult:
    """Run RouterOS script text on ``device`` as RouterOS does: compiled whole first (a syntax error
    anywhere runs nothing), then line by line until a command fails.

    ``stop_on_error=False`` is for loading a backup into a simulated router: every line that can run
    runs, and every refused line -- syntax or runtime -- is listed in the result.
    """
    compiled = compile_script(device, text)
    result = ScriptResult(problems=list(compiled.problems))
    if compiled.problems and stop_on_error:
        result.compiled = False
        return result
    _run_statements(device, compiled.statements, result, user, stop_on_error)
    result.problems.sort(key=lambda p: (p.line, p.column))
    return result


def _run_statements(
    device: RouterState, statements: list[Statement], result: ScriptResult, user: str, stop_on_error: bool
) -> list[Statement]:
    """Run compiled statements in order; the ones a router refused at run time are returned."""
    failed: list[Statement] = []
    for statement in statements:
        if statement.scripting is not None:
            if _scripting_statement(device, statement.scripting, result):
                continue
            word = statement.scripting.split(" ", 1)[0]
            unknown = msg.BAD_COMMAND_NAME_BARE.format(word=word)
            result.problems.append(Problem(statement.line, statement.column, unknown))
            failed.append(statement)
            if stop_on_error:
                break
            continue
        assert statement.command is not None
        try:
            reply = _run_command(device, statement.command, statement.menu, user)
        except CommandTrap as trap:
            reply = Reply(trap=trap.trap)
        result.commands += 1
        if reply.trap is not None:
            result.problems.append(Problem(statement.line, statement.column, reply.trap.message))
            failed.append(statement)
            LOG.info("%s: script stopped at line %s: %s", device.spec.router_id, statement.line, reply.trap.message)
            if stop_on_error:
                break
        if reply.disconnect:
            result.rebooting = True
            break
    return failed


# --- /import, /execute, /system script run ---------------------------------------------------------


def _import(device: RouterState, request: Request) -> Reply:
    name = request.args.get("file-name", "")
    item = device.find_file(name)
    if item is None:
        raise CommandTrap(msg.NO_SUCH_FILE, msg.CATEGORY_GENERAL)
    text = item.values.get("contents", "")
    if request.flag("dry-run"):
        if not device.behaviour.import_dry_run:
            raise CommandTrap(msg.UNKNOWN_PARAMETER, msg.CATEGORY_ARGUMENT)
        saved, files = device.store.snapshot(), device.snapshot_files()
        try:
            result = run_script(device, _without_reboots(text), user=request.user)
        finally:
            device.store.restore(saved)
            device.restore_files(files)
    else:
        result = run_script(device, text, user=request.user)
    if result.rebooting:
        return Reply(disconnect=True)
    if result.error is not None:
        raise CommandTrap(result.located_error or result.error, msg.CATEGORY_SCRIPT)
    return Reply()


def _without_reboots(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not re.search(r"\b(reboot|backup load)\b", line))


def _execute(device: RouterState, request: Request) -> Reply:
    if request.flag("as-string") and not device.behaviour.execute_as_string:
        raise CommandTrap(msg.UNKNOWN_PARAMETER, msg.CATEGORY_ARGUMENT)
    script = request.args.get("script", "")
    output = _console_output(device, script, request.user)
    if request.flag("as-string"):
        return Reply(ret=output) if output else Reply()
    run = device.next_tool_run()
    if request.args.get("file"):
        device.write_file(request.args["file"] + ".txt", output)
    return Reply(ret=f"*{run:X}")


def _console_output(device: RouterState, script: str, user: str) -> str:
    """What the script prints on a console (the console module formats; scripts run line by line)."""
    try:
        from mikronet.sim.console import Console
    except ImportError:  # the console is optional: fall back to running the commands silently
        result = run_script(device, script, user=user)
        error = result.located_error
        return "\n".join(result.output + ([error] if error else []))
    console = Console(device, user=user, width=200, height=10000)
    pieces = []
    for line in script.replace("\r\n", "\n").split("\n"):
        if line.strip():
            pieces.append(console.feed(line).text)
    return "".join(pieces)


def _script_run(device: RouterState, request: Request) -> Reply:
    menu = device.config_menu(("system", "script"))
    ref = request.args.get(".id") or request.args.get("number") or request.args.get("numbers") or ""
    item = menu.find(ref)
    result = run_item(device, item, request.user)
    if result.rebooting:
        return Reply(disconnect=True)
    if result.error is not None:
        raise CommandTrap(result.located_error or result.error, msg.CATEGORY_SCRIPT)
    return Reply()


def run_item(device: RouterState, item: Item, user: str) -> ScriptResult:
    """Run a ``/system script`` item (counting the run), as ``run`` and the scheduler do."""
    item.values["run-count"] = str(int(item.values.get("run-count", "0")) + 1)
    item.values["last-started"] = format_date(device.clock.wall(), iso=device.behaviour.iso_dates)
    return run_script(device, item.values.get("source", ""), user=user)


def script_hooks(device: RouterState) -> PathHooks:
    def computed(item: Item, request: Request | None) -> dict[str, str]:
        return {"owner": item.values.get("owner", "admin"), "run-count": item.values.get("run-count", "0")}

    def validate(values: dict[str, str], item: Item | None) -> None:
        if item is None:  # a new script belongs to whoever made it, and its export says so
            values.setdefault("owner", device.spec.username)

    return PathHooks(computed=computed, validate=validate, extra_verbs={"run": lambda r: _script_run(device, r)})


def run_file_later(device: RouterState, filename: str) -> None:
    """Run a file's script once the router is up (``reset-configuration run-after-reset=``)."""

    def run() -> None:
        item = device.find_file(filename)
        if item is not None:
            run_script(device, item.values.get("contents", ""), stop_on_error=False)

    device.call_later(STARTUP_DELAY, run)


def load_initial_config(device: RouterState, text: str) -> ScriptResult:
    """Bring a factory router to the state an export describes (``sim up --from-backups``).

    Every line that can run runs. A line the router refused at run time is tried again once the rest
    has run, as long as that helps: an export may name an item before the line that creates it
    (``/queue interface`` before ``/interface vlan``), which a backup restore does not care about.
    The result lists what stayed refused, each with its line and RouterOS's message.
    """
    compiled = compile_script(device, text)
    result = ScriptResult()
    pending = _run_statements(device, compiled.statements, result, "admin", False)
    refused = result.problems
    while pending and not result.rebooting:
        attempt = ScriptResult()
        again = _run_statements(device, pending, attempt, "admin", False)
        progressed = len(again) < len(pending)
        pending, refused = again, attempt.problems
        if not progressed:
            break
    result.problems = sorted([*compiled.problems, *refused], key=lambda p: (p.line, p.column))
    for problem in result.problems:
        LOG.warning("%s: initial configuration: %s", device.spec.router_id, problem.text)
    return result


def register_scripting(device: RouterState) -> None:
    device.menus.register((), "import", lambda r: _import(device, r))
    device.menus.register((), "execute", lambda r: _execute(device, r))
    device.menus.register(("system", "script", "job"), "print", lambda r: Reply())
    _ = parse_id  # ids of scripts are resolved by the script menu itself
