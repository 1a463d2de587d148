"""A template is input: it runs sandboxed, includes only files in its folder, and every error it raises
is ``template:line: message`` with exit status 2 from every command that renders, before any router is
touched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mikronet.cli.main import main
from mikronet.errors import TemplateError
from mikronet.render import Renderer
from mikronet.secret import Secret

ROOT = Path(__file__).resolve().parents[2]
ESCAPES = [
    "{{ cycler.__init__.__globals__.os.popen('touch MARK').read() }}",
    "{{ lipsum.__globals__['os'].popen('touch MARK').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ joiner.__init__.__globals__.__builtins__['open']('MARK', 'w') }}",
]


def _renderer(folder: Path, text: str, name: str = "t") -> Renderer:
    (folder / f"{name}.rsc.j2").write_text(text, encoding="utf-8")
    return Renderer(folder)


@pytest.mark.parametrize("payload", ESCAPES)
def test_a_template_reaches_no_python_internals(tmp_path: Path, payload: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "templates"
    folder.mkdir()
    r = _renderer(folder, f"/system note\nset note={payload}\n")
    with pytest.raises(TemplateError) as caught:
        r.render("t", {})
    assert caught.value.template == "t.rsc.j2" and caught.value.line == 2
    assert not (tmp_path / "MARK").exists()


def test_a_template_changes_no_value_it_is_given(tmp_path: Path) -> None:
    r = _renderer(tmp_path, "{% set _ = servers.append('6.6.6.6') %}/ip dns\nset servers={{ servers | join(',') }}\n")
    servers = ["1.1.1.1"]
    with pytest.raises(TemplateError, match="not allowed in a template"):
        r.render("t", {"servers": servers})
    assert servers == ["1.1.1.1"]


def test_project_filters_still_work_in_the_sandbox(tmp_path: Path) -> None:
    r = _renderer(tmp_path, "/ip address\nadd address={{ net | gateway_cidr }} comment={{ net | host(5) }}"
                            "{% if '7.14' | version >= (7, 13) %} network={{ net | network }}{% endif %}\n\n")
    assert r.render("t", {"net": "10.42.0.0/24"}) == (
        "/ip address\nadd address=10.42.0.1/24 comment=10.42.0.5 network=10.42.0.0/24\n")


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("/system note\n\nset note={{ 1/0 }}\n", 3, "division by zero"),
        ("/system note\n{% include 'missing.rsc.j2' %}\n", 2, "missing.rsc.j2"),
        ("/system note\n{% include '../secret.txt' %}\n", 2, "../secret.txt"),
        ("/system note\n{% include 'link.rsc.j2' %}\n", 2, "outside the templates folder"),
        ("/system note\nset note={{ 'abc' | host }}\n", 2, "does not appear to be"),
    ],
)
def test_every_template_error_names_template_and_line(tmp_path: Path, text: str, line: int, says: str) -> None:
    (tmp_path / "secret.txt").write_text("password=hunter2\n", encoding="utf-8")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "link.rsc.j2").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(TemplateError) as caught:
        _renderer(folder, text).render("t", {}, router_id="LV-0042/gw")
    error = caught.value
    assert (error.template, error.line, error.router) == ("t.rsc.j2", line, "LV-0042/gw")
    assert says in error.message and "hunter2" not in str(error)


def test_an_error_in_an_included_template_names_that_template(tmp_path: Path) -> None:
    (tmp_path / "part.rsc.j2").write_text("# part\n{{ 1/0 }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        _renderer(tmp_path, "/system note\n{% include 'part.rsc.j2' %}\n").render("t", {})
    assert (caught.value.template, caught.value.line) == ("part.rsc.j2", 2)


@pytest.fixture
def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "inventory", tmp_path / "inventory", ignore=shutil.ignore_patterns("*.sqlite"))
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    monkeypatch.setenv("MIKRONET_PASSWORD", "Render-Password")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("payload", ["{{ 1/0 }}", "{% include '../inventory/fleet.yaml' %}", ESCAPES[0]])
def test_render_plan_and_push_exit_2_with_template_and_line(fleet: Path, payload: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    template = fleet / "templates" / "school-gateway.rsc.j2"
    lines = template.read_text(encoding="utf-8").count("\n")
    template.write_text(template.read_text(encoding="utf-8") + payload + "\n", encoding="utf-8")
    inventory = str(fleet / "inventory")
    for argv in (["render", "LV-0042/gw"], ["render", "--check"], ["plan", "--limit", "LV-0042/gw"],
                 ["push", "--limit", "LV-0042/gw", "--yes"]):
        assert main(["-i", inventory, *argv]) == 2, argv
        captured = capsys.readouterr()
        assert f"school-gateway.rsc.j2:{lines + 1}:" in captured.out + captured.err, argv
        assert "Traceback" not in captured.err
    assert not (fleet / "MARK").exists() and not (fleet / "inventory" / "backups").exists()


@pytest.mark.parametrize("expression", ["p.reveal()", "p.reveal()[1:]", "p['reveal']()", "p | attr('reveal')",
                                        "p._value", "p.source"])
def test_a_secret_is_opaque_to_a_template(tmp_path: Path, expression: str) -> None:
    r = _renderer(tmp_path, f"/system note\nset note={{{{ {expression} }}}}\n")
    with pytest.raises(TemplateError) as caught:
        r.render("t", {"p": Secret("Sandbox-Secret-1")}, reveal_secrets=True)
    assert "Sandbox-Secret-1" not in str(caught.value) and "andbox-Secret-1" not in str(caught.value)


def test_a_secret_renders_whole_when_revealed(tmp_path: Path) -> None:
    r = _renderer(tmp_path, "/user\nset password={{ p }}\n")
    revealed = r.render("t", {"p": Secret("Sandbox-Secret-2")}, reveal_secrets=True)
    assert revealed == "/user\nset password=Sandbox-Secret-2\n"
    assert r.render("t", {"p": Secret("Sandbox-Secret-2")}) == "/user\nset password=***\n"
