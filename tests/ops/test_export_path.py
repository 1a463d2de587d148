"""One export path: every workflow exports through Transport.export and one command builder, and
one helper says whether a router runs RouterOS 6 (which shows secrets unless told to hide them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.inprocess import Twins

from mikronet.inventory import Inventory
from mikronet.ops.backup import BackupStore
from mikronet.ops.facts import backup_router, export_whole
from mikronet.routeros.version import Version, is_v6
from mikronet.runner.results import Status
from mikronet.transport import EXPORT_FILE, Command, export_commands

from .conftest import router

SECRET = "Slepens-Skola-123"  # ASCII: the export writes it as it is


@pytest.mark.parametrize(("version", "v6"), [
    ("6.49.18", True), ("6.45beta27", True), ("6.49.7 (long-term)", True), (Version((6, 48)), True),
    ("7.16.2", False), ("7.16rc1", False), ("", False), (None, False), ("not a version", False),
])
def test_is_v6(version: str | Version | None, v6: bool) -> None:
    assert is_v6(version) is v6


def test_the_builder_asks_for_the_file_and_its_listing() -> None:
    export, listing = export_commands(hide_sensitive=True)
    assert export.word == "/export" and export.args == {"file": EXPORT_FILE, "hide-sensitive": ""}
    assert listing.word == "/file/print" and listing.queries == (f"?name={EXPORT_FILE}.rsc",)
    scoped, _ = export_commands("x", path=("ip", "address"), verbose=True, terse=True)
    assert scoped.word == "/ip/address/export" and scoped.args == {"file": "x", "verbose": "yes", "terse": "yes"}


@pytest.mark.parametrize("router_id", ["LV-0101/api", "LV-0102/v6"])
def test_export_whole_goes_through_a_file_and_removes_it(plain_inventory: Inventory, twins: Twins,
                                                          router_id: str) -> None:
    r = router(plain_inventory, router_id)
    with twins.connect(r) as session:
        text = export_whole(session, "mikronet-test", hide_sensitive=is_v6(r.routeros))
        files = {row["name"] for row in session.print("/file")}
    assert text.startswith("# ") and "by RouterOS" in text.splitlines()[0]
    assert f"# serial number = {r.serial}" in text and text.endswith("\n") and "\r" not in text
    assert "mikronet-test.rsc" not in files


def test_a_v6_backup_hides_the_secrets_v7_hides_them_by_itself(plain_inventory: Inventory, twins: Twins,
                                                                tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backups")
    for router_id in ("LV-0101/api", "LV-0102/v6"):
        r = router(plain_inventory, router_id)
        with twins.connect(r) as session:
            session.call(Command("/ppp/secret", "add", {"name": "skola", "password": SECRET}))
            result = backup_router(session, store)
        assert result.status is Status.CHANGED
        stored = store.read(router_id) or ""
        assert "name=skola" in stored  # the secret's item is there
        assert SECRET in twins.export(router_id)  # the router has it, and shows it when asked
        assert SECRET not in stored
