"""Drift against real exports: routers pushed on the simulator leave before/after backups in git;
the report finds them in sync, finds a hand change in a later backup, and names what is missing.
Advisories come from the shipped data file."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.fleet import pin_all

from mikronet.cli.main import main
from mikronet.inventory import Inventory, load_inventory, resolve_secrets, select
from mikronet.ops.backup import BackupStore
from mikronet.ops.push import Pusher, PushOptions
from mikronet.render import Renderer
from mikronet.reports import DriftReport, build_drift, load_advisories
from mikronet.reports.advisories import ADVISORIES_FILE
from mikronet.sim.device import DeviceOptions
from mikronet.sim.fleet import SimFleet
from mikronet.sim.runtime import FleetOptions

PASSWORD = "Drift-Test-Pa55"
INVENTORY = """\
defaults:
  transport: api
  username: mikronet
  password: {env: MIKRONET_PASSWORD}
  template: school-gateway
  vars: {admin_subnet: 10.1.0.0/16}
schools:
  - id: LV-0201
    name: "Rīgas Valsts 2. ģimnāzija"
    municipality: "Rīga"
    connection: {type: optical, contracted_mbps: 500}
    vars: {lan_subnet: 10.201.0.0/24}
    routers:
      - {name: gw, host: 10.201.0.1, model: RBD52G-5HacD2HnD, serial: HD2010001, routeros: 7.14.3}
      - {name: v6, host: 10.201.0.2, model: RB750Gr3, serial: HD2010002, routeros: 6.49.18}
      - {name: new, host: 10.201.0.3, model: RB750Gr3, serial: HD2010003, routeros: 7.16.2}
  - id: LV-0202
    name: "Ērgļu pamatskola — ā č ē ģ ī ķ ļ ņ š ū ž"
    municipality: "Madonas novads"
    connection: {type: other}
    vars: {lan_subnet: 10.202.0.0/24}
    routers:
      - {name: gw, host: 10.202.0.1, model: RB750Gr3, serial: HD2020001, routeros: 7.16.2, template: missing}
