"""One simulated RouterOS router: its state with every menu in place, and the entry point both faces call.

The API server (:mod:`mikronet.sim.api`) and the SSH console (:mod:`mikronet.sim.ssh`) share one
behaviour through :meth:`SimDevice.call`: a command word (``/ip/address/print``), its arguments and
its queries go in, a :class:`~mikronet.sim.reply.Reply` comes out. State is kept apart from the wire:
nothing here knows about sockets. Time comes from a :class:`~mikronet.sim.clock.Clock`, so a test
moves it by hand.

:class:`SimDevice` is a :class:`~mikronet.sim.state.RouterState` built by :mod:`mikronet.sim.build`:
this module is the composition's only entry, and no behaviour module imports it.
"""

from __future__ import annotations

from dataclasses import replace

from mikronet.sim.build import build_device, load_initial_config
from mikronet.sim.clock import Clock
from mikronet.sim.models import profile_for, referenced_ports, registered_kinds
from mikronet.sim.packages import export_packages
from mikronet.sim.reply import Reply, Trap
from mikronet.sim.settings import DeviceOptions, DeviceSpec, Faults
from mikronet.sim.state import Listener, RouterState

__all__ = [
    "DeviceOptions",
    "DeviceSpec",
    "Faults",
    "Listener",
    "Reply",
    "SimDevice",
    "Trap",
]


class SimDevice(RouterState):
    """A simulated RouterOS router, factory-fresh or loaded with ``initial_config`` (an export).

    The model's factory ports come from the hardware table; a backup from a model nobody described
    (or from CHR) brings the ports it names (:func:`~mikronet.sim.models.referenced_ports`), unless
    ``spec.ports`` names them already. What loading the backup refused is :attr:`initial_result`.
    """

    def __init__(
        self,
        spec: DeviceSpec,
        *,
        clock: Clock | None = None,
        options: DeviceOptions | None = None,
        initial_config: str | None = None,
    ) -> None:
        ports = spec.ports
        if not ports and initial_config is not None:
            ports = referenced_ports(initial_config)
        if not spec.packages and initial_config is not None:
            spec = replace(spec, packages=export_packages(initial_config, spec.version))
        profile = profile_for(spec.model, ports)
        if initial_config is not None and (kinds := registered_kinds(initial_config)):
            profile = replace(profile, kind_order=kinds)  # the unit's own, as its export shows
        super().__init__(spec, profile, clock=clock, options=options)
        build_device(self)
        if initial_config is not None:
            self.initial_result = load_initial_config(self, initial_config)
