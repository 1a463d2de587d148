"""The scheduler of a simulated router: ``/system scheduler`` entries that really run.

Each enabled entry gets a timer from its ``interval`` (and ``start-time``/``start-date``);
``startup`` entries run a few seconds after each boot; ``on-event`` is the name of a
``/system script`` or script text itself (run by :mod:`mikronet.sim.scripting`). This is what arms
a push's automatic revert. Timers die with a reboot and are armed again at boot; a change to an
entry re-arms only that entry, so editing one entry never delays another's revert.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from mikronet.routeros.values import duration_seconds
from mikronet.sim.clock import TimerHandle
from mikronet.sim.config import PathHooks
from mikronet.sim.formats import format_date
from mikronet.sim.menus import Request
from mikronet.sim.scripting import STARTUP_DELAY, run_item, run_script
from mikronet.sim.store import Item

if TYPE_CHECKING:
    from mikronet.sim.state import RouterState

__all__ = ["arm_scheduler", "scheduler_hooks"]

LOG = logging.getLogger(__name__)


Armed = dict[int, tuple[tuple[str, ...], TimerHandle]]


def _armed(device: RouterState) -> Armed:
    """This router's armed entries by item number (kept with the router, re-armed at each boot)."""
    found: Armed = device.extension("scheduler", dict)
    return found


def scheduler_hooks(device: RouterState) -> PathHooks:
    def computed(item: Item, request: Request | None) -> dict[str, str]:
        row = {"owner": item.values.get("owner", "admin"), "run-count": item.values.get("run-count", "0")}
        if "next-run" in item.values:
            row["next-run"] = item.values["next-run"]
        return row

    return PathHooks(computed=computed)


def _fire(device: RouterState, number: int) -> None:
    table = device.store.table(("system", "scheduler"))
    item = table.get(number)
    if item is None or item.values.get("disabled") == "true":
        return
    item.values["run-count"] = str(int(item.values.get("run-count", "0")) + 1)
    event = item.values.get("on-event", "")
    scripts = device.config_menu(("system", "script")) if ("system", "script") in device.specs else None
    target = None
    if scripts is not None and event and "\n" not in event and " " not in event.strip():
        target = next((s for s in scripts.items() if s.values.get("name") == event.strip()), None)
    LOG.info("%s: scheduler %s runs", device.spec.router_id, item.values.get("name"))
    result = run_item(device, target, "admin") if target else run_script(device, event)
    if result.error is not None:
        device.log_event("script,error", f"scheduler {item.values.get('name')}: {result.located_error}")
    if not result.rebooting and device.online:
        _arm_one(device, item, after_run=True)


def _first_delay(device: RouterState, item: Item, booting: bool, after_run: bool) -> float | None:
    interval = duration_seconds(item.values.get("interval") or "0s")
    if interval is None:
        return None
    start = item.values.get("start-time", "startup")
    if after_run:
        return interval if interval > 0 else None
    if start == "startup":
        if booting:
            return STARTUP_DELAY
        return interval if interval > 0 else None
    try:
        clock_time = datetime.strptime(start, "%H:%M:%S").time()
    except ValueError:
        return interval if interval > 0 else None
    now = device.clock.wall()
    date_text = item.values.get("start-date", "")
    try:
        day = datetime.strptime(date_text, "%Y-%m-%d").date() if date_text else now.date()
    except ValueError:
        day = now.date()
    when = datetime.combine(day, clock_time)
    if when < now:
        if interval <= 0:
            return None
        steps = int((now - when).total_seconds() // interval) + 1
        when += timedelta(seconds=steps * interval)
    return (when - now).total_seconds()


def _signature(item: Item) -> tuple[str, ...]:
    v = item.values
    return (
        v.get("interval", ""),
        v.get("start-time", ""),
        v.get("start-date", ""),
        v.get("disabled", ""),
        v.get("on-event", ""),
    )


def _arm_one(device: RouterState, item: Item, *, booting: bool = False, after_run: bool = False) -> None:
    old = _armed(device).pop(item.number, None)
    if old is not None:
        old[1].cancel()
    item.values.pop("next-run", None)
    if item.values.get("disabled") == "true":
        return
    delay = _first_delay(device, item, booting, after_run)
    if delay is None:
        return
    item.values["next-run"] = format_date(
        device.clock.wall() + timedelta(seconds=delay), iso=device.behaviour.iso_dates
    )
    number = item.number
    _armed(device)[number] = (
        _signature(item),
        device.call_later(delay, lambda: _fire(device, number)),
    )


def arm_scheduler(device: RouterState, *, booting: bool = False) -> None:
    """(Re)arm a timer for every enabled scheduler entry; called on change and on each boot."""
    table = device.store.table(("system", "scheduler"))
    present = {item.number for item in table}
    armed_entries = _armed(device)
    for number in list(armed_entries):
        if number not in present:
            armed_entries.pop(number)[1].cancel()
    for item in table:
        armed = armed_entries.get(item.number)
        if booting or armed is None or armed[0] != _signature(item):
            _arm_one(device, item, booting=booting)
