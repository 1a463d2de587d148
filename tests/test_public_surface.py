"""The library's public surface: every name in mikronet.__all__ resolves, and `import mikronet` is cheap."""

from __future__ import annotations

import subprocess
import sys

import mikronet


def test_every_public_name_resolves_to_what_its_module_defines() -> None:
    for name in mikronet.__all__:
        value = getattr(mikronet, name)
        assert value is not None, name
    assert mikronet.Pusher.__module__ == "mikronet.ops.push"
    assert issubclass(mikronet.InputError, mikronet.MikronetError)
    assert mikronet.Ledger.__module__ == "mikronet.ledger.store"
    assert issubclass(mikronet.LedgerError, mikronet.InputError)


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        mikronet.nothing_here  # noqa: B018
    except AttributeError as exc:
        assert "nothing_here" in str(exc)
    else:
        raise AssertionError("no AttributeError")


def test_importing_the_package_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, mikronet; heavy = {'pydantic', 'librouteros', 'netmiko', 'paramiko', 'jinja2', 'asyncssh',"
        "'sqlite3', 'psycopg'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_importing_the_ledger_loads_no_database_driver() -> None:
    code = "import sys, mikronet.ledger; print(sorted({'sqlite3', 'psycopg'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
