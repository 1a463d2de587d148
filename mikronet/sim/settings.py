"""What a simulated router is (:class:`DeviceSpec`), how it behaves where routers differ
(:class:`DeviceOptions`), and what is wrong with it (:class:`Faults`): small records the device,
the fleet and the CLI share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from mikronet.sim.versions import Behaviour

__all__ = ["DEFAULT_LATEST", "DeviceOptions", "DeviceSpec", "Faults"]

DEFAULT_LATEST: Mapping[str, Mapping[str, str]] = {
    "7": {"long-term": "7.16.2", "stable": "7.20.5", "testing": "7.21rc2", "development": "7.21rc2"},
    "6": {
        "long-term": "6.49.18",
        "stable": "6.49.18",
        "testing": "6.49.18",
        "development": "6.49.18",
        "upgrade": "7.12.1",
    },
}


@dataclass(frozen=True)
class DeviceSpec:
    """What the inventory says about a router: who it is and what it runs."""

    router_id: str
    model: str
    serial: str
    version: str
    """Bare RouterOS version, e.g. ``7.14.3``."""
    channel: str = "stable"
    username: str = "admin"
    password: str = ""
    contracted_mbps: float | None = None
    school: str | None = None
    ports: tuple[str, ...] = ()
    """Factory ports a backup names, for a model the hardware table lacks (and CHR); empty: the model's."""
    packages: tuple[str, ...] = ()
    """Extra packages installed besides the model's own (``wireless``, ``container``, ``iot``); a
    router loaded from a backup without any named here takes those its backup's menus need."""


@dataclass(frozen=True)
class DeviceOptions:
    """How the simulated router behaves where real routers differ or the facts are unclear."""

    boot_time: float = 3.0
    install_boot_time: float = 8.0
    behaviour: Behaviour | None = None
    """Version-dependent behaviour; None derives it from the running version (again after upgrades)."""
    empty_for_every_command: bool = False
    """On ``!empty`` versions, also ``!empty`` for non-print commands that return nothing (unconfirmed)."""
    latest: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: DEFAULT_LATEST)
    """Per major version, per channel: what ``check-for-updates`` finds upstream."""


@dataclass
class Faults:
    """Misbehaviour injected into one router (the fleet's ``--fault``); all off by default."""

    refuse: bool = False
    """Nothing listens: connections are refused."""
    wrong_password: bool = False
    """Every login is refused (the inventory password is wrong for this router)."""
    hang: bool = False
    """Connections are accepted, nothing is ever answered."""
    drop_mid_command: bool = False
    """After login, the first command's reply is cut off and the connection closed."""
    never_return: bool = False
    """A reboot never ends."""
    old_version: bool = False
    """An upgrade install reboots but comes back on the old version."""
    download_fail: bool = False
    """Package download fails part-way."""
    disk_full: bool = False
    """No free storage: downloads, backups and file writes fail."""

    def active(self) -> tuple[str, ...]:
        return tuple(name for name, value in vars(self).items() if value)
