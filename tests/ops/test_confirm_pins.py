"""After trust / tls-enroll: a router whose pin is not what it presented is a failure, named."""

from __future__ import annotations

from pathlib import Path

from mikronet.ops.identity import confirm_pins
from mikronet.runner import RunResult
from mikronet.runner.results import RouterResult, Status
from mikronet.transport import TrustStore
from mikronet.transport.trust import TLS_KIND, Pin

CERT = "ab" * 32
OTHER = "cd" * 32


def test_a_pin_overwritten_after_the_router_was_pinned_fails_its_result(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "known_hosts")
    store.record(Pin("LV-0001/gw", TLS_KIND, CERT))
    store.record(Pin("LV-0002/gw", TLS_KIND, OTHER))  # something else overwrote what LV-0002 presented
    run = RunResult([
        RouterResult("LV-0001/gw", Status.CHANGED, details={"tls_fingerprint": CERT}),
        RouterResult("LV-0002/gw", Status.CHANGED, details={"tls_fingerprint": CERT}),
        RouterResult("LV-0003/gw", Status.CHANGED, details={"pinned": True, "ssh": None,
                                                           "tls": {"kind": TLS_KIND, "value": CERT}}),
        RouterResult("LV-0004/gw", Status.PLANNED, details={"new_pins": []}),
    ])
    confirm_pins(run, store)
    assert [r.status for r in run.results] == [Status.CHANGED, Status.FAILED, Status.FAILED, Status.PLANNED]
    lost = run.results[1]
    assert lost.cause == "pin-lost" and CERT in (lost.error or "") and str(store.path) in (lost.error or "")
