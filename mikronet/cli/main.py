"""Entry point and command table.

Sub-command groups live in their own modules and are imported only when invoked, so
``mikronet --help`` and ``mikronet --version`` start fast (``bench/bench_startup.py`` measures it).
Exit status: 0 success, 1 some routers failed, 2 bad input, 3 differences found (``--exit-code`` of
``plan``, ``config diff``, ``report drift``). A command that finished with failed
routers ends with ``ctx.exit(1)``; bad input raises an :class:`~mikronet.errors.InputError`.
"""

from __future__ import annotations

import difflib
import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from mikronet import __version__
from mikronet.errors import MikronetError
from mikronet.vocabulary import CATEGORIES

# command name -> ("module:attribute", one-line help shown by --help without importing the module)
COMMANDS: dict[str, tuple[str, str]] = {
    "inventory": ("mikronet.cli.inventory:inventory", "Check, list, show, import and export the inventory."),
    "config": ("mikronet.cli.config:config", "Parse, diff and normalise RouterOS script files."),
    "sim": ("mikronet.cli.sim:sim", "Start and stop simulated RouterOS routers on loopback."),
    "trust": ("mikronet.cli.push:trust", "Show and pin routers' SSH host keys and TLS certificates."),
    "tls-enroll": ("mikronet.cli.push:tls_enroll", "Move routers off plain API: a certificate of their own, pinned."),
    "render": ("mikronet.cli.push:render", "Print a router's rendered template, or check them all."),
    "plan": ("mikronet.cli.push:plan", "Show what a push would change on the selected routers."),
    "push": ("mikronet.cli.push:push", "Bring the selected routers to their templates, safely, in waves."),
    "facts": ("mikronet.cli.push:facts", "What each router is and runs: model, RouterOS, firmware, storage."),
    "backup": ("mikronet.cli.push:backup", "Commit each router's export to the backup history."),
    "upgrade": ("mikronet.cli.interventions:upgrade", "Upgrade RouterOS and firmware across the fleet, in waves."),
    "swap": ("mikronet.cli.interventions:swap", "Record a replaced router: inventory, new pins, ledger; --provision."),
    "add-device": ("mikronet.cli.interventions:add_device", "Add a device at a school: inventory, pins, ledger."),
    "restore": ("mikronet.cli.interventions:restore", "Bring a router back to a stored export, safely."),
    "history": ("mikronet.cli.interventions:history", "A router's ledger events and backup commits: who, when, what."),
    "measure": ("mikronet.cli.interventions:measure", "Measure schools' bandwidth with RouterOS's bandwidth test."),
    "run": ("mikronet.cli.run:run", "Run a playbook: steps across the fleet with one rollout strategy."),
    "demo": ("mikronet.cli.demo:demo", "Rehearse the main job on a simulated fleet."),
    "ledger": ("mikronet.cli.ledger:ledger", "List, show, export, import and verify the ledger of interventions."),
    "record": ("mikronet.cli.ledger:record", "Record work done at a school away from the router (a consultation)."),
    "assess": ("mikronet.cli.assess:assess", "What each school needs: measured vs contracted, router capacity."),
    "report": ("mikronet.cli.report:report", "Programme progress, upgrade audit, drift, compensation."),
    "completion": ("mikronet.cli.completion:completion", "Print the shell completion script (bash, zsh, fish)."),
    "state": ("mikronet.cli.state:state", "Each router's current state as every operation left it; rebuild it."),
    "serve": ("mikronet.cli.serve:serve", "Serve the read-only web dashboard (needs the [web] extra)."),
    "user": ("mikronet.cli.serve:user", "Add the web dashboard's users and their roles."),
}

DEFAULT_INVENTORY = Path("inventory")


