"""``mikronet config parse | diff | normalize`` through the CLI runner and as a process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ros_corpus import export_path

from mikronet.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_parse_summary_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "config", "parse", str(export_path("06")))
    assert status == 0
    assert "RouterOS 7.12.1" in out and "/ip firewall filter  (6 items)" in out
    status, out, _ = run(capsys, "--json", "config", "parse", str(export_path("06")))
    data = json.loads(out)
    assert status == 0 and data["header"]["version"] == "7.12.1"
    peer = data["sections"]["/interface wireguard peers"]["items"][0]["props"]
    assert peer["preshared-key"] == "***"


def test_parse_error_is_exit_2_with_file_line_column(capsys: pytest.CaptureFixture[str]) -> None:
    path = export_path("40")
    status, out, err = run(capsys, "config", "parse", str(path))
    assert status == 2 and not out
    assert err.strip() == (f"error: {path}:566:77: unterminated string in comment=: no closing quote up to the "
                           "end of the input (the input may be cut short)")
    status, out, err = run(capsys, "config", "parse", "--recover", str(path))
    assert status == 0 and f"warning: {path}:line 566:77: unterminated string" in err


def test_diff_of_a_file_with_itself_is_empty(capsys: pytest.CaptureFixture[str]) -> None:
    for number in ("01", "14", "37"):
        status, out, _ = run(capsys, "config", "diff", str(export_path(number)), str(export_path(number)))
        assert (status, out) == (0, "")


def test_diff_as_script_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "config", "diff", str(export_path("05")), str(export_path("06")))
    assert status == 0
    assert "/system identity" not in out and "/system clock set time-zone-name=Europe/Kyiv" in out
    assert "preshared-key=***" in out and "REDACTED" not in out
    status, out, _ = run(capsys, "config", "diff", "--json", str(export_path("24")), str(export_path("25")))
    assert json.loads(out)["changes"] == 0


def test_diff_merge_uses_the_templates_directives(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "skola.rsc"
    template.write_text("#mikronet: own /ip firewall nat\n/ip firewall nat\nadd action=masquerade chain=srcnat "
                        "out-interface-list=WAN\n/system identity\nset name=\"Cēsu pamatskola\"\n", encoding="utf-8")
    status, out, _ = run(capsys, "config", "diff", "--merge", str(export_path("06")), str(template))
    lines = out.splitlines()
    assert status == 0
    assert '/system identity set name="C\\C4\\93su pamatskola"' in lines
    assert sum(line.startswith("/ip firewall nat remove") for line in lines) == 3
    assert not any(line.startswith("/ip firewall filter") for line in lines)


def test_normalize_is_a_stable_canonical_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "config", "normalize", "--strip-macs", str(export_path("24")))
    assert status == 0 and "orig-mac-address" not in out and "64:D1:54" not in out
    once = tmp_path / "once.rsc"
    once.write_text(out, encoding="utf-8")
    status, again, _ = run(capsys, "config", "normalize", "--strip-macs", str(once))
    assert again == out


def test_bad_arguments_are_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "config", "parse", "/nonexistent/x.rsc")
    assert status == 2 and "does not exist" in err


def test_as_a_process() -> None:
    done = subprocess.run([sys.executable, "-m", "mikronet", "config", "diff", str(export_path("24")),
                           str(export_path("25"))], capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout) == (0, "")
    bad = subprocess.run([sys.executable, "-m", "mikronet", "config", "parse", str(export_path("46"))],
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and ":16:1: bad command name ..." in bad.stderr


def test_normalize_leaves_out_secrets_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "config", "normalize", str(export_path("14")))  # /ppp secret passwords
    assert status == 0 and "name=TELEGRAM_CHAT_ID" in out and "password=-1001798127067" not in out
    status, shown, _ = run(capsys, "config", "normalize", "--show-sensitive", str(export_path("14")))
    assert "password=-1001798127067" in shown


def test_diff_exit_code_says_whether_the_files_differ(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    same = str(export_path("24")), str(export_path("25"))  # verbose and compact export of one router
    assert run(capsys, "config", "diff", "--exit-code", *same)[:2] == (0, "")
    status, out, _ = run(capsys, "config", "diff", "--exit-code", str(export_path("05")), str(export_path("06")))
    assert status == 3 and "/system clock set time-zone-name=Europe/Kyiv" in out
    status, out, _ = run(capsys, "--json", "config", "diff", "--exit-code", str(export_path("05")),
                         str(export_path("06")))
    assert status == 3 and json.loads(out)["changes"] > 0
    assert run(capsys, "config", "diff", str(export_path("05")), str(export_path("06")))[0] == 0  # without the flag
    status, _, err = run(capsys, "config", "diff", "--exit-code", str(export_path("40")), str(export_path("06")))
    assert status == 2 and "unterminated" in err
    done = subprocess.run([sys.executable, "-m", "mikronet", "config", "diff", "--exit-code", str(export_path("05")),
                           str(export_path("06"))], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 3


def test_lint_names_file_line_and_the_property_meant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "skola.rsc"
    script.write_text("/ip dns\nset alow-remote-requests=yes\n/system ntp client\nset server-dns-names=lv.pool\n",
                      encoding="utf-8")
    status, _, err = run(capsys, "config", "lint", "--version", "7.16", str(script))
    assert status == 2
    assert err.splitlines() == [
        f"{script}:2: /ip dns set alow-remote-requests: unknown property (did you mean allow-remote-requests?)",
        f"{script}:4: /system ntp client set server-dns-names: not on RouterOS 7.16 (until 7.0)"]
    status, out, _ = run(capsys, "--json", "config", "lint", str(script))  # no version: no version gates
    assert status == 2 and [p["suggestion"] for p in json.loads(out)["problems"]] == ["allow-remote-requests"]
    assert run(capsys, "config", "lint", str(export_path("07")))[0] == 0  # a real 7.5 export
    wireless = tmp_path / "ap.rsc"
    wireless.write_text("/interface wireless\nset [ find default-name=wlan1 ] ssid=skola\n", encoding="utf-8")
    assert run(capsys, "config", "lint", "--version", "7.16", str(wireless))[0] == 0
    status, _, err = run(capsys, "config", "lint", "--version", "7.16", "--packages", "routeros,wifi-qcom",
                         str(wireless))
    assert status == 2
    assert "/interface wireless: needs the wireless package (this router has: routeros, wifi-qcom)" in err
