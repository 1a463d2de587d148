"""Templates as the inventory sees them: failures reported once with every router they hit, "did you
mean" for an undefined variable, and the templates folder found beside the inventory, also when
mikronet is installed rather than run from a checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mikronet.cli.main import main
from mikronet.errors import TemplateError
from mikronet.inventory import load_inventory
from mikronet.render import Renderer, check_lines, check_render, find_template_dir

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "inventory"


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    return folder


def break_template(folder: Path, old: str, new: str) -> None:
    path = folder / "school-gateway.rsc.j2"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_one_failure_shared_by_many_routers_is_one_problem(templates: Path) -> None:
    break_template(templates, "{% set gw = lan_subnet | gateway_cidr %}", "{% set gw = lan_subnett | gateway_cidr %}")
    inventory = load_inventory(SAMPLE)
    result = check_render(inventory.routers, Renderer(templates))
    gateways = [r.id for r in inventory.routers if r.template == "school-gateway"]
    assert len(result.problems) == 1 and result.failed == len(gateways) == 169
    problem = result.problems[0]
    assert (problem.template, problem.message) == (
        "school-gateway.rsc.j2",
        "undefined variable: 'lan_subnett' is undefined; did you mean 'lan_subnet'?",
    )
    assert problem.routers == tuple(gateways)
    lines = check_lines(result)
    assert lines[0] == (
        f"school-gateway.rsc.j2:{problem.line}: undefined variable: 'lan_subnett' is undefined; "
        "did you mean 'lan_subnet'?"
    )
    assert lines[1].strip().endswith("| {% set gw = lan_subnett | gateway_cidr %}")
    assert lines[2] == f"    169 routers: {', '.join(gateways[:8])}, …"
    assert len(lines) == 3
    assert result.summary() == "10 of 179 routers render and parse"


def test_render_check_prints_it_once(templates: Path, password: str, capsys: pytest.CaptureFixture[str]) -> None:
    break_template(templates, "{{ school.name }} show-at-login", "{{ school.nmae }} show-at-login")
    assert main(["-i", str(SAMPLE), "render", "--check", "--templates", str(templates)]) == 2
    out, err = capsys.readouterr()
    assert out == "10 of 179 routers render and parse\n"
    assert err.count("\n") == 3  # the problem, its template line, the routers
    assert "has no attribute 'nmae'; did you mean 'name'?" in err
    assert "169 routers: LV-" in err


def test_a_rendered_script_that_does_not_parse_is_grouped_too(templates: Path) -> None:
    break_template(templates, "/ip dns\n", '/ip dns\n:put [/ip dns get servers\n')
    result = check_render(load_inventory(SAMPLE).routers, Renderer(templates))
    assert len(result.problems) == 1
    assert result.problems[0].message.startswith("rendered script does not parse:")
    assert len(result.problems[0].routers) == 169


def test_an_undefined_name_with_nothing_close_gets_no_guess(tmp_path: Path) -> None:
    (tmp_path / "t.rsc.j2").write_text("/system identity\nset name={{ zzzqqq }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        Renderer(tmp_path).render("t", {"timezone": "x"})
    assert info.value.message == "undefined variable: 'zzzqqq' is undefined"


def test_the_templates_folder_is_found_beside_the_inventory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: Callable[..., Path], texts: tuple[str, str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1])  # tmp_path/inv
    beside = tmp_path / "templates"
    shutil.copytree(REPO / "templates", beside)
    assert find_template_dir(load_inventory(root)) == beside
    explicit = tmp_path / "mine"
    assert find_template_dir(load_inventory(root), explicit) == explicit  # --templates wins
    write("fleet.yaml", texts[0] + "templates: ../mine\n")
    assert find_template_dir(load_inventory(root)) == explicit  # then the inventory's own setting


def test_no_templates_folder_names_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: Callable[..., Path], texts: tuple[str, str]
) -> None:
    import mikronet.render as render

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(render, "_CHECKOUT_TEMPLATES", tmp_path / "site-packages" / "templates")
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1])
    with pytest.raises(TemplateError) as info:
        find_template_dir(load_inventory(root))
    assert f"no templates folder found (looked in {tmp_path / 'templates'}" in info.value.message
    assert "give one with --templates DIR or 'templates: PATH' in the inventory" in info.value.message


def test_an_installed_mikronet_finds_the_templates_beside_the_inventory(tmp_path: Path) -> None:
    """As a non-editable install does: the package alone in site-packages, no checkout around it."""
    site = tmp_path / "site-packages"
    shutil.copytree(REPO / "mikronet", site / "mikronet", ignore=shutil.ignore_patterns("__pycache__"))
    project = tmp_path / "skolas"
    shutil.copytree(SAMPLE, project / "inventory", ignore=shutil.ignore_patterns("_generate.py"))
    shutil.copytree(REPO / "templates", project / "templates")
    # the sample names its templates folder; an inventory that does not is searched beside
    fleet = project / "inventory" / "fleet.yaml"
    fleet.write_text(fleet.read_text(encoding="utf-8").replace("templates: ../templates\n", ""), encoding="utf-8")
    cwd = tmp_path / "somewhere"
    cwd.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "MIKRONET_PASSWORD": "x"}
    code = "import sys; from mikronet.cli.main import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", code, "-i", str(project / "inventory"), "render", "--check"],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "179 of 179 routers render and parse\n"
    probe = subprocess.run(
        [sys.executable, "-c", "import mikronet; print(mikronet.__file__)"],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=60, check=True,
    )  # fmt: skip
    assert probe.stdout.startswith(str(site))  # really the copy, not the checkout


def test_a_caller_s_own_check_is_grouped_the_same_way() -> None:
    """The push pipeline checks more (revealed values the router's encoding cannot carry): its errors
    group like the renderer's, the router's own id taken out of the message."""
    from mikronet.errors import InputError

    inventory = load_inventory(SAMPLE)

    def check(router: object) -> None:
        router_id = getattr(router, "id", "")
        if router_id.endswith("/ap1"):
            raise InputError(f"{router_id}: a value cp1257 cannot carry: '🙂' in school name")

    result = check_render(inventory.routers, Renderer(REPO / "templates"), check=check)
    aps = [r.id for r in inventory.routers if r.id.endswith("/ap1")]
    assert len(result.problems) == 1 and result.problems[0].routers == tuple(aps)
    assert result.problems[0].message == "a value cp1257 cannot carry: '🙂' in school name"
