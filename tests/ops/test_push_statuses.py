"""Statuses that tell the truth about an armed revert: when it fires, and whether it has fired."""

from __future__ import annotations

import re

import pytest

from mikronet.errors import TransportTimeout
from mikronet.inventory import Inventory, Router
from mikronet.ops import guard
from mikronet.runner.results import Stands, Status
from mikronet.sim.fleet import SimFleet
from mikronet.transport import Transport, TrustStore, connect

from .conftest import pusher, router

pytestmark = pytest.mark.timeout(120)

_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}|[a-z]{3}/\d{2}/\d{4}) \d{2}:\d{2}:\d{2}$")


@pytest.mark.parametrize("router_id", ["LV-0102/ssh", "LV-0102/sshv6", "LV-0101/api"])
def test_plan_reports_when_an_armed_revert_fires_over_every_transport(
    sim_inventory: Inventory, router_id: str
) -> None:
    r = router(sim_inventory, router_id)
    with connect(r, TrustStore(sim_inventory.known_hosts)) as session:
        session.run([guard.arm_command(3600)])
    try:
        result = pusher(sim_inventory).plan(pusher(sim_inventory).render([r])[0])
    finally:
        with connect(r, TrustStore(sim_inventory.known_hosts)) as session:
            session.run([guard.disarm_command()])
    assert result.status is Status.REVERT_PENDING
    assert result.revert_at is not None
    found = _DATE_TIME.match(result.revert_at)
    assert found is not None, result.revert_at  # the date and the time, not the date alone


def test_a_router_that_stops_answering_once_its_revert_fired_is_not_called_pending(
    fleet: SimFleet, sim_inventory: Inventory
) -> None:
    router_id = "LV-0101/fail"
    calls: list[int] = []

    def flaky_verification(target: Router) -> Transport:
        calls.append(1)
        if len(calls) == 2:  # the verification's fresh session: the path to it is down for a moment
            raise TransportTimeout("no answer", router=target.id)
        return connect(target, TrustStore(sim_inventory.known_hosts))

    def never_returns() -> None:
        fleet.device(router_id).faults.never_return = True

    fleet.call(never_returns)
    p = pusher(sim_inventory, revert_after=2.0, come_back_within=1.0)
    p.connector = flaky_verification
    try:
        result = p.push(p.render([router(sim_inventory, router_id)])[0])
    finally:
        fleet.call(lambda: fleet.device(router_id).power_on())
    assert len(calls) > 3  # it answered the polls while the revert was armed
    assert result.status is Status.FAILED, (result.status, result.error)
    assert result.cause == "revert-fired"
    assert result.stands is Stands.UNKNOWN
    assert result.revert_at is None
    assert result.error is not None and "revert fired at" in result.error
    assert "probably restarting with its backup" in result.error
    assert "has not fired" not in result.error
