"""Loading: the sample fleet, layering with provenance, merging files, secrets, known_hosts."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from mikronet.errors import InventoryError, SecretError
from mikronet.hardware import model_info
from mikronet.inventory import Inventory, Origin, load_inventory, resolve_secrets, select
from mikronet.secret import REDACTOR, Secret

SAMPLE = Path(__file__).resolve().parents[2] / "inventory"

# the 43 municipalities of the 2021 reform: 7 state cities and 36 novadi
STATE_CITIES = {"Rīga", "Daugavpils", "Jelgava", "Jūrmala", "Liepāja", "Rēzekne", "Ventspils"}


@pytest.fixture(scope="module")
def sample() -> Inventory:
    return load_inventory(SAMPLE)


def test_sample_fleet_shape(sample: Inventory) -> None:
    assert len(sample.schools) == 120
    assert len(sample.municipalities) == 43
    novadi = [m for m in sample.municipalities if m not in STATE_CITIES]
    assert set(sample.municipalities) >= STATE_CITIES
    assert len(novadi) == 36 and all(m.endswith(" novads") for m in novadi)
    for school in sample.schools:
        assert 1 <= len(school.routers) <= 3
        assert school.municipality_before_2021
        assert re.fullmatch(r"LV-\d{4}", school.id)
    assert {s.connection.type for s in sample.schools} == {"optical", "other"}
    assert any(any(c in s.name for c in "āčēģīķļņšūž") for s in sample.schools)


def test_sample_models_and_versions_are_realistic(sample: Inventory) -> None:
    models = {r.model for r in sample.routers}
    assert models == {
        "RBD52G-5HacD2HnD",
        "RB750Gr3",
        "RB4011iGS+",
        "RB5009UG+S+",
        "CCR2004-1G-12S+2XS",
        "L009UiGS-2HaxD",
        "RB941-2nD",  # one old hAP lite on a 300 Mbit/s line, for the assessment to find
    }
    for model in models:  # each is known to the shared hardware table
        assert model_info(model).model.startswith(model)
    versions = {r.routeros for r in sample.routers}
    assert any(v and v.startswith("6.49.") for v in versions)
    assert any(v and tuple(map(int, v.split("."))) >= (7, 18) for v in versions)
    for router in sample.routers:  # RB5009 and L009 never ran RouterOS 6
        if router.model in ("RB5009UG+S+", "L009UiGS-2HaxD"):
            assert router.routeros and router.routeros.startswith("7.")
        assert router.host.startswith("10.")


def test_sample_is_marked_fictional() -> None:
    for path in [SAMPLE / "fleet.yaml", *sorted((SAMPLE / "schools").glob("*.yaml"))]:
        head = path.read_text(encoding="utf-8")[:400]
        assert "FICTIONAL schools, REAL municipality names" in head, path


def test_sample_generator_is_deterministic(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("_generate", SAMPLE / "_generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.HERE = tmp_path
    assert module.main() == 0
    for made in [tmp_path / "fleet.yaml", *sorted((tmp_path / "schools").glob("*.yaml"))]:
        committed = SAMPLE / made.relative_to(tmp_path)
        assert made.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), committed


def test_layers_and_provenance(small: Path) -> None:
    inv = load_inventory(small)
    router = inv.router("LV-0042/gw")
    assert router.id == "LV-0042/gw" and router.name == "gw"
    assert router.school.name == "Rīgas 1. vidusskola" and router.school.municipality == "Rīga"
    assert router.school.connection.monthly_fee_eur == Decimal(80)
    assert router.vars == {"timezone": "Europe/Riga", "wave": 0, "lan_subnet": "10.42.0.0/24"}
    fleet, schools = str(small / "fleet.yaml"), str(small / "schools.yaml")
    assert router.provenance["timezone"] == Origin("defaults", fleet, 6)
    assert router.provenance["wave"] == Origin("group:pilot", fleet, 8)  # the group overrides defaults
    assert router.provenance["lan_subnet"] == Origin("school", schools, 8)
    assert router.origins["username"] == Origin("defaults", fleet, 3)
    assert router.origins["ports.api"] == Origin("router", schools, 15)
    assert router.origins["encoding"] == Origin("builtin")
    assert (router.file, router.line) == (schools, 10)
    assert router.password is None and router.password_ref.source == "env:MIKRONET_PASSWORD"
    assert router.port == 8728 and router.transport == "api"
    assert inv.routers_of("LV-0042") == (router,)
    assert inv.known_hosts == small / "known_hosts"


def test_group_order_and_router_level_wins(write: Callable[..., Path], texts: tuple[str, str]) -> None:
    write("fleet.yaml", texts[0])
    school = (
        texts[1]
        .replace("groups: [pilot]", "groups: [pilot, ssh-only]")
        .replace("        ports: {api: 8728, api-ssl: 8729, ssh: 22}\n", "        vars: {wave: 5}\n")
    )
    root = write("schools.yaml", school)
    router = load_inventory(root).router("LV-0042/gw")
    assert router.transport == "ssh" and router.port == 2222
    assert router.origins["transport"].layer == "group:ssh-only"
    assert router.vars["wave"] == 5 and router.provenance["wave"].layer == "router"


def test_secret_from_file_relative_to_inventory_file(
    write: Callable[..., Path], texts: tuple[str, str]
) -> None:
    write("fleet.yaml", texts[0].replace("{env: MIKRONET_PASSWORD}", "{file: secrets/gw.txt}"))
    write("secrets/gw.txt", "Dārza-iela-5\n")
    root = write("schools.yaml", texts[1])
    router = resolve_secrets(load_inventory(root).routers)[0]
    assert isinstance(router.password, Secret)
    assert router.password.reveal() == "Dārza-iela-5"
    assert repr(router.password) == "***" and f"{router.password}" == "***"
    assert "Dārza-iela-5" not in repr(router)
    assert REDACTOR.redact("x Dārza-iela-5 y") == "x *** y"


def test_secrets_resolved_only_when_asked(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIKRONET_PASSWORD", raising=False)
    inv = load_inventory(small)  # listing needs no secrets
    with pytest.raises(SecretError):
        load_inventory(small, resolve_secrets=True)
    resolved = load_inventory(small, resolve_secrets=True, environ={"MIKRONET_PASSWORD": "abc-123"})
    assert resolved.router("LV-0042/gw").password == Secret("abc-123")
    assert inv.router("LV-0042/gw").password is None


def test_empty_env_value_is_an_error(small: Path) -> None:
    with pytest.raises(SecretError, match="environment variable MIKRONET_PASSWORD is empty"):
        resolve_secrets(load_inventory(small).routers, {"MIKRONET_PASSWORD": ""})


def test_known_hosts_can_be_set(write: Callable[..., Path], texts: tuple[str, str]) -> None:
    write("fleet.yaml", texts[0] + "known_hosts: trust/pins\n")
    root = write("schools.yaml", texts[1])
    inv = load_inventory(root)
    assert inv.known_hosts == root / "trust" / "pins" and inv.trust_dir == root / "trust"


def test_single_file_inventory_and_yaml_anchors(tmp_path: Path) -> None:
    text = """\
    defaults: {username: u, password: {env: P}, template: t}
    schools:
      - &base
        id: LV-0001
        name: "Ķekavas vidusskola"
        municipality: "Ķekavas novads"
        connection: {type: other}
        routers: [{name: gw, host: gw.lv-0001.example.lv, model: RB750Gr3}]
      - <<: *base
        id: LV-0002
        routers: [{name: gw, host: "fd00::2", model: RB750Gr3}]
    """
    import textwrap

    path = tmp_path / "one.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    inv = load_inventory(path)
    assert [s.id for s in inv.schools] == ["LV-0001", "LV-0002"]
    assert inv.school("LV-0002").municipality == "Ķekavas novads"
    assert [r.host for r in inv.routers] == ["gw.lv-0001.example.lv", "fd00::2"]
    assert inv.known_hosts == tmp_path / "known_hosts"


def test_routers_hash_by_id_and_compare_by_value(sample: Inventory) -> None:
    router = sample.routers[0]
    moved = dataclasses.replace(router, host="10.9.9.9")
    assert moved != router and hash(moved) == hash(router)
    assert len(set(sample.routers)) == len(sample.routers)


def test_select_then_resolve_is_the_push_path(sample: Inventory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", "pw-for-select")
    routers = resolve_secrets(select(sample, "municipality=Rīga"))
    assert routers and all(r.password is not None for r in routers)
    assert all(r.school.municipality == "Rīga" for r in routers)


def test_require_password_names_the_reference_until_resolved(small: Path) -> None:
    router = load_inventory(small).router("LV-0042/gw")
    with pytest.raises(SecretError) as info:
        router.require_password()
    assert info.value.file == str(small / "fleet.yaml") and info.value.line == 4
    resolved = resolve_secrets([router], {"MIKRONET_PASSWORD": "pw-123"})[0]
    assert resolved.require_password().reveal() == "pw-123"


def test_extra_text_is_checked_with_the_inventory_before_it_exists(small: Path) -> None:
    planned = small / "new.yaml"
    clash = "schools:\n  - id: LV-0042\n    name: X\n    municipality: Rīga\n    connection: {type: other}\n"
    with pytest.raises(InventoryError, match="duplicate school id 'LV-0042'") as info:
        load_inventory(small, extra={planned: clash})
    assert info.value.file == str(planned) and info.value.line == 2
    assert not planned.exists()
    # text given for a file that exists replaces it (a file about to be overwritten)
    replacement = (small / "schools.yaml").read_text(encoding="utf-8").replace("Rīgas 1.", "Rīgas 2.")
    inv = load_inventory(small, extra={small / "schools.yaml": replacement})
    assert inv.school("LV-0042").name == "Rīgas 2. vidusskola"
