"""Templates: every expression is one RouterOS value, undefined variables and quoted expressions are
refused with the template, line and router, and secrets show as *** unless revealed."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

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


def test_templates_compare_versions(tmp_path: Path) -> None:
    r = _renderer(tmp_path, "{% set v = ros | version %}/system note\n"
                            "set note={{ v >= (7,) }}-{{ v >= '7.13' }}-{{ v.major }}\n")
    notes = [dict(parse(r.render("t", {"ros": ros}))["/system note"].settings)["note"]
             for ros in ("6.49.17", "7.12.1", "7.13rc1", "7.16 (stable)", None)]
    assert notes == ["no-no-6", "yes-no-7", "yes-no-7", "yes-yes-7", "yes-no-7"]


# -- lint of rendered templates, with the template line of each problem ----------------------------


def _copy_templates(tmp_path: Path, edit: tuple[str, str] | None = None) -> Path:
    for source in (ROOT / "templates").iterdir():
        text = source.read_bytes()
        if edit is not None and source.name == "school-gateway.rsc.j2":
            old, new = edit
            assert old.encode() in text
            text = text.replace(old.encode(), new.encode())
        (tmp_path / source.name).write_bytes(text)
    return tmp_path


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def _render_check(capsys: pytest.CaptureFixture[str], templates: Path, limit: str) -> tuple[int, str, str]:
    from mikronet.cli.main import main

    status = main(["-i", str(ROOT / "inventory"), "render", "--check", "--limit", limit, "--templates", str(templates)])
    out, err = capsys.readouterr()
    return status, out, err


def test_render_check_fails_on_a_misspelled_property_naming_the_template_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", "Render-Pa55")
    templates = _copy_templates(tmp_path, ("set allow-remote-requests=yes", "set alow-remote-requests=yes"))
    line = _line_of(templates / "school-gateway.rsc.j2", "alow-remote-requests")
    status, out, err = _render_check(capsys, templates, "LV-0042/*")
    assert status == 2
    assert (f"school-gateway.rsc.j2:{line}: /ip dns set alow-remote-requests: unknown property "
            "(did you mean allow-remote-requests?)") in err
    assert "2 routers: LV-0042/gw, LV-0042/lab" in err  # one problem, every router it hits
    assert "LV-0042/ap1" not in err  # the access point's template is another one
    assert "1 of 3 routers" in out


def test_render_check_fails_on_a_v6_property_for_a_v7_router(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_PASSWORD", "Render-Pa55")
    v7_branch = 'set enabled=yes servers={{ ntp_servers | join(",") }}'
    templates = _copy_templates(tmp_path, (v7_branch, 'set enabled=yes server-dns-names={{ ntp_servers | join(",") }}'))
    line = _line_of(templates / "school-gateway.rsc.j2", "{% if v7 %}") + 1
    status, _, err = _render_check(capsys, templates, "LV-0042/gw")  # RouterOS 7.15.3
    assert status == 2
    assert (f"school-gateway.rsc.j2:{line}: /system ntp client set server-dns-names: not on RouterOS 7.15.3 "
            "(until 7.0)") in err
    assert "1 router: LV-0042/gw" in err
    assert _render_check(capsys, templates, "LV-0370/gw")[0] == 0  # RouterOS 6.49.18: right there


def test_the_sample_lints_clean_on_every_router(monkeypatch: pytest.MonkeyPatch) -> None:
    from mikronet.render import lint_router

    monkeypatch.setenv("MIKRONET_PASSWORD", "Render-Pa55")
    renderer = Renderer()
    routers = resolve_secrets(select(load_inventory(ROOT / "inventory"), None))
    assert {r.routeros[0] for r in routers if r.routeros} == {"6", "7"}
    problems = [str(p) for router in routers for p in lint_router(renderer, router)]
    assert problems == []


def test_traced_rendering_maps_every_line_to_its_template_line(tmp_path: Path) -> None:
    from mikronet.render import render_traced

    (tmp_path / "parts.j2").write_text("{% macro port(name) %}add interface={{ name }}{% endmacro %}\n",
                                       encoding="utf-8")
    (tmp_path / "head.j2").write_text("/system identity\nset name={{ router.name }}\n", encoding="utf-8")
    template = ("{% import 'parts.j2' as parts %}\n"        # 1
                "{% include 'head.j2' %}\n"                  # 2
                "/interface list member\n"                   # 3
                "{% for p in ports %}\n"                     # 4
                "{{ parts.port(p) | raw }} list=LAN\n"       # 5
                "{% endfor %}\n"                             # 6
                "{{ 'x' | raw }}\n"                          # 7
                "/ip dns\n"                                  # 8
                "set servers={{ dns }}\n")                   # 9
    renderer = _renderer(tmp_path, template)

    class FakeRouter:
        template = "t"
        vars: ClassVar[dict[str, object]] = {"ports": ["ether2", "ether3"], "dns": "1.1.1.1"}
        school = None
        model = "RB750Gr3"
        name = "gw"
        id = "LV-0001/gw"

    rendered = render_traced(renderer, FakeRouter())  # type: ignore[arg-type]
    assert rendered.text == renderer.render_router(FakeRouter())  # type: ignore[arg-type]
    lines = rendered.text.splitlines()
    where = {line: rendered.origin(n) for n, line in enumerate(lines, 1)}
    folder = str(tmp_path) if not tmp_path.is_relative_to(Path.cwd()) else str(tmp_path.relative_to(Path.cwd()))
    assert where["/system identity"] == (f"{folder}/head.j2", 1)
    assert where["set name=gw"] == (f"{folder}/head.j2", 2)
    assert where["/interface list member"] == (f"{folder}/t.rsc.j2", 3)
    assert [rendered.origin(n) for n, line in enumerate(lines, 1) if line.startswith("add")] == [
        (f"{folder}/parts.j2", 1)] * 2  # a line's first character came from the macro
    assert where["set servers=1.1.1.1"] == (f"{folder}/t.rsc.j2", 9)
    # a template whose own text ends up inside a value (a macro's output, quoted): no origins, not wrong ones
    quoted = _renderer(tmp_path, template.replace("| raw ", ""), name="q")
    FakeRouter.template = "q"
    fallback = render_traced(quoted, FakeRouter())  # type: ignore[arg-type]
    assert fallback.text == quoted.render_router(FakeRouter())  # type: ignore[arg-type]
    assert '"add interface=ether2" list=LAN' in fallback.text and set(fallback.origins) == {None}
