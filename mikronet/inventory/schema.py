"""The shape of an inventory file, as pydantic models, and pydantic's errors turned into
``file:line: field: message`` problems.

This module imports pydantic; :mod:`mikronet.inventory.loader` imports it only when an inventory is
loaded, so commands that never load one (``mikronet --help``) do not pay for it.
"""

from __future__ import annotations

import codecs
import datetime
import difflib
import ipaddress
import re
import types
import typing
from decimal import Decimal
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from mikronet.inventory.programme import CATEGORIES
from mikronet.inventory.sections import ContractIn, ProgrammeIn, WindowIn
from mikronet.inventory.source import Located, Problem, YamlPath, field_name

__all__ = [
    "ConnectionIn",
    "GroupIn",
    "InventoryFile",
    "PlanIn",
    "PortsIn",
    "RouterIn",
    "SchoolIn",
    "SecretRefIn",
    "SettingsIn",
    "check_host",
    "problems_from",
    "validate_located",
]

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
VERSION_RE = re.compile(r"^\d+\.\d+(\.\d+)*((beta|rc)\d+)?$")
_HOST_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOSTNAME_RE = re.compile(rf"^{_HOST_LABEL}(\.{_HOST_LABEL})*\.?$")

PLAIN_PASSWORD = (
    "a plain-text password is not allowed in the inventory; reference it instead: "
    "'password: {env: MIKRONET_PASSWORD}' (an environment variable) or "
    "'password: {file: secrets/router-password.txt}' (a file, relative to this inventory file)"
)


def check_id(value: str, what: str) -> str:
    if not ID_RE.match(value):
        raise ValueError(
            f"{value!r} is not a valid {what}: use letters, digits, '.', '_' and '-' "
            "(no spaces, '/', ',' or glob characters), at most 64 characters"
        )
    return value


def check_host(value: str) -> str:
    """Accept an IPv4/IPv6 address or a DNS host name; refuse anything else (``10.42.0.300``)."""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    if re.fullmatch(r"[0-9.]+", value) or not HOSTNAME_RE.match(value) or len(value) > 253:
        raise ValueError(f"{value!r} is not a valid IP address or host name")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class SecretRefIn(_Model):
    env: str | None = None
    file: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _refuse_plain(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError(PLAIN_PASSWORD)
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> SecretRefIn:
        if (self.env is None) == (self.file is None):
            raise ValueError("a secret reference needs exactly one of 'env' or 'file'")
        if self.env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.env):
            raise ValueError(f"{self.env!r} is not an environment variable name")
        if self.file is not None and not self.file.strip():
            raise ValueError("'file' must name a file")
        return self


class PortsIn(_Model):
    api: int | None = Field(default=None, ge=1, le=65535)
    api_ssl: int | None = Field(default=None, ge=1, le=65535, alias="api-ssl")
    ssh: int | None = Field(default=None, ge=1, le=65535)