@dataclass
class AppContext:
    """Global options, handed to every command."""

    inventory_path: Path = DEFAULT_INVENTORY
    ledger_url: str | None = None
    json_output: bool = False
    technician: str | None = None
    programme: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class LazyGroup(click.Group):
    """A group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module_name, attr = spec[0].split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None  # not built yet
            raise
        command = getattr(module, attr)
        assert isinstance(command, click.Command)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """As click's, but an unknown command gets the nearest ones (``puhs`` → ``push``)."""
        name = click.utils.make_str(args[0])
        if self.get_command(ctx, name) is None and not name.startswith("-") and not ctx.resilient_parsing:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"no such command {name!r}{hint} (mikronet --help lists them)")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; bad input and router errors become ``error: …`` and their exit status."""
        try:
            return super().invoke(ctx)
        except MikronetError as exc:
            report_error(ctx, exc)
            ctx.exit(exc.exit_status)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="mikronet")
@click.option(
    "-i",
    "--inventory",
    "inventory_path",
    type=click.Path(path_type=Path),
    default=DEFAULT_INVENTORY,
    show_default=True,
    envvar="MIKRONET_INVENTORY",
    help="Inventory file or folder.",
)
@click.option(
    "--ledger",
    "ledger_url",
    default=None,
    envvar="MIKRONET_LEDGER",
    help="Ledger: sqlite:///PATH or postgresql://… [default: ledger.sqlite beside the inventory].",
)
@click.option("--technician", default=None, envvar="MIKRONET_TECHNICIAN",
              help="Who does the work, for the ledger and the backups' commits [default: git's user.name].")
@click.option("--programme", default=None, metavar="CATEGORY",
              type=click.Choice(CATEGORIES),
              help="Count what this command does at each school as this short-term solution of the programme.")
@click.option("--json", "json_output", is_flag=True, help="Machine-readable output.")
@click.pass_context
def cli(ctx: click.Context, inventory_path: Path, ledger_url: str | None, technician: str | None,
        programme: str | None, json_output: bool) -> None:
    """mikronet: run the MikroTik RouterOS routers of Latvian schools.

    Exit status: 0 success, 1 some routers failed, 2 bad input, 3 differences found
    (`plan`, `config diff` and `report drift` with --exit-code).
    """
    ctx.obj = AppContext(inventory_path=inventory_path, ledger_url=ledger_url, json_output=json_output,
                         technician=technician, programme=programme)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status instead of exiting (tests call this)."""
    try:
        status = cli.main(args=argv, prog_name="mikronet", standalone_mode=False)
        if isinstance(status, int):  # click hands back ctx.exit(N) as the return value here
            return status
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.UsageError as exc:
        exc.show()
        return 2
    except click.ClickException as exc:
        exc.show()
        return 2 if exc.exit_code in (1, 2) else exc.exit_code
    except MikronetError as exc:
        from mikronet.secret import REDACTOR

        click.echo(f"error: {REDACTOR.redact(str(exc))}", err=True)
        return exc.exit_status
    except BrokenPipeError:  # e.g. `mikronet inventory list | head`
        sys.stderr.close()
        return 0
    return 0


def report_error(ctx: click.Context, exc: MikronetError) -> None:
    """``error: …`` on stderr; with ``--json``, a JSON object on stdout with the error's fields."""
    from mikronet.secret import REDACTOR

    app = ctx.find_object(AppContext)
    if app is not None and (app.json_output or "--json" in sys.argv[1:]):
        import json

        fields = {k: v for k, v in vars(exc).items() if isinstance(v, str | int | None) and not k.startswith("_")}
        payload = {"error": {"type": type(exc).__name__, "message": REDACTOR.redact(str(exc)),
                             "exit_status": exc.exit_status,
                             **{k: REDACTOR.redact(v) if isinstance(v, str) else v for k, v in fields.items()}}}
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    click.echo(f"error: {REDACTOR.redact(str(exc))}", err=True)


def get_app(ctx: click.Context) -> AppContext:
    """The :class:`AppContext` of the running invocation."""
    obj = ctx.find_object(AppContext)
    if obj is None:  # a sub-command invoked on its own in a test
        obj = AppContext()
        ctx.obj = obj
    return obj
