"""Bad input: each case fails with a message naming file, line and field, exit status 2, and nothing else.

Every case runs through the real CLI entry point (``main``), and the load-level cases also through
:func:`load_inventory`, checking the error's fields as values.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mikronet.cli.main import main
from mikronet.errors import InventoryError, SecretError
from mikronet.inventory import load_inventory, resolve_secrets


def run_check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["-i", str(root), "inventory", "check"])
    out, err = capsys.readouterr()
    return code, out, err


def expect_error(
    root: Path, capsys: pytest.CaptureFixture[str], *, file: str, line: int, field: str | None, message: str
) -> InventoryError:
    """The CLI exits 2 with exactly one 'error: file:line: field: message' line first, nothing on stdout."""
    code, out, err = run_check(root, capsys)
    assert code == 2
    assert out == ""
    where = f"{root / file}:{line}"
    expected = f"error: {where}: {field}: {message}" if field else f"error: {where}: {message}"
    assert err.splitlines()[0] == expected
    assert "Traceback" not in err
    with pytest.raises(InventoryError) as info:
        resolve_secrets(load_inventory(root).routers)
    assert info.value.file == str(root / file)
    assert info.value.line == line
    assert info.value.field == field
    return info.value


def test_malformed_yaml(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0])
    root = write(
        "schools.yaml", texts[1].replace('name: "Rīgas 1. vidusskola"', "name: [Rīgas 1. vidusskola")
    )
    code, out, err = run_check(root, capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {root / 'schools.yaml'}:")
    assert "malformed YAML" in err
    with pytest.raises(InventoryError) as info:
        load_inventory(root)
    assert info.value.file == str(root / "schools.yaml")
    assert (
        info.value.line is not None and 3 <= info.value.line <= 5
    )  # the unclosed '[' on line 3, seen by line 5


def test_unknown_key_with_did_you_mean(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1].replace("model: RB4011iGS+", "modle: RB4011iGS+"))
    error = expect_error(
        root,
        capsys,
        file="schools.yaml",
        line=12,
        field="schools[0].routers[0].modle",
        message="unknown key 'modle'; did you mean 'model'?",
    )
    # "missing required key 'model'" would only repeat the suggestion
    assert "missing" not in str(error)


def test_unknown_top_level_key(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0].replace("groups:", "grups:"))
    root = write("schools.yaml", texts[1])
    expect_error(
        root,
        capsys,
        file="fleet.yaml",
        line=7,
        field="grups",
        message="unknown key 'grups'; did you mean 'groups'?",
    )


def test_duplicate_school_id_across_files(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0])
    write("a.yaml", texts[1])
    root = write("b.yaml", texts[1].replace("10.42.0.1", "10.42.0.2"))
    expect_error(
        root,
        capsys,
        file="b.yaml",
        line=2,
        field="schools[0].id",
        message=f"duplicate school id 'LV-0042' (first at {root / 'a.yaml'}:2)",
    )


def test_duplicate_router_id(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0])
    second = "      - name: gw\n        host: 10.42.0.2\n        model: RB750Gr3\n"
    root = write("schools.yaml", texts[1] + second)
    expect_error(
        root,
        capsys,
        file="schools.yaml",
        line=16,
        field="schools[0].routers[1].name",
        message="duplicate router id 'LV-0042/gw' in this school",
    )


def test_duplicate_yaml_key(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0])
    root = write(
        "schools.yaml",
        texts[1].replace(
            "        serial: HE108ABCDEF\n", "        serial: HE108ABCDEF\n        host: 10.42.0.9\n"
        ),
    )
    expect_error(
        root,
        capsys,
        file="schools.yaml",
        line=14,
        field="schools[0].routers[0].host",
        message="duplicate key 'host' (first written on line 11)",
    )


@pytest.mark.parametrize(
    "host", ["10.42.0.300", "10.42.0", "10.42..1", "router_1.school.lv", "10.42.0.1:8728"]
)
def test_bad_host(
    host: str,
    write: Callable[..., Path],
    texts: tuple[str, str],
    password: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1].replace("host: 10.42.0.1", f"host: {host}"))
    expect_error(
        root,
        capsys,
        file="schools.yaml",
        line=11,
        field="schools[0].routers[0].host",
        message=f"{host!r} is not a valid IP address or host name",
    )


def test_bad_connection_type(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1].replace("type: optical", "type: fibre"))
    expect_error(
        root,
        capsys,
        file="schools.yaml",
        line=7,
        field="schools[0].connection.type",
        message="'fibre' is not one of optical, other",
    )


def test_missing_env_variable(
    small: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MIKRONET_PASSWORD", raising=False)
    error = expect_error(
        small,
        capsys,
        file="fleet.yaml",
        line=4,
        field="defaults.password",
        message="environment variable MIKRONET_PASSWORD is not set",
    )
    assert isinstance(error, SecretError)


def test_missing_secret_file(
    write: Callable[..., Path], texts: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0].replace("{env: MIKRONET_PASSWORD}", "{file: secrets/router.txt}"))
    root = write("schools.yaml", texts[1])
    code, _, err = run_check(root, capsys)
    assert code == 2
    assert err.startswith(f"error: {root / 'fleet.yaml'}:4: defaults.password: cannot read secret file ")
    assert "secrets/router.txt" in err


def test_non_utf8_file(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1].encode("cp1257"))  # 'ī' becomes byte 0xee
    expect_error(
        root,
        capsys,
        file="schools.yaml",
        line=3,
        field=None,
        message="not UTF-8 text (byte 0xee at column 13); save the file as UTF-8",
    )


@pytest.mark.parametrize("text", ["", "# only a comment\n", "defaults:\n  username: x\n", "schools: []\n"])
def test_empty_inventory_file(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["-i", str(path), "inventory", "list"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == f"error: {path}: the inventory is empty: it defines no schools\n"


def test_empty_inventory_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "README.txt").write_text("not an inventory")
    code = main(["-i", str(tmp_path), "inventory", "list"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err == f"error: {tmp_path}: the inventory is empty: no *.yaml files in this folder\n"


def test_missing_inventory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["-i", str(tmp_path / "nope"), "inventory", "check"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "no such file or folder" in err


def test_plain_text_password_refused_without_echoing_it(
    write: Callable[..., Path], texts: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0].replace("{env: MIKRONET_PASSWORD}", "Slepens-Vārds-123"))
    root = write("schools.yaml", texts[1])
    code, out, err = run_check(root, capsys)
    assert code == 2
    assert err.startswith(
        f"error: {root / 'fleet.yaml'}:4: defaults.password: a plain-text password is not allowed"
    )
    assert "password: {env: MIKRONET_PASSWORD}" in err and "{file: " in err
    assert "Slepens-Vārds-123" not in out + err


def test_unknown_group(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1].replace("groups: [pilot]", "groups: [pilott]"))
    expect_error(
        root,
        capsys,
        file="schools.yaml",
        line=6,
        field="schools[0].groups[0]",
        message="unknown group 'pilott'; did you mean 'pilot'?",
    )


def test_wrong_type_names_the_source_text(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0])
    root = write("schools.yaml", texts[1].replace("serial: HE108ABCDEF", "serial: 0123"))
    expect_error(
        root,
        capsys,
        file="schools.yaml",
        line=13,
        field="schools[0].routers[0].serial",
        message="expected text, got '0123'; put it in quotes",
    )


def test_every_problem_is_reported_not_only_the_first(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0])
    bad = texts[1].replace("type: optical", "type: fibre").replace("host: 10.42.0.1", "host: 10.42.0.300")
    root = write("schools.yaml", bad)
    code, _, err = run_check(root, capsys)
    assert code == 2
    assert (
        f"{root / 'schools.yaml'}:7: schools[0].connection.type: 'fibre' is not one of optical, other" in err
    )
    assert f"{root / 'schools.yaml'}:11: schools[0].routers[0].host: '10.42.0.300' is not a valid" in err


def test_two_routers_on_one_address(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0])
    second = "      - name: lab\n        host: 10.42.0.1\n        model: RB750Gr3\n"
    root = write("schools.yaml", texts[1] + second)
    expect_error(
        root,
        capsys,
        file="schools.yaml",
        line=17,
        field="schools[0].routers[1].host",
        message=f"10.42.0.1 port 8728 is already router 'LV-0042/gw' ({root / 'schools.yaml'}:11)",
    )


def test_default_set_in_two_files(
    write: Callable[..., Path], texts: tuple[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0])
    write("more.yaml", "defaults:\n  username: admin\n")
    root = write("schools.yaml", texts[1])
    expect_error(
        root,
        capsys,
        file="more.yaml",
        line=2,
        field="defaults.username",
        message=f"already set in {root / 'fleet.yaml'}:3; set each default once",
    )


@pytest.mark.parametrize("indent", ["\t", "  \t", "\t  "])
def test_a_tab_in_the_inventory_is_named_at_its_line_and_column(
    write: Callable[..., Path], texts: tuple[str, str], password: str, indent: str,
    capsys: pytest.CaptureFixture[str]
) -> None:
    write("fleet.yaml", texts[0])
    lines = texts[1].splitlines()
    number = next(i for i, line in enumerate(lines) if "Rīgas 1. vidusskola" in line)
    lines[number] = indent + lines[number].lstrip()
    root = write("schools.yaml", "\n".join(lines) + "\n")
    code, out, err = run_check(root, capsys)
    assert (code, out) == (2, "")
    column = indent.index("\t") + 1
    assert err.splitlines() == [
        f"error: {root / 'schools.yaml'}:{number + 1}: a tab at column {column}: YAML indents with spaces"]