"""


@pytest.fixture(scope="module")
def pushed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Inventory]:
    """LV-0201/gw and LV-0201/v6 pushed to their templates (backups before and after, in git)."""
    root = tmp_path_factory.mktemp("drift")
    (root / "inventory.yaml").write_text(INVENTORY, encoding="utf-8")
    patch = pytest.MonkeyPatch()
    patch.setenv("MIKRONET_PASSWORD", PASSWORD)
    options = FleetOptions(device=DeviceOptions(boot_time=0.3, install_boot_time=0.5))
    try:
        with SimFleet(root / "inventory.yaml", directory=root / "sim", options=options,
                      environ={"MIKRONET_PASSWORD": PASSWORD}) as fleet:
            inventory = load_inventory(fleet.inventory_path)
            routers = resolve_secrets(select(inventory, "LV-0201/gw,LV-0201/v6"))
            store = pin_all(inventory, routers)
            pusher = Pusher(Renderer(), store, BackupStore(inventory.trust_dir / "backups"),
                            options=PushOptions(revert_after=30.0, come_back_within=20.0, poll_every=0.2))
            for desired in pusher.render(routers):
                assert str(pusher.push(desired).status) == "changed"
            yield inventory
    finally:
        patch.undo()


def drift(inventory: Inventory) -> DriftReport:
    return build_drift(inventory, backups_dir=inventory.trust_dir / "backups", advisories=load_advisories())


def test_pushed_routers_match_their_template_and_users_are_not_judged_from_a_backup(pushed: Inventory) -> None:
    report = drift(pushed)
    state = {r.router: r for r in report.routers}
    for router_id in ("LV-0201/gw", "LV-0201/v6"):
        assert state[router_id].status == "in-sync", state[router_id].differences
        assert state[router_id].unchecked == ("/user",)  # /export never holds users
        assert state[router_id].backup_commit and state[router_id].backup_time is not None
    assert state["LV-0201/gw"].backup_version == "7.14.3" and state["LV-0201/v6"].backup_version == "6.49.18"
    assert state["LV-0201/new"].status == "no-backup"
    assert state["LV-0202/gw"].status == "error" and "missing" in (state["LV-0202/gw"].error or "")
    assert (report.in_sync, report.drifted, report.no_backup, report.errors) == (2, 0, 1, 1)
    assert [(t.template, t.in_sync, t.drift, t.no_backup, t.error) for t in report.templates] == [
        ("missing", 0, 0, 0, 1), ("school-gateway", 2, 0, 1, 0)]


def test_advisories_by_the_version_the_backup_names(pushed: Inventory) -> None:
    hits = {h.router: h for h in drift(pushed).exposed}
    # 7.14.3 lies in CVE-2024-54772's range (7.0 through 7.16.1); 6.49.18 and 7.16.2 are past it.
    assert hits["LV-0201/gw"].advisories == ("CVE-2024-54772",) and hits["LV-0201/gw"].source == "backup"
    assert "LV-0201/v6" not in hits and "LV-0201/new" not in hits


def test_a_hand_change_in_the_last_backup_is_drift_and_cron_gets_exit_3(pushed: Inventory,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    backups = pushed.trust_dir / "backups"
    path = backups / "LV-0201" / "gw.rsc"
    original = path.read_text(encoding="utf-8")
    changed = original.replace("/ip dns\nset allow-remote-requests=yes", "/ip dns\nset allow-remote-requests=no")
    assert changed != original, "the export holds /ip dns allow-remote-requests=yes"
    path.write_text(changed, encoding="utf-8")
    subprocess.run(["git", "-C", str(backups), "commit", "-qam", "LV-0201/gw: changed by hand"], check=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost"})
    try:
        report = drift(pushed)
        gw = next(r for r in report.routers if r.router == "LV-0201/gw")
        assert gw.status == "drift" and gw.changes == 1
        assert gw.differences == ("/ip dns set allow-remote-requests=yes",)
        assert report.drifted == 1 and report.any_drift
        assert main(["-i", str(pushed.path), "report", "drift", "--exit-code", "--limit", "LV-0201/*"]) == 3
        out = capsys.readouterr().out
        assert "allow-remote-requests=yes" in out and "CVE-2024-54772" in out
        assert main(["-i", str(pushed.path), "report", "drift", "--limit", "LV-0201/v6", "--exit-code"]) == 0
    finally:
        path.write_text(original, encoding="utf-8")
        subprocess.run(["git", "-C", str(backups), "checkout", "-q", "HEAD~1", "--", "LV-0201/gw.rsc"], check=True)


def test_no_secret_reaches_the_report(pushed: Inventory) -> None:
    from mikronet.reports import render_report

    for fmt in ("table", "md", "csv", "json", "html"):
        assert PASSWORD not in render_report(drift(pushed), fmt, "lv")


def test_the_advisories_file_states_sources_and_dates() -> None:
    advisories = load_advisories()
    assert len(advisories) >= 6
    for advisory in advisories:
        assert advisory.id.startswith("CVE-") and advisory.source and advisory.published.year >= 2018
        assert advisory.affected
    text = ADVISORIES_FILE.read_text(encoding="utf-8")
    assert "Reviewed:" in text and "Sources:" in text
    by_id = {a.id: a for a in advisories}
    assert by_id["CVE-2018-14847"].affects("6.42") and not by_id["CVE-2018-14847"].affects("6.42.1")
    assert by_id["CVE-2018-14847"].affects("6.40.7") and not by_id["CVE-2018-14847"].affects("6.40.8")
    assert by_id["CVE-2023-41570"].affects("7.11") and not by_id["CVE-2023-41570"].affects("7.12")
    assert by_id["CVE-2024-54772"].affects("6.49.17") and not by_id["CVE-2024-54772"].affects("6.49.18")


def test_a_broken_advisories_file_is_bad_input(tmp_path: Path) -> None:
    from mikronet.errors import InputError

    bad = tmp_path / "advisories.yaml"
    bad.write_text("advisories:\n  - id: CVE-1\n    title: x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"advisories.yaml.*CVE-1.*affected"):
        load_advisories(bad)
