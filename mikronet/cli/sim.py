"""``mikronet sim up | down | run``: simulated RouterOS routers on loopback for the inventory.

``up`` starts the fleet in the background and returns once every router listens; ``down`` stops it;
``run`` keeps it in the foreground until Ctrl-C. The fleet writes ``DIR/inventory.yaml``: the same
inventory with every router pointing at its simulated twin (``mikronet -i DIR/inventory.yaml …``).
"""

from __future__ import annotations

import importlib.util
import json
import signal
import threading
from pathlib import Path
from typing import Any

import click

from mikronet.cli.main import get_app
from mikronet.errors import InputError

SIM_EXTRA_MODULES = ("asyncssh", "cryptography")
"""What the simulator needs beyond the product: the ``sim`` extra of the package."""

DEFAULT_DIR = Path(".sim")


def _fleet_options(
    latency_ms: float,
    faults: tuple[str, ...],
    fault_seed: int,
    boot_time: float | None,
    adh: bool,
    no_ssh: bool,
) -> Any:
    from dataclasses import replace

    from mikronet.sim.device import DeviceOptions
    from mikronet.sim.faults import parse_fault
    from mikronet.sim.runtime import FleetOptions

    device = DeviceOptions()
    if boot_time is not None:
        device = replace(device, boot_time=boot_time, install_boot_time=max(boot_time * 2.5, boot_time))
    return FleetOptions(
        latency_ms=latency_ms,
        device=device,
        faults=tuple(parse_fault(f) for f in faults),
        fault_seed=fault_seed,
        api_ssl_certificate=not adh,
        ssh=not no_ssh,
    )


