"""The sample inventory's access points carry secret references (a Wi-Fi passphrase, a RADIUS secret):
set for every test here, as MIKRONET_PASSWORD is set by the tests that need it."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def access_point_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIKRONET_WIFI_PASSPHRASE", "Render-Wi-Fi")
    monkeypatch.setenv("MIKRONET_RADIUS_SECRET", "Render-Radius")
