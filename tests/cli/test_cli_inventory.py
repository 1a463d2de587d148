"""``mikronet inventory``: through click's runner, and as a real process (also on a terminal)."""

from __future__ import annotations

import json
import logging
import os
import pty
import select as select_fd
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from mikronet.cli.main import cli, main
from mikronet.routeros import quote

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "inventory"
MIKRONET = Path(sys.executable).parent / "mikronet"
TEST_PASSWORD = "Kļūda-Ņ7-parole-šim-testam"  # distinctive: searched for in every output below
# the sample's access points' secrets: a Wi-Fi passphrase in their variables, a RADIUS secret in the
# AP template's defaults; written the ways that slip past a literal match (quotes, $, \, ?, ā)
WIFI_PASSPHRASE = 'Skolas "Wi-Fi" $parole\\ā?'
RADIUS_SECRET = "RADIUS-ķ-secret-%20-7"


@pytest.fixture(autouse=True)
def sample_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_WIFI_PASSPHRASE", WIFI_PASSPHRASE)
    monkeypatch.setenv("MIKRONET_RADIUS_SECRET", RADIUS_SECRET)


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MIKRONET_PASSWORD", TEST_PASSWORD)
    return TEST_PASSWORD


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["-i", str(SAMPLE), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_check_prints_one_summary_line(runner: CliRunner, password: str) -> None:
    code, out, err = invoke(runner, "inventory", "check")
    assert code == 0 and err == ""  # the sample sets no variable a template does not read
    assert out == (
        "ok: 120 schools, 179 routers, 43 municipalities "
        f"({SAMPLE}, 46 files); secrets resolve for 179 routers\n"
    )


def test_check_json(runner: CliRunner, password: str) -> None:
    code, out, _ = invoke(runner, "--json", "inventory", "check", "--limit", "municipality=Rīga")
    assert code == 0
    data = json.loads(out)
    assert data["schools"] == 120 and data["municipalities"] == 43
    assert data["windows"] == ["default", "pilot"] and data["contracts"] == {"signed": 29, "planned": 8}
    assert data["selected"] == data["secrets_resolved"] > 0


def test_list_limit_plain_columns(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "inventory", "list", "--limit", "municipality=Rīga")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ROUTER", "SCHOOL", "MUNICIPALITY", "HOST", "MODEL", "ROUTEROS", "TRANSPORT"]
    assert any(line.startswith("LV-0042/gw ") for line in lines)
    assert all("Rīga" in line for line in lines[1:])
    assert len({line.index("Rīga") for line in lines[1:]}) == 1  # aligned columns


@pytest.mark.parametrize("flags", [["--json", "inventory", "list"], ["inventory", "list", "--json"]])
def test_list_json_global_and_local(runner: CliRunner, flags: list[str]) -> None:
    code, out, _ = invoke(runner, *flags, "-l", "municipality=Rīga")
    assert code == 0
    records = json.loads(out)
    assert records and {r["municipality"] for r in records} == {"Rīga"}
    assert {"id", "host", "model", "routeros", "password", "vars", "file", "line"} <= set(records[0])
    assert records[0]["password"] == "env:MIKRONET_PASSWORD"


def test_show_every_value_with_its_origin(runner: CliRunner, password: str) -> None:
    code, out, _ = invoke(runner, "inventory", "show", "LV-0042/gw")
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert "*** (env:MIKRONET_PASSWORD)" in rows["password"] and "defaults (" in rows["password"]
    assert "fleet.yaml:12" in rows["password"]
    assert "school (" in rows["vars.lan_subnet"] and "riga.yaml" in rows["vars.lan_subnet"]
    assert rows["ports.api"].split()[1:] == ["8728", "builtin"]
    code, out, _ = invoke(runner, "inventory", "show", "LV-0042/gw", "--json")
    values = {v["name"]: v for v in json.loads(out)["values"]}
    assert values["username"]["from"] == "defaults" and values["username"]["line"] == 11
    assert values["vars.lan_subnet"]["from"] == "school"


def test_show_without_the_secret_says_so(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIKRONET_PASSWORD", raising=False)
    code, out, _ = invoke(runner, "inventory", "show", "LV-0042/gw")
    assert code == 0
    assert "env:MIKRONET_PASSWORD: environment variable MIKRONET_PASSWORD is not set" in out


def test_show_unknown_router(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-i", str(SAMPLE), "inventory", "show", "LV-0042/gww"]) == 2
    assert "did you mean LV-0042/gw" in capsys.readouterr().err
    assert main(["-i", str(SAMPLE), "inventory", "show", "LV-0042"]) == 2
    assert "'LV-0042' is a school; its routers: LV-0042/gw" in capsys.readouterr().err


def test_empty_selection_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-i", str(SAMPLE), "inventory", "list", "--limit", "municipality=Atlantīda"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "error: --limit 'municipality=Atlantīda' selects no routers: "
        "'municipality=Atlantīda' matched nothing\n"
    )


def test_real_process(password: str) -> None:
    env = {**os.environ, "MIKRONET_PASSWORD": password}
    done = subprocess.run(
        [str(MIKRONET), "-i", str(SAMPLE), "inventory", "list", "--json", "-l", "LV-0042/gw"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [r["id"] for r in json.loads(done.stdout)] == ["LV-0042/gw"]
    bad = subprocess.run(
        [str(MIKRONET), "-i", str(REPO / "no-such-inventory"), "inventory", "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr
    assert password not in done.stdout + done.stderr + bad.stdout + bad.stderr


def test_rich_table_on_a_terminal(password: str) -> None:
    primary, secondary = pty.openpty()
    env = {**os.environ, "MIKRONET_PASSWORD": password, "COLUMNS": "160", "TERM": "xterm"}
    proc = subprocess.Popen(
        [str(MIKRONET), "-i", str(SAMPLE), "inventory", "show", "LV-0042/gw"],
        stdout=secondary,
        stderr=secondary,
        env=env,
    )
    os.close(secondary)
    chunks = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select_fd.select([primary], [], [], 1)
        if ready:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    os.close(primary)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "┃" in text or "│" in text  # box drawing: rich drew a table
    assert "LV-0042/gw" in text and "env:MIKRONET_PASSWORD" in text
    assert password not in text


@pytest.fixture
def debug_logs() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(old)


def test_no_secret_in_any_output(
    password: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], debug_logs: list[logging.LogRecord]
) -> None:
    """Every inventory command, with the test password set and resolved, never prints or logs it."""
    csv_path = tmp_path / "fleet.csv"
    commands = [
        ["inventory", "check"],
        ["--json", "inventory", "check"],
        ["inventory", "list"],
        ["--json", "inventory", "list"],
        ["inventory", "show", "LV-0042/gw"],
        ["inventory", "show", "LV-0042/gw", "--json"],
        ["inventory", "show", "LV-0042/ap1"],  # the access point: a Wi-Fi passphrase in its variables
        ["inventory", "show", "LV-0042/ap1", "--json"],
        ["render", "LV-0042/ap1"],  # and a RADIUS secret in its template's defaults
        ["render", "--check"],
        ["inventory", "export", "-f", "csv"],
        ["inventory", "export", "-f", "csv", "--excel", "-o", str(csv_path)],
        ["inventory", "export", "-f", "ansible"],
        ["inventory", "export", "-f", "nornir", "-o", str(tmp_path / "nornir")],
        ["inventory", "list", "-l", "nothing-matches"],
    ]
    outputs = []
    for command in commands:
        main(["-i", str(SAMPLE), *command])
        captured = capsys.readouterr()
        outputs += [captured.out, captured.err]
    main(["-i", str(tmp_path / "no-inventory"), "inventory", "import", str(csv_path)])  # imported, not checked
    captured = capsys.readouterr()
    outputs += [captured.out, captured.err]
    # a plain-text password in an inventory: refused, and not echoed
    plain = tmp_path / "plain.yaml"
    plain.write_text(
        (SAMPLE / "fleet.yaml")
        .read_text(encoding="utf-8")
        .replace("password:\n    env: MIKRONET_PASSWORD", f"password: {password}"),
        encoding="utf-8",
    )
    assert main(["-i", str(plain), "inventory", "check"]) == 2
    captured = capsys.readouterr()
    outputs += [captured.out, captured.err]
    assert "plain-text password is not allowed" in captured.err
    written = [p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file() and p != plain]
    logged = [record.getMessage() for record in debug_logs]
    everything = "\n".join(outputs + written + logged)
    assert "LV-0042/gw" in everything and len(everything) > 10_000  # the commands really ran
    assert "wpa2-pre-shared-key=***" in everything  # the access point was rendered
    assert "*** (env:MIKRONET_WIFI_PASSPHRASE)" in everything
    for secret in (password, WIFI_PASSPHRASE, RADIUS_SECRET):
        for spelling in (secret, quote(secret), json.dumps(secret)[1:-1], repr(secret)[1:-1]):
            assert spelling not in everything, spelling


def test_a_term_matching_nothing_is_warned_about(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "inventory", "list", "-l", "LV-0042/gw,LV-9999")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["LV-0042/gw"]
    assert err == "warning: --limit term 'LV-9999' matched no router\n"
