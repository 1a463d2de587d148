"""Templates: every expression is one RouterOS value, undefined variables and quoted expressions are
refused with the template, line and router, and secrets show as *** unless revealed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mikronet.errors import TemplateError
from mikronet.inventory import load_inventory, resolve_secrets, select
from mikronet.render import Renderer
from mikronet.routeros import parse
from mikronet.secret import Secret

ROOT = Path(__file__).resolve().parents[2]
INJECTION = 'x" ; /system reset-configuration ; :put "'


def _renderer(tmp_path: Path, text: str, name: str = "t") -> Renderer:
    (tmp_path / f"{name}.rsc.j2").write_text(text, encoding="utf-8")
    return Renderer(tmp_path)


def test_an_injected_value_stays_one_quoted_string(tmp_path: Path) -> None:
    r = _renderer(tmp_path, "/system identity\nset name={{ v }}\n")
    text = r.render("t", {"v": INJECTION})
    config = parse(text)
    assert list(config.sections) == ["/system identity"]
    assert dict(config["/system identity"].settings) == {"name": INJECTION}


@given(st.text(min_size=0, max_size=40))
def test_any_value_renders_as_itself(value: str) -> None:
    renderer = Renderer(ROOT / "tests" / "render" / "templates")
    text = renderer.render("one-value", {"v": value})
    assert dict(parse(text)["/system note"].settings) == {"note": value}


def test_an_undefined_variable_names_template_line_router_and_variable(tmp_path: Path) -> None:
    r = _renderer(tmp_path, "/system identity\n\nset name={{ schol_name }}\n")
    with pytest.raises(TemplateError) as caught:
        r.render("t", {}, router_id="LV-0042/gw")
    error = caught.value
    assert error.template == "t.rsc.j2" and error.line == 3 and error.router == "LV-0042/gw"
    assert "schol_name" in str(error)


def test_an_expression_inside_quotes_is_refused_with_its_line(tmp_path: Path) -> None:
    r = _renderer(tmp_path, '/system identity\nset name="{{ v }}"\n')
    with pytest.raises(TemplateError, match=r"t\.rsc\.j2:2: an expression inside quotes"):
        r.render("t", {"v": "x"})


def test_secrets_render_masked_unless_revealed(tmp_path: Path) -> None:
    r = _renderer(tmp_path, "/user\nadd name=u password={{ p }}\n")
    secret = Secret('s3cr"t ; x')
    assert "***" in r.render("t", {"p": secret})
    assert 's3cr"t' not in r.render("t", {"p": secret})
    revealed = parse(r.render("t", {"p": secret}, reveal_secrets=True))
    assert revealed["/user"].items[0].props["password"] == 's3cr"t ; x'


def test_the_sample_renders_and_parses_for_every_router(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", "Render-Pa55")
    monkeypatch.setenv("MIKRONET_WIFI_PASSPHRASE", "Render-Wi-Fi")  # the access points' secrets
    monkeypatch.setenv("MIKRONET_RADIUS_SECRET", "Render-Radius")
    inventory = load_inventory(ROOT / "inventory")
    renderer = Renderer()
    for router in resolve_secrets(select(inventory, None)):
        config = parse(renderer.render_router(router, reveal_secrets=True), file=router.template)
        identity = config["/system identity"].settings["name"]
        assert identity == f"{router.school.id}-{router.name}"
        if router.template == "school-gateway":
            assert config.ownership.get("/ip firewall filter") == "own"
            assert config["/system note"].settings["note"] == router.school.name
