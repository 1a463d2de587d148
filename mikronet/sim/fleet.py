"""``SimFleet``: a simulated router for every inventory router, for tests, scripts and the demo.

::

    with SimFleet(Path("inventory"), directory=tmp, options=FleetOptions(latency_ms=20)) as fleet:
        fleet.inventory_path             # the inventory, hosts pointing at the simulated routers
        fleet.endpoint("LV-0042/gw")     # address and ports
        fleet.device("LV-0042/gw")       # the state, for assertions
        fleet.set_fault("LV-0042/gw", "hang")

The asyncio loop runs in a thread of its own; ``with`` returns once every router listens and
stops them all on exit. Device state may be read from the test's thread (each device has a lock);
changes that move listeners (faults such as ``refuse``) go through :meth:`SimFleet.set_fault`.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from mikronet.errors import MikronetError
from mikronet.inventory import Inventory, inventory_files, load_inventory
from mikronet.sim.device import SimDevice
from mikronet.sim.faults import FAULT_KINDS, FaultSpecError
from mikronet.sim.inventory_io import setups_from_inventory, write_sim_inventory
from mikronet.sim.runtime import Endpoint, FleetOptions, FleetRuntime, RouterSetup

__all__ = ["FleetOptions", "SimFleet"]

LOG = logging.getLogger(__name__)
T = TypeVar("T")


class Hold:
    """A router held before a command (:meth:`SimFleet.hold`)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.reached = threading.Event()
        self.released = asyncio.Event()
        self.command = ""
        self.clear: Callable[[], None] = lambda: None

    def release(self) -> None:
        """Let the held command run, and hold nothing more."""
        self.clear()
        self._loop.call_soon_threadsafe(self.released.set)


