"""The known_hosts pin store beside the inventory."""

from __future__ import annotations

from pathlib import Path

import pytest

from mikronet.errors import InputError
from mikronet.transport.trust import TLS_KIND, Pin, TrustStore, normalise_fingerprint


def test_record_replaces_the_pin_of_the_same_family_and_keeps_the_other(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "known_hosts")
    store.record(Pin("LV-0042/gw", "ssh-ed25519", "AAAAold"))
    store.record(Pin("LV-0042/gw", TLS_KIND, "aa" * 32))
    store.record(Pin("LV-0042/gw", "ssh-ed25519", "AAAAnew"))
    store.record(Pin("LV-0043/gw", "ssh-ed25519", "AAAAother"))
    assert store.ssh_key("LV-0042/gw") == Pin("LV-0042/gw", "ssh-ed25519", "AAAAnew")
    assert store.tls_fingerprint("LV-0042/gw") == "aa" * 32
    assert store.openssh_known_hosts("LV-0042/gw", "10.0.0.1", 2222) == "[10.0.0.1]:2222 ssh-ed25519 AAAAnew\n"
    assert store.openssh_known_hosts("LV-0042/gw", "10.0.0.1", 22) == "10.0.0.1 ssh-ed25519 AAAAnew\n"
    store.forget("LV-0042/gw")
    assert store.pins("LV-0042/gw") == [] and store.ssh_key("LV-0043/gw") is not None


def test_a_malformed_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    path.write_text("# pins\nLV-0042/gw ssh-ed25519\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"known_hosts:2: expected 'ROUTER KIND VALUE'"):
        TrustStore(path).pins("LV-0042/gw")


@pytest.mark.parametrize("text", ["AB:CD:EF", "abcdef", "sha256:ABCDEF", " ab:cd:ef "])
def test_fingerprints_are_compared_in_one_spelling(text: str) -> None:
    assert normalise_fingerprint(text) == "abcdef"