class SettingsIn(_Model):
    """Settings every layer may set; the nearest layer to the router wins."""

    transport: Literal["api", "api-ssl", "ssh"] | None = None
    username: str | None = None
    password: SecretRefIn | None = None
    template: str | None = None
    encoding: str | None = None
    ca_file: str | None = None
    restart_s: float | None = Field(default=None, gt=0, le=3600)
    """Seconds the router takes to restart: how long an upgrade waits before it first looks for it."""
    ports: PortsIn | None = None
    vars: dict[str, Any] = Field(default_factory=dict)

    @field_validator("vars")
    @classmethod
    def _var_names(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            if not VAR_RE.match(name):
                raise ValueError(f"{name!r} is not a valid variable name (letters, digits, '_')")
        return value

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"{value!r} is not a known text encoding (e.g. utf-8, cp1257)") from None
        return value

    @field_validator("username", "template")
    @classmethod
    def _not_empty(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be empty")
        return value


class ConnectionIn(_Model):
    type: Literal["optical", "other"]
    monthly_fee_eur: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    contracted_mbps: int | None = Field(default=None, gt=0)
    shared_contract: bool = False


class RouterIn(SettingsIn):
    name: str
    host: str
    model: str
    serial: str | None = None
    routeros: str | None = None
    tls_fingerprint: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_id(value, "router name")

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        return check_host(value)

    @field_validator("model")
    @classmethod
    def _model(cls, value: str) -> str:
        """A known model (RouterOS model string, product or board name), recorded as its model string."""
        from mikronet.hardware import canonical_model, model_problem

        if not value.strip():
            raise ValueError("must not be empty")
        canonical = canonical_model(value)
        if canonical is None:
            raise ValueError(model_problem(value) or f"unknown router model {value!r}")
        return canonical

    @field_validator("routeros")
    @classmethod
    def _routeros(cls, value: str | None) -> str | None:
        if value is not None and not VERSION_RE.match(value):
            raise ValueError(f"{value!r} is not a RouterOS version (e.g. 6.49.17, 7.18.2)")
        return value

    @field_validator("tls_fingerprint")
    @classmethod
    def _fingerprint(cls, value: str | None) -> str | None:
        if value is None:
            return None
        hexed = value.replace(":", "").lower()
        if not re.fullmatch(r"[0-9a-f]{64}", hexed):
            raise ValueError("must be the SHA-256 of the certificate: 64 hex digits (colons allowed)")
        return hexed


class PlanIn(_Model):
    """One planned solution: ``{category: equipment-replacement, note: "…", date: 2026-03-01}``."""

    category: str
    note: str = ""
    date: datetime.date | None = None

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        if value not in CATEGORIES:
            near = difflib.get_close_matches(value, CATEGORIES, n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise ValueError(f"unknown category {value!r}{hint} (categories: {', '.join(CATEGORIES)})")
        return value


class SchoolIn(SettingsIn):
    id: str
    name: str
    municipality: str
    municipality_before_2021: str | None = None
    groups: list[str] = Field(default_factory=list)
    connection: ConnectionIn
    routers: list[RouterIn] = Field(default_factory=list)
    plan: list[PlanIn] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_id(value, "school id")

    @field_validator("name", "municipality")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value


class GroupIn(SettingsIn):
    description: str | None = None


class BackupsIn(_Model):
    """``backups: {remote: URL-or-path}``: the git remote every backup commit is pushed to, shared
    by a team (a relative path is read from the inventory file's folder)."""

    remote: str

    @field_validator("remote")
    @classmethod
    def _remote(cls, value: str) -> str:
        text = value.strip()
        if not text:
            raise ValueError("is empty; give a git URL (ssh://…, https://…, host:path) or a folder")
        if text.startswith("-"):
            raise ValueError(f"{text!r} starts with '-'; a git remote is a URL or a path")
        if any(c in text for c in "\n\r\t\0"):
            raise ValueError("holds a control character; a git remote is one line")
        return text


class InventoryFile(_Model):
    defaults: SettingsIn | None = None
    groups: dict[str, GroupIn] = Field(default_factory=dict)
    schools: list[SchoolIn] = Field(default_factory=list)
    known_hosts: str | None = None
    templates: str | None = None
    hardware: str | None = None
    programme: ProgrammeIn | None = None
    contracts: dict[str, ContractIn] = Field(default_factory=dict)
    windows: dict[str, WindowIn] = Field(default_factory=dict)
    backups: BackupsIn | None = None

    @field_validator("groups", "windows")
    @classmethod
    def _names(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        what = "group name" if info.field_name == "groups" else "window name (a group name or default)"
        for name in value:
            check_id(name, what)
        return value


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The type found by following ``loc`` from ``root`` (for 'did you mean' and Literal choices)."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or n: f for n, f in current.model_fields.items()}
            if part not in fields:
                return None
            current = fields[part].annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
        else:
            return None
    return _unwrap(current)


def _unwrap(tp: Any) -> Any:
    """``X | None`` → ``X``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _allowed_keys(model: Any) -> list[str]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return sorted(f.alias or n for n, f in model.model_fields.items())
    return []


def _shown(raw: str | None, value: Any) -> str:
    if raw is not None:
        return repr(raw)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def problems_from(
    exc: ValidationError, located: Located, root: type[BaseModel], prefix: YamlPath = ()
) -> list[Problem]:
    """pydantic's errors as :class:`Problem` values naming the file, line and field.

    ``prefix`` is prepended to each error's ``loc`` when the validated value sits inside the document.
    """
    problems = []
    errors = exc.errors(include_url=False)
    suggested: set[YamlPath] = set()  # a 'did you mean X' makes "missing required key X" redundant
    for error in errors:
        if error["type"] == "extra_forbidden":
            where: YamlPath = tuple(p for p in error["loc"] if isinstance(p, str | int))
            choices = _allowed_keys(_model_at(root, where[:-1]))
            for close in difflib.get_close_matches(str(where[-1]), choices, n=1, cutoff=0.6):
                suggested.add((*where[:-1], close))
    for error in errors:
        if error["type"] == "missing" and tuple(error["loc"]) in suggested:
            continue
        loc: YamlPath = tuple(p for p in error["loc"] if isinstance(p, str | int))
        path = (*prefix, *loc)
        kind = error["type"]
        sensitive = "password" in loc
        raw = None if sensitive else located.raw.get(path)
        value = None if sensitive else error.get("input")
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = _allowed_keys(_model_at(root, loc[:-1]))
            near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else f" (allowed: {', '.join(allowed)})"
            message = f"unknown key {key!r}{hint}"
        elif kind == "missing":
            message = f"missing required key {loc[-1]!r}"
        elif kind == "literal_error":
            literal = typing.get_args(_model_at(root, loc)) or ()
            expected = ", ".join(str(c) for c in literal) or error.get("ctx", {}).get("expected", "")
            message = f"{_shown(raw, value)} is not one of {expected}"
        elif kind == "string_type":
            message = f"expected text, got {_shown(raw, value)}; put it in quotes"
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            message = f"expected a whole number, got {_shown(raw, value)}"
        elif kind.startswith(("decimal_", "float_")):
            message = f"expected a number, got {_shown(raw, value)}"
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            message = f"expected a mapping (key: value), got {_shown(raw, value)}"
        elif kind == "list_type":
            message = f"expected a list, got {_shown(raw, value)}"
        elif kind in ("value_error", "assertion_error"):
            message = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        else:
            message = str(error["msg"])
            if not sensitive and raw is not None:
                message = f"{raw!r}: {message[0].lower()}{message[1:]}"
        problems.append(Problem(str(located.file), located.line_of(path), field_name(path) or None, message))
    return problems


def validate_located(located: Located) -> tuple[InventoryFile | None, list[Problem]]:
    """Validate one inventory document; the model, or the problems found in it."""
    data = located.data
    if data is None:
        return InventoryFile(), []
    if not isinstance(data, dict):
        return None, [
            Problem(
                str(located.file),
                located.line_of(()),
                None,
                "expected a mapping with 'defaults', 'groups', 'schools' (and optionally 'programme', "
                "'contracts', 'windows', 'templates', 'known_hosts', 'hardware', 'backups') at the top",
            )
        ]
    try:
        return InventoryFile.model_validate(data), []
    except ValidationError as exc:
        return None, problems_from(exc, located, InventoryFile)
