"""The push under every interruption point, as a real process and a real signal.

For each transport and RouterOS version, a `mikronet push` is held by the simulated router at one
point of its conversation -- before the backup, after it, in the middle of the apply, during the
verification, before the disarm -- and killed there (SIGKILL) or interrupted (SIGINT). A re-run must
then end with the router at its template, no scheduler entry, no lock, no leftover file, and a
before/after pair in the backup history.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.fleet import pin_all, pinned_fleet

from mikronet.inventory import Inventory
from mikronet.ops.backup import BackupStore
from mikronet.ops.fleet import Fleet
from mikronet.ops.push import PushOptions
from mikronet.ops.tasks import Plan, Push
from mikronet.runner.results import Status
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions
from mikronet.transport import Command, TrustStore, connect

from .conftest import ENV, PASSWORD, load

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

MIKRONET = str(Path(sys.executable).with_name("mikronet"))
KINDS = {  # name -> (transport, RouterOS)
    "api7": ("api", "7.16.2"), "tls7": ("api-ssl", "7.18.2"), "ssh7": ("ssh", "7.16.2"),
    "api6": ("api", "6.49.18"), "ssh6": ("ssh", "6.49.18"),
}
POINTS = ("before-backup", "after-backup", "mid-apply", "during-verify", "before-disarm")
CASES = [(kind, point, "KILL") for kind in KINDS for point in POINTS]
CASES += [(kind, point, "INT") for kind in ("api7", "ssh6") for point in POINTS]


def _api(word: str) -> str:
    return "/" + word.strip("/").replace(" ", "/")


def hold_at(point: str, ssh: bool) -> Callable[[str], bool]:
    """Which command the router holds the push before (a console line over SSH, an API word otherwise)."""
    seen = {"applied": False}

    def starts(command: str, menu: str) -> bool:
        return command.startswith(menu) if ssh else command == _api(menu)

    def when(command: str) -> bool:
        if starts(command, "/system identity set"):
            seen["applied"] = True
        if point == "before-backup":
            return starts(command, "/system backup save")
        if point == "after-backup":
            return starts(command, "/system identity set")
        if point == "mid-apply":
            return starts(command, "/ip firewall filter add")
        if point == "during-verify":
            verify_read = "export verbose terse" if ssh else "/system/resource/print"
            return seen["applied"] and (verify_read in command if ssh else command == verify_read)
        return seen["applied"] and starts(command, "/system scheduler remove")

    return when


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimFleet, Inventory]]:
    root = tmp_path_factory.mktemp("interruptions")
    lines = ["defaults: {username: mikronet, password: {env: MIKRONET_PASSWORD}, template: school-gateway}",
             "schools:"]
    for n, (kind, point, sig) in enumerate(CASES, start=1):
        transport, version = KINDS[kind]
        lines.append(f'  - {{id: LV-{n:04d}, name: "Skola {kind} {point} {sig}", municipality: Rīga, '
                     f"connection: {{type: optical, contracted_mbps: 100}}, vars: {{lan_subnet: 10.50.{n}.0/24}}, "
                     f"routers: [{{name: gw, host: 10.4.0.{n}, model: RB750Gr3, serial: I{n:05d}, "
                     f"routeros: {version}, transport: {transport}}}]}}")
    options = FleetOptions(device=DeviceOptions(boot_time=0.3))
    with pinned_fleet("\n".join(lines) + "\n", root, environ=ENV, options=options) as pinned:
        yield pinned.fleet, pinned.inventory


@pytest.mark.parametrize(("kind", "point", "sig"), CASES, ids=[f"{k}-{p}-{s}" for k, p, s in CASES])
def test_a_push_interrupted_anywhere_ends_at_the_template_after_a_rerun(
    many: tuple[SimFleet, Inventory], kind: str, point: str, sig: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, inventory = many
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    router_id = f"LV-{CASES.index((kind, point, sig)) + 1:04d}/gw"
    ssh = KINDS[kind][0] == "ssh"
    hold = sim.hold(router_id, hold_at(point, ssh))
    process = subprocess.Popen(
        [MIKRONET, "-i", str(sim.inventory_path), "push", "--limit", router_id, "--yes", "--json",
         "--revert-after", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "MIKRONET_PASSWORD": PASSWORD, "MIKRONET_TECHNICIAN": "Test"})
    try:
        assert hold.reached.wait(60), f"the push never reached {point}"
        process.send_signal(signal.SIGKILL if sig == "KILL" else signal.SIGINT)
    finally:
        hold.release()
    out, err = process.communicate(timeout=90)
    if sig == "INT":
        assert "Traceback" not in err, err
        result = next(json.loads(line) for line in out.splitlines() if '"router"' in line)
        assert result["status"] in ("interrupted", "changed"), result

    fleet = Fleet(inventory, push_options=PushOptions(revert_after=30, come_back_within=30, poll_every=0.2),
                  command=["pytest"], record=False)
    again = fleet.run(Push(), router_id).results[0]
    assert again.status in (Status.CHANGED, Status.OK), (again.status, again.error, again.reason)
    assert fleet.run(Plan(), router_id).results[0].status is Status.OK
    router = fleet.select(router_id)[0]
    with connect(router, TrustStore(inventory.known_hosts)) as session:
        replies = session.run([Command(path, "print") for path in ("/file", "/system/scheduler", "/system/script")])
    left = [str(row.get("name")) for reply in replies for row in reply.rows
            if str(row.get("name", "")).startswith("mikronet-")]
    assert left == []  # no export or backup file, no revert, no lock
    store = BackupStore(inventory.trust_dir / "backups")
    subjects = [c.subject.split(": ", 1)[1] for c in store.commits(router_id)]
    assert subjects[0].startswith("after push") and "before push" in subjects[1:], subjects
    exported = store.read(router_id) or ""
    assert "mikronet-revert" not in exported and "mikronet-lock" not in exported


ARMED_KINDS = ("api7", "api6")


@pytest.fixture(scope="module")
def drifted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimFleet, Inventory]]:
    """Routers that were pushed once (their backup history ends with an "after push") and then drifted."""
    root = tmp_path_factory.mktemp("armed")
    lines = ["defaults: {username: mikronet, password: {env: MIKRONET_PASSWORD}, template: school-gateway}",
             "schools:"]
    for n, kind in enumerate(ARMED_KINDS, start=1):
        transport, version = KINDS[kind]
        lines.append(f'  - {{id: LV-{n:04d}, name: "Skola {kind} ā", municipality: Rīga, '
                     f"connection: {{type: optical, contracted_mbps: 100}}, vars: {{lan_subnet: 10.60.{n}.0/24}}, "
                     f"routers: [{{name: gw, host: 10.6.0.{n}, model: RB750Gr3, serial: J{n:05d}, "
                     f"routeros: {version}, transport: {transport}}}]}}")
    (root / "inventory.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    options = FleetOptions(device=DeviceOptions(boot_time=0.3))
    with SimFleet(root / "inventory.yaml", directory=root / "sim", options=options, environ=ENV) as fleet:
        inventory = load(fleet)
        pin_all(inventory)
        yield fleet, inventory


@pytest.mark.parametrize("kind", ARMED_KINDS)
def test_a_push_killed_once_its_revert_is_armed_converges_on_the_rerun(
    drifted: tuple[SimFleet, Inventory], kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the revert is armed and before the "before" export is committed: the history's newest
    export is an older one, so the re-run cannot compare the restored router with it, and need not."""
    sim, inventory = drifted
    monkeypatch.setenv("MIKRONET_PASSWORD", PASSWORD)
    router_id = f"LV-{ARMED_KINDS.index(kind) + 1:04d}/gw"
    fleet = Fleet(inventory, push_options=PushOptions(revert_after=30, come_back_within=30, poll_every=0.2),
                  command=["pytest"], record=False)
    assert fleet.run(Push(), router_id).results[0].status is Status.CHANGED
    router = fleet.select(router_id)[0]
    with connect(router, TrustStore(inventory.known_hosts)) as session:  # someone changes it by hand
        session.run([Command("/system/identity", "set", {"name": "renamed-by-hand"})])

    hold = sim.hold(router_id, lambda command: command == "/system/scheduler/add")
    process = subprocess.Popen(
        [MIKRONET, "-i", str(sim.inventory_path), "push", "--limit", router_id, "--yes", "--json",
         "--revert-after", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "MIKRONET_PASSWORD": PASSWORD, "MIKRONET_TECHNICIAN": "Test"})
    try:
        assert hold.reached.wait(60), "the push never armed its revert"
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    finally:
        hold.release()  # the arm the push sent runs after it died, as a router runs what it received
    with connect(router, TrustStore(inventory.known_hosts)) as session:
        armed = session.run([Command("/system/scheduler", "print")])[0].rows
    assert [row.get("name") for row in armed] == ["mikronet-revert"]
    store = BackupStore(inventory.trust_dir / "backups")
    assert store.last_subject(router_id).endswith("after push")  # killed before its "before" commit

    again = fleet.run(Push(), router_id).results[0]
    assert again.status is Status.CHANGED, (again.status, again.error, again.reason)
    assert fleet.run(Plan(), router_id).results[0].status is Status.OK
    subjects = [c.subject.split(": ", 1)[1] for c in store.commits(router_id)]
    assert subjects[:2] == ["after push", "before push"], subjects
    assert "renamed-by-hand" in (store.read(router_id, store.commits(router_id)[1].revision) or "")
