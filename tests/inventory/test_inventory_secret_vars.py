"""Secret references in variables at every layer and in template defaults: unresolved until asked,
resolved together, masked wherever they are shown, revealed per render call only."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from mikronet.errors import SecretError
from mikronet.inventory import SecretRef, describe, load_inventory, resolve_secrets, router_record
from mikronet.render import Renderer
from mikronet.routeros import parse, quote
from mikronet.secret import Secret

FLEET = """\
defaults:
  username: mikronet
  password: {env: MIKRONET_PASSWORD}
  template: t
  vars:
    snmp: {community: {env: SNMP_COMMUNITY}, contact: IZM}
groups:
  pilot:
    vars: {radius_secret: {file: secrets/radius.txt}}
schools:
  - id: LV-0042
    name: "Rīgas 1. vidusskola"
    municipality: "Rīga"
    groups: [pilot]
    connection: {type: optical}
    vars: {wifi_passphrase: {env: WIFI_PASSPHRASE}, lan_subnet: 10.42.0.0/24}
    routers:
      - name: gw
        host: 10.42.0.1
        model: RB750Gr3
        vars: {keys: [{env: API_KEY}, plain]}
"""

TEMPLATE = """\
/snmp community
add name={{ snmp.community }} addresses=10.0.0.0/8
/interface wireless security-profiles
add name=school wpa2-pre-shared-key={{ wifi_passphrase }}
/radius
add address=10.255.0.20 secret={{ radius_secret }}
/system script
add name=key source={{ keys[0] }}
add name=defaults source={{ default_secret }}
/user
add name={{ router.username }} password={{ router.password }}
"""

ENV = {
    "MIKRONET_PASSWORD": "pw-Ā-1",
    "SNMP_COMMUNITY": "snmp-community-Ē-2",
    "WIFI_PASSPHRASE": 'wifi "Ī" $3?',
    "API_KEY": "api-key-Ū-4",
    "DEFAULTS_SECRET": "defaults-secret-Ž-5",
}
RADIUS = "radius-from-file-Š-6"
ALL = [*ENV.values(), RADIUS]
SPELLINGS = [spelling for value in ALL for spelling in (value, quote(value))]  # raw, and as RouterOS writes it


@pytest.fixture
def inventory_dir(tmp_path: Path) -> Path:
    root = tmp_path / "inv"
    (root / "secrets").mkdir(parents=True)
    (root / "inventory.yaml").write_text(FLEET, encoding="utf-8")
    (root / "secrets" / "radius.txt").write_text(RADIUS + "\n", encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "t.rsc.j2").write_text(TEMPLATE, encoding="utf-8")
    (templates / "t.defaults.yaml").write_text("default_secret: {env: DEFAULTS_SECRET}\n", encoding="utf-8")
    return root


def test_references_at_every_layer_stay_unresolved_until_asked(inventory_dir: Path) -> None:
    router = load_inventory(inventory_dir).router("LV-0042/gw")
    community = router.vars["snmp"]["community"]
    assert isinstance(community, SecretRef) and community.source == "env:SNMP_COMMUNITY"
    assert (community.line, community.field) == (6, "defaults.vars.snmp.community")
    radius = router.vars["radius_secret"]
    assert isinstance(radius, SecretRef) and radius.path == inventory_dir / "secrets" / "radius.txt"
    assert router.vars["keys"][1] == "plain" and isinstance(router.vars["keys"][0], SecretRef)
    assert {ref.name for ref in router.secret_refs} == {
        "SNMP_COMMUNITY",
        "secrets/radius.txt",
        "WIFI_PASSPHRASE",
        "API_KEY",
    }


def test_resolve_secrets_resolves_them_all(inventory_dir: Path) -> None:
    router = resolve_secrets(load_inventory(inventory_dir).routers, ENV)[0]
    assert router.password is not None and router.password.reveal() == ENV["MIKRONET_PASSWORD"]
    assert isinstance(router.vars["wifi_passphrase"], Secret)
    assert router.vars["wifi_passphrase"].reveal() == ENV["WIFI_PASSPHRASE"]
    assert router.vars["radius_secret"].reveal() == RADIUS
    assert router.vars["snmp"]["community"].reveal() == ENV["SNMP_COMMUNITY"]
    assert router.vars["snmp"]["contact"] == "IZM"
    assert router.secret_refs == ()


def test_a_missing_one_names_where_it_is_written(inventory_dir: Path) -> None:
    env = {k: v for k, v in ENV.items() if k != "WIFI_PASSPHRASE"}
    with pytest.raises(SecretError) as info:
        resolve_secrets(load_inventory(inventory_dir).routers, env)
    error = info.value
    assert (error.line, error.field) == (16, "schools[0].vars.wifi_passphrase")
    assert error.message == "environment variable WIFI_PASSPHRASE is not set"


def test_a_bad_reference_is_refused_when_loading(write: Callable[..., Path]) -> None:
    root = write("inventory.yaml", FLEET.replace("{env: API_KEY}", "{env: 'API KEY'}"))
    with pytest.raises(Exception) as info:
        load_inventory(root)
    assert "schools[0].routers[0].vars.keys[0].env: 'API KEY' is not an environment variable name" in str(info.value)


def test_shown_masked_with_their_source(inventory_dir: Path) -> None:
    for router in (
        load_inventory(inventory_dir).router("LV-0042/gw"),
        resolve_secrets(load_inventory(inventory_dir).routers, ENV)[0],
    ):
        rows = {row.name: row.value for row in describe(router)}
        assert rows["vars.wifi_passphrase"] == "*** (env:WIFI_PASSPHRASE)"
        assert rows["vars.snmp"] == '{"community": "*** (env:SNMP_COMMUNITY)", "contact": "IZM"}'
        record = router_record(router)
        assert record["vars"]["radius_secret"] == "*** (file:secrets/radius.txt)"
        assert not any(value in repr(rows) + repr(record) for value in ALL)


def test_rendering_masks_unless_the_call_reveals(inventory_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    renderer = Renderer(inventory_dir.parent / "templates")
    unresolved = load_inventory(inventory_dir).router("LV-0042/gw")
    masked = renderer.render_router(unresolved)  # no secret needed: nothing is resolved
    assert masked.count("***") == 6 and not any(spelling in masked for spelling in SPELLINGS)
    revealed = parse(renderer.render_router(resolve_secrets([unresolved])[0], reveal_secrets=True))
    assert (
        revealed["/interface wireless security-profiles"].items[0].props["wpa2-pre-shared-key"]
        == ENV["WIFI_PASSPHRASE"]
    )
    assert revealed["/radius"].items[0].props["secret"] == RADIUS
    assert revealed["/snmp community"].items[0].props["name"] == ENV["SNMP_COMMUNITY"]
    sources = [item.props["source"] for item in revealed["/system script"].items]
    assert sources == [ENV["API_KEY"], ENV["DEFAULTS_SECRET"]]  # the template's default resolved at the reveal
    assert renderer.render_router(resolve_secrets([unresolved])[0]).count("***") == 6  # the next call masks again


def test_reveal_is_per_call_under_threads(inventory_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many threads share one renderer; those that do not reveal never see a secret."""
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    renderer = Renderer(inventory_dir.parent / "templates")
    router = resolve_secrets(load_inventory(inventory_dir).routers)[0]
    leaked: list[str] = []
    missing: list[str] = []

    def work(reveal: bool) -> None:
        for _ in range(40):
            text = renderer.render_router(router, reveal_secrets=reveal)
            if not reveal and any(spelling in text for spelling in SPELLINGS):
                leaked.append(text)
            if reveal and quote("api-key-Ū-4") not in text:
                missing.append(text)

    threads = [threading.Thread(target=work, args=(index % 2 == 0,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not leaked and not missing