def _fleet_arguments(f: Any) -> Any:
    options = [
        click.option(
            "--dir",
            "directory",
            type=click.Path(path_type=Path),
            default=DEFAULT_DIR,
            show_default=True,
            help="Where the fleet keeps its state, certificates and the simulated inventory.",
        ),
        click.option(
            "--latency-ms",
            type=click.FloatRange(min=0),
            default=0.0,
            show_default=True,
            help="Round-trip time added to every API reply.",
        ),
        click.option(
            "--fault",
            "faults",
            multiple=True,
            metavar="SPEC",
            help="KIND, KIND=ROUTER[,ROUTER] or KIND=N%. Kinds: refuse, wrong-password, hang, drop, "
            "never-return, old-version, download-fail, disk-full.",
        ),
        click.option("--fault-seed", type=int, default=0, help="Seed that picks the routers of KIND=N% faults."),
        click.option(
            "--from-backups",
            type=click.Path(path_type=Path, exists=True, file_okay=False),
            help="Start each router from its last backup (BACKUPS/<school>/<router>.rsc).",
        ),
        click.option(
            "--boot-time",
            type=click.FloatRange(min=0),
            default=None,
            help="Seconds a reboot takes (default 3; an upgrade takes 2.5 times as long).",
        ),
        click.option("--adh", is_flag=True, help="api-ssl without a certificate (anonymous DH only)."),
        click.option("--no-ssh", is_flag=True, help="Do not start the SSH servers."),
        click.option("--strict", is_flag=True,
                     help="Fail (exit 2, nothing left running) if a router refuses a line of its backup."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def require_simulator(command: str) -> None:
    """Stop with exit status 2 and the install line when the ``sim`` extra is not installed."""
    missing = [name for name in SIM_EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise InputError(f"`mikronet {command}` needs the simulator, which is not installed (missing: "
                         f"{', '.join(missing)}); install it with: pip install 'mikronet[sim]'")


@click.group()
def sim() -> None:
    """Simulated RouterOS routers on loopback, one per inventory router."""
    require_simulator("sim")


def _summary(endpoints: dict[str, Any], inventory: Path, as_json: bool,
             refused: dict[str, list[str]] | None = None) -> None:
    refused = refused or {}
    if as_json:
        click.echo(json.dumps({"inventory": str(inventory), "routers": endpoints, "refused": refused},
                              ensure_ascii=False, indent=1))
        return
    for router_id, lines in refused.items():
        click.echo(f"{router_id}: {len(lines)} line{'s' if len(lines) != 1 else ''} of its backup refused", err=True)
        for line in lines:
            click.echo(f"  {line}", err=True)
    click.echo(f"{len(endpoints)} simulated routers listening; inventory: {inventory}")
    for router_id, ep in list(endpoints.items())[:10]:
        ssh = f" ssh {ep['ssh']}" if ep.get("ssh") else ""
        click.echo(f"  {router_id:<18} {ep['host']:<15} api {ep['api']} api-ssl {ep['api_ssl']}{ssh}")
    if len(endpoints) > 10:
        click.echo(f"  … and {len(endpoints) - 10} more")


@sim.command()
@_fleet_arguments
@click.pass_context
def up(
    ctx: click.Context,
    directory: Path,
    latency_ms: float,
    faults: tuple[str, ...],
    fault_seed: int,
    from_backups: Path | None,
    boot_time: float | None,
    adh: bool,
    no_ssh: bool,
    strict: bool,
) -> None:
    """Start the fleet in the background; return once every router listens.

    With ``--from-backups`` each router starts from its backup; every line a router refuses is
    listed (file:line and RouterOS's message). ``--strict`` makes any refused line a failure."""
    from mikronet.sim.daemon import FleetStateError, start_background, stop_background

    app = get_app(ctx)
    _fleet_options(latency_ms, faults, fault_seed, boot_time, adh, no_ssh)  # bad input fails here, not later
    argv = [
        "-i",
        str(app.inventory_path.resolve()),
        "sim",
        "run",
        "--dir",
        str(directory.resolve()),
        "--latency-ms",
        str(latency_ms),
        "--fault-seed",
        str(fault_seed),
    ]
    for fault in faults:
        argv += ["--fault", fault]
    if from_backups is not None:
        argv += ["--from-backups", str(from_backups.resolve())]
    if boot_time is not None:
        argv += ["--boot-time", str(boot_time)]
    argv += ["--adh"] if adh else []
    argv += ["--no-ssh"] if no_ssh else []
    state = start_background(directory, argv)
    refused = state.get("refused") or {}
    if strict and refused:
        stop_background(directory)
        _summary({}, directory / "inventory.yaml", app.json_output, refused)
        count = sum(len(lines) for lines in refused.values())
        raise FleetStateError(f"--strict: {count} refused line(s) on {len(refused)} router(s); the fleet was stopped")
    _summary(state["routers"], directory / "inventory.yaml", app.json_output, refused)


@sim.command()
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=DEFAULT_DIR, show_default=True)
@click.pass_context
def down(ctx: click.Context, directory: Path) -> None:
    """Stop the fleet started with `sim up`."""
    from mikronet.sim.daemon import stop_background

    pid = stop_background(directory)
    if get_app(ctx).json_output:
        click.echo(json.dumps({"stopped": pid}))
    elif pid is None:
        click.echo(f"no simulated fleet running in {directory}")
    else:
        click.echo(f"simulated fleet stopped (pid {pid})")


@sim.command()
@_fleet_arguments
@click.pass_context
def run(
    ctx: click.Context,
    directory: Path,
    latency_ms: float,
    faults: tuple[str, ...],
    fault_seed: int,
    from_backups: Path | None,
    boot_time: float | None,
    adh: bool,
    no_ssh: bool,
    strict: bool,
) -> None:
    """Run the fleet in the foreground until interrupted (Ctrl-C)."""
    from mikronet.inventory import load_inventory
    from mikronet.sim.daemon import read_state, remove_state, write_state
    from mikronet.sim.fleet import SimFleet
    from mikronet.sim.requests import serve_requests

    app = get_app(ctx)
    options = _fleet_options(latency_ms, faults, fault_seed, boot_time, adh, no_ssh)
    inventory = load_inventory(app.inventory_path)
    running = read_state(directory)
    if running is not None:
        from mikronet.sim.daemon import FleetStateError

        raise FleetStateError(f"{directory}: a simulated fleet is already running (pid {running['pid']})")
    initial = sources = None
    if from_backups is not None:
        from mikronet.ops.backup import BackupStore

        store = BackupStore(from_backups)
        initial = store.read

        def sources(router_id: str) -> str:
            return str(store.path_for(router_id))
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    fleet = SimFleet(inventory, directory=directory, options=options, initial_configs=initial,
                     config_sources=sources)
    fleet.start()
    fleet.follow_source()
    try:
        refused = fleet.refused()
        if strict and refused:
            from mikronet.sim.daemon import FleetStateError

            _summary({}, fleet.inventory_path, app.json_output, refused)
            raise FleetStateError(f"--strict: {sum(len(v) for v in refused.values())} refused line(s)")
        write_state(directory, "ready", fleet.endpoints, inventory=str(fleet.inventory_path), refused=refused)
        _summary({rid: vars(ep) for rid, ep in fleet.endpoints.items()}, fleet.inventory_path, app.json_output,
                 refused)
        while not stop.wait(0.2):
            serve_requests(fleet, directory)
    finally:
        fleet.stop()
        remove_state(directory)


@sim.command("swap")
@click.argument("router_id")
@click.option("--model", required=True, help="The new device's model (product name, board name or model string).")
@click.option("--serial", required=True, help="The new device's serial number.")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=DEFAULT_DIR, show_default=True)
@click.pass_context
def swap(ctx: click.Context, router_id: str, model: str, serial: str, directory: Path) -> None:
    """Replace ROUTER in the running fleet by a factory-fresh device of MODEL with SERIAL at the same
    address (a new SSH host key and TLS certificate): rehearse a physical replacement, then record it
    with `mikronet swap ROUTER --new-serial SERIAL --new-model MODEL --provision`."""
    from mikronet.sim.requests import submit

    reply = submit(directory, {"op": "swap", "router": router_id, "model": model, "serial": serial})
    if get_app(ctx).json_output:
        click.echo(json.dumps(reply, ensure_ascii=False))
        return
    click.echo(f"{reply['router']}: replaced by a factory-fresh {reply['name']} ({reply['model']}), serial "
               f"{reply['serial']}; new TLS certificate {reply['tls_fingerprint'] or '(none)'}")
