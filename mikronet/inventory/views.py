"""Plain-data views of inventory objects, for JSON output and for ``inventory show``.

No secret ever appears here: a password, or a variable that is a secret reference, is shown as
``***`` with its source (``*** (env:MIKRONET_WIFI_PASSPHRASE)``), resolved or not.

Text from the inventory is data a person typed (or a spreadsheet carried): :func:`printable`
escapes control characters (CR, BEL, NUL, escape sequences, bidi overrides) so that a school name
cannot rewrite the terminal it is printed on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mikronet.inventory.model import Inventory, Origin, Router, School, SecretRef
from mikronet.secret import MASK, Secret
from mikronet.textsafe import printable

__all__ = ["Row", "describe", "plain_value", "printable", "router_record", "school_record", "summary"]

def masked(value: Secret | SecretRef) -> str:
    """How a secret is shown: ``***`` and where it comes from."""
    return f"{MASK} ({value.source})" if value.source else MASK


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def plain_value(value: Any) -> Any:
    """Make a variable's value JSON-safe (YAML may give dates and the like); secrets masked."""
    if isinstance(value, Secret | SecretRef):
        return masked(value)
    if isinstance(value, Mapping):
        return {str(k): plain_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def school_record(school: School) -> dict[str, Any]:
    """A school as JSON-ready data."""
    return {
        "id": school.id,
        "name": school.name,
        "municipality": school.municipality,
        "municipality_before_2021": school.municipality_before_2021,
        "groups": list(school.groups),
        "connection": {
            "type": school.connection.type,
            "monthly_fee_eur": _number(school.connection.monthly_fee_eur),
            "contracted_mbps": school.connection.contracted_mbps,
            "shared_contract": school.connection.shared_contract,
        },
        "vars": {k: plain_value(v) for k, v in school.vars.items()},
        "routers": list(school.routers),
        "file": school.file,
        "line": school.line,
    }


def router_record(router: Router) -> dict[str, Any]:
    """A router as JSON-ready data (the password only as its source)."""
    school = router.school
    return {
        "id": router.id,
        "name": router.name,
        "school": school.id,
        "school_name": school.name,
        "municipality": school.municipality,
        "municipality_before_2021": school.municipality_before_2021,
        "groups": list(school.groups),
        "connection": school.connection.type,
        "host": router.host,
        "port": router.port,
        "ports": {"api": router.ports.api, "api-ssl": router.ports.api_ssl, "ssh": router.ports.ssh},
        "transport": router.transport,
        "model": router.model,
        "serial": router.serial,
        "routeros": router.routeros,
        "username": router.username,
        "password": router.password_ref.source,
        "template": router.template,
        "tls_fingerprint": router.tls_fingerprint,
        "ca_file": str(router.ca_file) if router.ca_file else None,
        "encoding": router.encoding,
        "restart_s": router.restart_s,
        "vars": {k: plain_value(v) for k, v in router.vars.items()},
        "file": router.file,
        "line": router.line,
    }


@dataclass(frozen=True)
class Row:
    """One resolved value of a router with where it came from."""

    name: str
    value: str
    origin: Origin | None

    def record(self) -> dict[str, Any]:
        origin = self.origin
        return {
            "name": self.name,
            "value": self.value,
            "from": origin.layer if origin else None,
            "file": origin.file if origin else None,
            "line": origin.line if origin else None,
        }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Secret | SecretRef):
        return masked(value)
    if isinstance(value, str):
        return value
    return json.dumps(plain_value(value), ensure_ascii=False)


def describe(router: Router, *, password_problem: str | None = None) -> list[Row]:
    """Every resolved value of ``router`` with its origin, in a stable order.

    The password row shows ``***`` and its source; ``password_problem`` (e.g. "not set") is shown
    instead of ``***`` when the caller tried to resolve it and could not.
    """
    school = router.school
    declared = Origin("router", router.file, router.line)
    school_origin = Origin("school", school.file, school.line)
    origins = router.origins
    ref = router.password_ref
    if password_problem:
        password = f"{ref.source}: {password_problem}"
    elif router.password is not None:
        password = f"{MASK} ({ref.source})"
    else:
        password = f"{MASK} ({ref.source}, not resolved)"
    rows = [
        Row("id", router.id, declared),
        Row("school", f"{school.id} {school.name}", school_origin),
        Row("municipality", school.municipality, school_origin),
        Row("municipality_before_2021", _text(school.municipality_before_2021), school_origin),
        Row("groups", ", ".join(school.groups), school_origin),
        Row("connection", _connection_text(school), school_origin),
        Row("host", router.host, declared),
        Row("model", router.model, declared),
        Row("serial", _text(router.serial), declared),
        Row("routeros", _text(router.routeros), declared),
        Row("transport", router.transport, origins.get("transport")),
        Row("ports.api", str(router.ports.api), origins.get("ports.api")),
        Row("ports.api-ssl", str(router.ports.api_ssl), origins.get("ports.api-ssl")),
        Row("ports.ssh", str(router.ports.ssh), origins.get("ports.ssh")),
        Row("username", router.username, origins.get("username")),
        Row("password", password, origins.get("password")),
        Row("template", router.template, origins.get("template")),
        Row("encoding", router.encoding, origins.get("encoding")),
        Row("ca_file", _text(router.ca_file and str(router.ca_file)), origins.get("ca_file")),
        Row("restart_s", _text(router.restart_s), origins.get("restart_s")),
        Row("tls_fingerprint", _text(router.tls_fingerprint), declared if router.tls_fingerprint else None),
    ]
    for name in sorted(router.vars):
        rows.append(Row(f"vars.{name}", _text(router.vars[name]), router.provenance.get(name)))
    return rows


def _connection_text(school: School) -> str:
    conn = school.connection
    parts: list[str] = [conn.type]
    if conn.contracted_mbps is not None:
        parts.append(f"{conn.contracted_mbps} Mbit/s")
    if conn.monthly_fee_eur is not None:
        parts.append(f"{conn.monthly_fee_eur} EUR/month")
    if conn.shared_contract:
        parts.append("shared municipal contract")
    return ", ".join(parts)


def summary(inventory: Inventory) -> dict[str, Any]:
    """Counts for ``inventory check``."""
    return {
        "path": str(inventory.path),
        "files": len(inventory.files),
        "schools": len(inventory.schools),
        "routers": len(inventory.routers),
        "municipalities": len(inventory.municipalities),
        "groups": len(inventory.groups),
        "known_hosts": str(inventory.known_hosts),
        "windows": sorted(inventory.windows),
        "contracts": {
            "signed": sum(1 for c in inventory.contracts.values() if c.is_signed),
            "planned": sum(1 for c in inventory.contracts.values() if not c.is_signed),
        },
    }
