"""The resolved inventory: frozen values, no I/O.

A :class:`Router` carries everything needed to reach and configure one router, already resolved
through the layers ``defaults → groups (in the order the school lists them) → school → router``;
each resolved value remembers where it came from (:class:`Origin`). A :class:`School` carries the
school's own facts and the ids of its routers (not the routers themselves, so that the two never
point at each other); :meth:`Inventory.routers_of` gives the routers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from mikronet.errors import SecretError
from mikronet.inventory.programme import MunicipalityContract, PlannedSolution, Programme
from mikronet.inventory.windows import MaintenanceWindow
from mikronet.secret import Secret

__all__ = [
    "DEFAULT_PORTS",
    "BackupSettings",
    "ConnectionType",
    "Group",
    "Inventory",
    "Origin",
    "Ports",
    "Router",
    "School",
    "SchoolConnection",
    "SecretRef",
    "Transport",
]

Transport = Literal["api", "api-ssl", "ssh"]
ConnectionType = Literal["optical", "other"]

EMPTY: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return EMPTY


@dataclass(frozen=True)
class Origin:
    """Where a resolved value was set: a layer and the file and line that set it.

    ``layer`` is ``builtin``, ``defaults``, ``group:NAME``, ``school`` or ``router``.
    """

    layer: str
    file: str | None = None
    line: int | None = None
    field: str | None = dataclasses.field(default=None, compare=False)
    """The field's path in its file (``schools[3].vars.lan_subnet``), where known."""

    @property
    def where(self) -> str:
        """``file:line``, or the empty string for built-in values."""
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def __str__(self) -> str:
        return f"{self.layer} ({self.where})" if self.where else self.layer


BUILTIN = Origin("builtin")


@dataclass(frozen=True)
class Ports:
    """The router's service ports (RouterOS defaults: API 8728, API-SSL 8729, SSH 22)."""

    api: int = 8728
    api_ssl: int = 8729
    ssh: int = 22

    def for_transport(self, transport: Transport) -> int:
        """The port a given transport connects to."""
        return {"api": self.api, "api-ssl": self.api_ssl, "ssh": self.ssh}[transport]


DEFAULT_PORTS = Ports()


@dataclass(frozen=True)
class SecretRef:
    """A reference to a secret in the inventory: ``{env: NAME}`` or ``{file: PATH}``.

    ``file``/``line`` say where the reference is written; ``path`` is the resolved path of a
    ``{file: …}`` reference (relative references are relative to the file that holds them).
    A reference may stand for the password or for any variable's value (at any layer, or in a
    template's defaults); it is resolved into a :class:`~mikronet.secret.Secret` only when needed.
    """

    kind: Literal["env", "file"]
    name: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    path: Path | None = None

    @property
    def source(self) -> str:
        """``env:NAME`` or ``file:PATH``: safe to show."""
        return f"{self.kind}:{self.name}"

    def __str__(self) -> str:
        return self.source


@dataclass(frozen=True)
class SchoolConnection:
    """The school's internet connection, as the compensation rules need it.

    ``monthly_fee_eur`` is the school's own documented cost where it is known. ``shared_contract``
    says the municipality's one contract covers the school and the school's share of it cannot be
    identified, so the programme's monthly cap for the connection type applies instead.
    """

    type: ConnectionType
    monthly_fee_eur: Decimal | None = None
    contracted_mbps: int | None = None
    shared_contract: bool = False


@dataclass(frozen=True)
class Group:
    """A named group of schools with its own variables and settings."""

    name: str
    description: str | None = None
    vars: Mapping[str, Any] = field(default_factory=_empty)
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class School:
    """One school. ``routers`` holds router ids; :meth:`Inventory.routers_of` gives the routers."""

    id: str
    name: str
    municipality: str
    municipality_before_2021: str | None
    groups: tuple[str, ...]
    connection: SchoolConnection
    vars: Mapping[str, Any]
    routers: tuple[str, ...]
    file: str | None = None
    line: int | None = None
    plan: tuple[PlannedSolution, ...] = ()
    """The solutions planned for the school (its ``plan:``), in the inventory's order."""

    def __hash__(self) -> int:
        return hash(("School", self.id))

    @property
    def planned_categories(self) -> frozenset[str]:
        """The categories of its plan: an intervention of one of them counts toward the target."""
        return frozenset(p.category for p in self.plan)