class SimFleet:
    """Simulated routers for an inventory (a path or a loaded :class:`~mikronet.inventory.Inventory`)."""

    def __init__(
        self,
        inventory: Inventory | Path | str,
        *,
        directory: Path | str | None = None,
        options: FleetOptions | None = None,
        initial_configs: Mapping[str, str] | Callable[[str], str | None] | None = None,
        environ: Mapping[str, str] | None = None,
        setups: list[RouterSetup] | None = None,
        config_sources: Callable[[str], str | None] | None = None,
    ) -> None:
        self.inventory = inventory if isinstance(inventory, Inventory) else load_inventory(Path(inventory))
        self.options = options or FleetOptions()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if directory is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="mikronet-sim-")
            directory = self._tmp.name
        self.directory = Path(directory)
        if callable(initial_configs):
            configs: Callable[[str], str | None] | None = initial_configs
        elif initial_configs is not None:
            configs = dict(initial_configs).get
        else:
            configs = None
        self.setups = (
            setups
            if setups is not None
            else setups_from_inventory(self.inventory, initial_config=configs, environ=environ,
                                       source=config_sources)
        )
        self.runtime = FleetRuntime(self.setups, self.directory, self.options)
        self.runtime.on_endpoints = self.write_inventory
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.inventory_path = self.directory / "inventory.yaml"
        self._configs, self._environ, self._sources = configs, environ, config_sources
        self._write_lock = threading.Lock()
        self._stamp = self._source_stamp()
        self._watch_stop = threading.Event()
        self._watcher: threading.Thread | None = None

    # --- life cycle --------------------------------------------------------------------------------
    def start(self, timeout: float = 120.0) -> SimFleet:
        """Start every router; return once all listen and the inventory is written."""
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="mikronet-sim-fleet", daemon=True)
        self._thread.start()
        ready.wait()
        try:
            self._run(self.runtime.start(), timeout)
        except BaseException:
            self.stop()
            raise
        self.write_inventory()
        LOG.info(
            "simulated fleet: %d routers listening, inventory %s",
            len(self.runtime.routers),
            self.inventory_path,
        )
        return self

    def stop(self) -> None:
        """Stop every router and the loop (idempotent)."""
        self._watch_stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=10)
            self._watcher = None
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            try:
                self._run(self.runtime.stop(), 30.0)
            finally:
                loop.call_soon_threadsafe(loop.stop)
                thread.join(timeout=10)
                loop.close()
        self._loop = self._thread = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> SimFleet:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _run(self, coro: Any, timeout: float) -> Any:
        assert self._loop is not None, "the fleet is not running"
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout)

    def call(self, fn: Callable[[], T], timeout: float = 30.0) -> T:
        """Run ``fn`` in the fleet's loop thread and return its result."""

        async def inner() -> T:
            return fn()

        result: T = self._run(inner(), timeout)
        return result

    def replace(self, router_id: str, serial: str, model: str | None = None) -> None:
        """Swap a router for a new device (factory configuration, a new serial and so a new SSH host key
        and TLS certificate, perhaps another model) at the same address."""
        self._run(self.runtime.replace_router(router_id, serial, model), 60.0)

    def hold(self, router_id: str, when: Callable[[str], bool]) -> Hold:
        """Hold ``router_id`` before the first command ``when`` picks (an API word such as
        ``/system/backup/save``, or a console line) until :meth:`Hold.release`; ``Hold.reached`` is
        set once the router is waiting there. A test seam for interrupting a client at an exact point."""
        assert self._loop is not None, "the fleet is not running"
        hold = Hold(self._loop)

        async def gate(command: str) -> None:
            if not hold.reached.is_set() and when(command):
                hold.command = command
                hold.reached.set()
                await hold.released.wait()

        def install() -> None:
            self.device(router_id).gate = gate

        self.call(install)
        hold.clear = lambda: self.call(lambda: setattr(self.device(router_id), "gate", None))
        return hold

    # --- the written inventory follows the source -------------------------------------------------
    def _source_stamp(self) -> tuple[tuple[str, int, int], ...]:
        stamps = []
        for path in inventory_files(self.inventory.path):
            try:
                info = path.stat()
            except OSError:
                continue
            stamps.append((str(path), info.st_mtime_ns, info.st_size))
        return tuple(stamps)

    def write_inventory(self) -> None:
        """Write the inventory the fleet serves: the source's, with the twins' addresses and ports."""
        ca = self.runtime.ca.ca_path if self.runtime.ca is not None else None
        with self._write_lock:
            write_sim_inventory(self.inventory, self.runtime.endpoints, self.inventory_path, ca_file=ca,
                                restart_s=self.options.device.boot_time)

    def refresh(self) -> bool:
        """Take in edits of the source inventory: routers it gained get twins, routers it lost lose
        theirs, and the written inventory is rewritten (every field as the source has it, but the
        addresses and ports the fleet assigns). A source that does not load as it stands (an edit half
        done) is left alone and the written inventory keeps its last good state. True when rewritten."""
        stamp = self._source_stamp()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        known = set(self.runtime.routers)
        try:
            inventory = load_inventory(self.inventory.path)
            added = [s for s in setups_from_inventory(inventory, initial_config=self._configs,
                                                      environ=self._environ, source=self._sources)
                     if s.spec.router_id not in known]
        except MikronetError as exc:
            LOG.warning("the source inventory does not load; the fleet keeps its last one: %s", exc)
            return False
        wanted = {router.id for router in inventory.routers}
        removed = sorted(known - wanted)
        if added:
            self._run(self.runtime.add_routers(added), 120.0)
        if removed:
            self._run(self.runtime.remove_routers(removed), 30.0)
        self.setups = self.runtime.setups
        self.inventory = inventory
        self.write_inventory()
        LOG.info("source inventory changed: %d routers added, %d removed", len(added), len(removed))
        return True

    def follow_source(self, interval: float = 1.0) -> None:
        """Watch the source inventory and :meth:`refresh` on every change until the fleet stops."""

        def watch() -> None:
            while not self._watch_stop.wait(interval):
                try:
                    self.refresh()
                except Exception:  # a failed refresh must not end the watching
                    LOG.exception("following the source inventory failed")

        self._watcher = threading.Thread(target=watch, name="mikronet-sim-inventory", daemon=True)
        self._watcher.start()

    # --- looking and poking ------------------------------------------------------------------------
    @property
    def router_ids(self) -> tuple[str, ...]:
        return tuple(s.spec.router_id for s in self.setups)

    @property
    def endpoints(self) -> dict[str, Endpoint]:
        return self.runtime.endpoints

    @property
    def ca_path(self) -> Path | None:
        """The fleet CA's certificate (PEM) to verify api-ssl against; None in ADH mode."""
        return self.runtime.ca.ca_path if self.runtime.ca is not None else None

    def tls_fingerprint(self, router_id: str) -> str | None:
        """SHA-256 fingerprint of the router's api-ssl certificate (None in ADH mode)."""
        if self.runtime.ca is None:
            return None
        endpoint, spec = self.endpoint(router_id), self.device(router_id).spec
        return self.runtime.ca.certificate(router_id, spec.serial, endpoint.host).fingerprint

    def device(self, router_id: str) -> SimDevice:
        """The simulated router's state."""
        return self.runtime.routers[router_id].device

    def endpoint(self, router_id: str) -> Endpoint:
        return self.runtime.routers[router_id].endpoint

    def refused(self) -> dict[str, list[str]]:
        """Per router, each line of its initial configuration it refused: ``FILE:LINE: message``."""
        out: dict[str, list[str]] = {}
        for setup in self.setups:
            device = self.runtime.routers[setup.spec.router_id].device
            result = device.initial_result
            if result is None or not result.problems:
                continue
            where = setup.source or f"{setup.spec.router_id} backup"
            out[setup.spec.router_id] = [f"{where}:{p.line}: {p.text}" for p in result.problems]
        return out

    def set_fault(self, router_id: str, kind: str, on: bool = True) -> None:
        """Switch one fault (a ``--fault`` kind such as ``hang`` or ``refuse``) on or off for a router."""
        if kind not in FAULT_KINDS:
            raise FaultSpecError(f"unknown fault kind {kind!r} (known: {', '.join(FAULT_KINDS)})")
        router = self.runtime.routers[router_id]

        async def apply() -> None:
            router.device.set_fault(FAULT_KINDS[kind], on)
            await router.follow()

        self._run(apply(), 30.0)

    def reboot(self, router_id: str) -> None:
        """Reboot a router as if its power was cycled (sessions drop, it comes back after boot time)."""
        self.call(lambda: self.device(router_id).reboot())
