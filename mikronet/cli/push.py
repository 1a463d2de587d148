"""``mikronet trust | render | plan | push``: templates → plan → safe apply, from the terminal."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mikronet.cli.completion import complete_limit, complete_router
from mikronet.cli.main import get_app
from mikronet.secret import REDACTOR

__all__ = ["plan", "push", "render", "trust"]

F = TypeVar("F", bound=Callable[..., Any])

_OP_STYLE = {"add": ("+", "green"), "set": ("~", "yellow"), "remove": ("-", "red"), "move": ("↕", "cyan")}


def _echo(text: str = "", *, err: bool = False, **style: Any) -> None:
    text = REDACTOR.redact(text)
    if style and (sys.stderr if err else sys.stdout).isatty():
        text = click.style(text, **style)
    click.echo(text, err=err)


def _selection_options(func: F) -> F:
    func = click.option("-l", "--limit", default=None, metavar="PATTERN", shell_complete=complete_limit,
                        help="Routers to include (ids, globs, key=value, group:NAME, !negation; "
                        "comma-separated).")(func)
    func = click.option("--templates", type=click.Path(path_type=Path, file_okay=False), default=None,
                        help="Template folder (default: the project's templates/).")(func)
    return click.option("--json", "json_local", is_flag=True, help="Machine-readable output.")(func)


def _routers(ctx: click.Context, limit: str | None) -> tuple[Any, list[Any]]:
    from mikronet.inventory import load_inventory, resolve_secrets, select

    inventory = load_inventory(get_app(ctx).inventory_path)
    return inventory, resolve_secrets(select(inventory, limit))


def _pusher(ctx: click.Context, inventory: Any, templates: Path | None, **options: Any) -> Any:
    from mikronet.ops.backup import BackupStore
    from mikronet.ops.push import Pusher, PushOptions
    from mikronet.render import Renderer, find_template_dir
    from mikronet.transport import TrustStore

    backups = BackupStore(inventory.trust_dir / "backups")
    renderer = Renderer(find_template_dir(inventory, templates))
    return Pusher(renderer, TrustStore(inventory.known_hosts), backups, options=PushOptions(**options))


def _print_result(result: Any, *, show_plan: bool) -> None:
    from mikronet.ops.apply import op_line

    status = str(result.status)
    colour = {"ok": "green", "changed": "yellow", "planned": "cyan"}.get(status, "red")
    counts = ", ".join(f"{n} {k}" for k, n in _counts(result.plan).items()) or "no changes"
    _echo(f"{result.router}: {status} ({counts})", fg=colour, bold=True)
    if show_plan:
        for op in result.plan:
            mark, fg = _OP_STYLE[type(op).__name__.lower()]
            _echo(f"  {mark} {op_line(op)}", fg=fg)
    if result.reason:
        _echo(f"  reason: {result.reason}", fg="red")
    if result.error:
        _echo(f"  error: {result.error}", fg="red")
    if result.applied and str(result.status) != "changed":
        _echo(f"  applied before it stopped: {len(result.applied)} operation(s)")
        for line in result.applied:
            _echo(f"    {line}")
    if result.backup:
        _echo(f"  backup: {result.backup}")


def _counts(plan: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for op in plan:
        name = type(op).__name__.lower()
        out[name] = out.get(name, 0) + 1
    return out


def _run(ctx: click.Context, desired: list[Any], step: Callable[[Any], Any], as_json: bool) -> None:
    """Run ``step`` per router, printing each result as it comes (JSON: all at the end); set the status."""
    from mikronet.ops.result import exit_status

    results = []
    for item in desired:
        result = step(item)
        results.append(result)
        if not as_json:
            _print_result(result, show_plan=True)
    if as_json:
        _echo(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2))
    else:
        tally: dict[str, int] = {}
        for result in results:
            tally[str(result.status)] = tally.get(str(result.status), 0) + 1
        _echo(", ".join(f"{n} {s}" for s, n in sorted(tally.items())) or "no routers")
    ctx.exit(exit_status(results))


@click.command()
@click.argument("router_id", shell_complete=complete_router)
@click.option("--yes", is_flag=True, help="Pin without asking.")
@click.pass_context
def trust(ctx: click.Context, router_id: str, yes: bool) -> None:
    """Pin ROUTER's SSH host key and api-ssl certificate in the inventory's known_hosts.

    Trust on first use is explicit: the fingerprints are shown, and pinned when you confirm.
    A pin that differs from an earlier one is replaced only with --yes.
    """
    from mikronet.inventory import load_inventory, select
    from mikronet.transport import TrustStore, fetch_identity

    inventory = load_inventory(get_app(ctx).inventory_path)
    router = select(inventory, router_id)[0]
    store = TrustStore(inventory.known_hosts)
    presented = fetch_identity(router)
    for line in presented.describe():
        _echo(f"{router.id}: {line}")
    old_ssh, old_tls = store.ssh_key(router.id), store.tls_fingerprint(router.id)
    ssh_changed = old_ssh is not None and presented.ssh is not None and old_ssh.value != presented.ssh.value
    tls_changed = old_tls is not None and presented.tls is not None and old_tls != presented.tls.value
    if (ssh_changed or tls_changed) and not yes:
        _echo(f"{router.id}: differs from the pinned identity; re-run with --yes only if the router was replaced",
              err=True, fg="red")
        ctx.exit(1)
    if not yes and not click.confirm("Pin these?", default=False):
        ctx.exit(1)
    for pin in (presented.ssh, presented.tls):
        if pin is not None:
            store.record(pin)
    _echo(f"{router.id}: pinned in {store.path}")


@click.command()
@click.argument("router_id", required=False, shell_complete=complete_router)
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option("--check", "check_only", is_flag=True,
              help="Render and parse the template of every selected router; print only problems.")
@click.option("-l", "--limit", default=None, metavar="PATTERN", shell_complete=complete_limit,
              help="With --check: the routers to check.")
@click.pass_context
def render(ctx: click.Context, router_id: str | None, templates: Path | None, check_only: bool,
           limit: str | None) -> None:
    """Print ROUTER's rendered template (secrets shown as ***), or check many with --check.

    Nothing is sent to any router. --check reports every router whose template does not render or
    does not parse (template, line, router) and exits 2 if there is one.
    """
    from mikronet.inventory import load_inventory, select
    from mikronet.render import Renderer, check_lines, check_render, find_template_dir

    if not check_only and router_id is None:
        raise click.UsageError("name a ROUTER, or use --check")
    inventory = load_inventory(get_app(ctx).inventory_path)
    routers = select(inventory, router_id if router_id is not None else limit)
    renderer = Renderer(find_template_dir(inventory, templates))
    if check_only:  # identical failures once each, with every router they hit
        result = check_render(routers, renderer)
        for line in check_lines(result):
            _echo(line, err=True)
        _echo(result.summary())
        ctx.exit(0 if result.ok else 2)
    click.echo(REDACTOR.redact(renderer.render_router(routers[0])), nl=False)


@click.command()
@_selection_options
@click.pass_context
def plan(ctx: click.Context, limit: str | None, templates: Path | None, json_local: bool) -> None:
    """Show what a push would change on the selected routers (reads only)."""
    inventory, routers = _routers(ctx, limit)
    pusher = _pusher(ctx, inventory, templates, check=True)
    _run(ctx, pusher.render(routers), pusher.plan, json_local or get_app(ctx).json_output)


@click.command()
@_selection_options
@click.option("--check", is_flag=True, help="Only show the plan (same as `mikronet plan`).")
@click.option("--revert-after", type=float, default=60.0, show_default=True,
              help="Seconds the router waits for verification before restoring its backup.")
@click.pass_context
def push(ctx: click.Context, limit: str | None, templates: Path | None, json_local: bool, check: bool,
         revert_after: float) -> None:
    """Bring the selected routers to their templates: plan, back up, arm revert, apply, verify."""
    inventory, routers = _routers(ctx, limit)
    pusher = _pusher(ctx, inventory, templates, check=check, revert_after=revert_after)
    _run(ctx, pusher.render(routers), pusher.push, json_local or get_app(ctx).json_output)