@dataclass(frozen=True)
class Router:
    """One router, every value resolved. ``password`` is ``None`` until secrets are resolved."""

    id: str
    name: str
    school: School
    host: str
    model: str
    serial: str | None
    ports: Ports
    transport: Transport
    username: str
    password_ref: SecretRef
    template: str
    routeros: str | None = None
    tls_fingerprint: str | None = None
    ca_file: Path | None = None
    encoding: str = "utf-8"
    restart_s: float | None = None
    """Seconds it takes to restart, where the inventory knows (a simulated fleet writes its boot time)."""
    vars: Mapping[str, Any] = field(default_factory=_empty)
    provenance: Mapping[str, Origin] = field(default_factory=_empty)
    """Variable name → where its value came from."""
    origins: Mapping[str, Origin] = field(default_factory=_empty)
    """Setting (``transport``, ``username``, ``password``, ``ports.api`` …) → where it came from."""
    password: Secret | None = None
    file: str | None = None
    line: int | None = None

    def __hash__(self) -> int:
        return hash(("Router", self.id))

    @property
    def secret_refs(self) -> tuple[SecretRef, ...]:
        """The unresolved secret references in :attr:`vars` (nested values included)."""
        return tuple(_refs_in(self.vars))

    def require_password(self) -> Secret:
        """The resolved password, or :class:`SecretError` naming the reference if it was not resolved."""
        if self.password is None:
            ref = self.password_ref
            raise SecretError(
                f"password of {self.id} ({ref.source}) is not resolved; call resolve_secrets() first",
                file=ref.file,
                line=ref.line,
                field=ref.field,
            )
        return self.password

    @property
    def port(self) -> int:
        """The port of the router's transport."""
        return self.ports.for_transport(self.transport)

    @property
    def location(self) -> str:
        """``file:line`` where the router is declared."""
        return Origin("router", self.file, self.line).where


def _refs_in(value: Any) -> list[SecretRef]:
    if isinstance(value, SecretRef):
        return [value]
    if isinstance(value, Mapping):
        return [ref for item in value.values() for ref in _refs_in(item)]
    if isinstance(value, list | tuple):
        return [ref for item in value for ref in _refs_in(item)]
    return []


@dataclass(frozen=True)
class BackupSettings:
    """Where the backups beside the inventory go besides their own git repository."""

    remote: str | None = None
    """The shared git remote every backup commit is pushed to (the ``backups:`` section): a URL, or a
    folder resolved against the inventory file that names it. ``None``: the backups stay local."""
    file: str | None = None
    line: int | None = None
    """Where ``remote`` is set (for messages about it)."""


@dataclass(frozen=True)
class Inventory:
    """A loaded, validated inventory."""

    path: Path
    files: tuple[Path, ...]
    schools: tuple[School, ...]
    routers: tuple[Router, ...]
    groups: Mapping[str, Group] = field(default_factory=_empty)
    known_hosts: Path = field(default=Path("known_hosts"))
    """The file of pinned SSH host keys and TLS fingerprints (default ``<inventory dir>/known_hosts``)."""
    programme: Programme = field(default_factory=Programme)
    """The programme's figures and rules (the ``programme:`` section, else the defaults)."""
    contracts: Mapping[str, MunicipalityContract] = field(default_factory=_empty)
    """Municipality name → its compensation contract (the ``contracts:`` section)."""
    windows: Mapping[str, MaintenanceWindow] = field(default_factory=_empty)
    """Group name (or ``default``) → its maintenance window (the ``windows:`` section)."""
    templates: Path | None = None
    """The templates folder the inventory names (``templates:``), if it names one."""
    backups: BackupSettings = field(default_factory=BackupSettings)
    """The ``backups:`` section: the shared remote, if any."""

    @cached_property
    def _routers_by_id(self) -> Mapping[str, Router]:
        return {router.id: router for router in self.routers}

    @cached_property
    def _schools_by_id(self) -> Mapping[str, School]:
        return {school.id: school for school in self.schools}

    def router(self, router_id: str) -> Router:
        """The router with this id (``LV-0042/gw``); ``KeyError`` if there is none."""
        return self._routers_by_id[router_id]

    def school(self, school_id: str) -> School:
        """The school with this id; ``KeyError`` if there is none."""
        return self._schools_by_id[school_id]

    def routers_of(self, school_id: str) -> tuple[Router, ...]:
        """The routers of one school, in inventory order."""
        school = self.school(school_id)
        return tuple(self._routers_by_id[rid] for rid in school.routers)

    @property
    def municipalities(self) -> tuple[str, ...]:
        """The municipalities that have schools, sorted."""
        return tuple(sorted({school.municipality for school in self.schools}))

    @property
    def trust_dir(self) -> Path:
        """The folder that holds :attr:`known_hosts`."""
        return self.known_hosts.parent

    def window_for(self, router: Router) -> MaintenanceWindow | None:
        """The router's maintenance window: that of the first of its school's groups that has one
        (in the order the school lists them), else ``default``, else ``None`` (no restriction)."""
        for group in router.school.groups:
            window = self.windows.get(group)
            if window is not None:
                return window
        return self.windows.get("default")

    def contract_for(self, school: School) -> MunicipalityContract | None:
        """The contract that covers a school: its municipality before the reform's, else its current one's."""
        for name in (school.municipality_before_2021, school.municipality):
            if name is not None and name in self.contracts:
                return self.contracts[name]
        return None

    def with_routers(self, routers: tuple[Router, ...] | list[Router]) -> Inventory:
        """A copy where the given routers replace the ones with the same id (e.g. after resolving secrets)."""
        replaced = {router.id: router for router in routers}
        return dataclasses.replace(
            self, routers=tuple(replaced.get(router.id, router) for router in self.routers)
        )
