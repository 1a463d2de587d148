"""Fixtures for the inventory tests: a distinctive test password, the sample, small inventories on disk."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "inventory"
TEST_PASSWORD = "Zx9-šķūņa-parole-7Qk"  # distinctive, with Latvian letters; must never appear in output
# the sample's access points: a Wi-Fi passphrase in their variables, a RADIUS secret in their template's defaults
WIFI_PASSPHRASE = 'Wi-Fi "skola" $ā?\\ parole 42'
RADIUS_SECRET = "radius-ņ-Secret-77 %&"

FLEET = """\
defaults:
  transport: api
  username: mikronet
  password: {env: MIKRONET_PASSWORD}
  template: school-gateway
  vars: {timezone: Europe/Riga, wave: 9}
groups:
  pilot: {vars: {wave: 0}}
  ssh-only: {transport: ssh, ports: {ssh: 2222}}
"""

SCHOOL = """\
schools:
  - id: LV-0042
    name: "Rīgas 1. vidusskola"
    municipality: "Rīga"
    municipality_before_2021: "Rīga"
    groups: [pilot]
    connection: {type: optical, monthly_fee_eur: 80, contracted_mbps: 300}
    vars: {lan_subnet: 10.42.0.0/24}
    routers:
      - name: gw
        host: 10.42.0.1
        model: RB4011iGS+
        serial: HE108ABCDEF
        routeros: 7.14.3
        ports: {api: 8728, api-ssl: 8729, ssh: 22}
"""


@pytest.fixture(autouse=True)
def sample_secrets(monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The access points' secrets, set for every test (a test about a missing one removes it)."""
    monkeypatch.setenv("MIKRONET_WIFI_PASSPHRASE", WIFI_PASSPHRASE)
    monkeypatch.setenv("MIKRONET_RADIUS_SECRET", RADIUS_SECRET)
    return WIFI_PASSPHRASE, RADIUS_SECRET


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> str:
    """MIKRONET_PASSWORD set to a value a test can search all output for."""
    monkeypatch.setenv("MIKRONET_PASSWORD", TEST_PASSWORD)
    return TEST_PASSWORD


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write("a.yaml", text) puts a dedented file under a fresh inventory folder; returns the folder."""
    root = tmp_path / "inv"
    root.mkdir()

    def _write(name: str, text: str | bytes) -> Path:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return _write


@pytest.fixture
def texts() -> tuple[str, str]:
    """The text of the small inventory's fleet.yaml and schools.yaml, to make variants of."""
    return FLEET, SCHOOL


@pytest.fixture
def small(write: Callable[..., Path]) -> Path:
    """A valid two-file inventory (fleet.yaml + schools.yaml) with one school and one router."""
    write("fleet.yaml", FLEET)
    return write("schools.yaml", SCHOOL)
