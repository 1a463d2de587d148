"""Writing the inventory in other tools' formats: CSV (the import format), Ansible, Nornir.

No secret is written: Ansible gets an ``env``/``file`` lookup in place of the password and of each
variable that is a secret reference; Nornir and CSV get the reference itself (its source).

What the inventory holds is data, and stays data in the other tool:

* in the Ansible inventory every string from the inventory is tagged ``!unsafe``, so Ansible never
  evaluates a school name like ``{{ lookup('pipe', 'id') }}`` as a template (only mikronet's own
  password lookups are left to be evaluated);
* in CSV (written by :func:`mikronet.textsafe.csv_text`) a cell that starts like a formula (``= + - @``,
  tab or CR) is written with a leading
  ``'``, so a spreadsheet shows it as text instead of running it; the import takes the ``'`` off.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import yaml

from mikronet.inventory.cells import var_cell
from mikronet.inventory.model import Inventory, Router, SecretRef
from mikronet.inventory.tabular import SCHOOL_COLUMNS
from mikronet.inventory.views import plain_value
from mikronet.secret import Secret
from mikronet.textsafe import csv_text as write_csv
from mikronet.textsafe import neutralise_cell

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "ansible_inventory",
    "csv_text",
    "group_slug",
    "neutralise_cell",
    "nornir_inventory",
]

FORMATS = ("csv", "ansible", "nornir")

CSV_COLUMNS = (
    "id",
    *SCHOOL_COLUMNS,  # the columns the import reads per school, in the same order
    "router_name",
    "router_host",
    "router_model",
    "router_serial",
    "routeros",
)


def group_slug(text: str) -> str:
    """An Ansible-safe group name: ASCII letters, digits and ``_`` (``Ādažu novads`` → ``adazu_novads``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")
    return slug if slug and not slug[0].isdigit() else f"g_{slug}"


def _own_router_vars(router: Router) -> dict[str, Any]:
    return {k: v for k, v in router.vars.items() if router.provenance[k].layer == "router"}


def _reference(value: Any) -> Any:
    """Secret references as the ``{env: NAME}`` / ``{file: PATH}`` they were written as (never a value)."""
    if isinstance(value, SecretRef):
        return {value.kind: value.name}
    if isinstance(value, Secret):
        kind, _, name = value.source.partition(":")
        return {kind: name} if kind in ("env", "file") else "***"
    if isinstance(value, dict):
        return {k: _reference(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_reference(v) for v in value]
    return value


def csv_text(inventory: Inventory, routers: Sequence[Router], *, excel: bool = False) -> str:
    """One row per router, school columns repeated; ``var.*`` / ``router_var.*`` columns for variables.

    ``excel``: the way Excel in Latvia reads a CSV file directly: a BOM, ``;`` and a decimal comma.
    Only the columns the import reads are written (settings such as transport or ports are not).
    """
    school_vars = sorted({k for r in routers for k in r.school.vars})
    router_vars = sorted({k for r in routers for k in _own_router_vars(r)})
    header = [*CSV_COLUMNS, *(f"var.{k}" for k in school_vars), *(f"router_var.{k}" for k in router_vars)]
    rows: list[list[str]] = [header]
    for router in routers:
        school = router.school
        conn = school.connection
        fee = "" if conn.monthly_fee_eur is None else str(conn.monthly_fee_eur)
        if excel:
            fee = fee.replace(".", ",")
        own = _own_router_vars(router)
        cells = [
            school.id,
            school.name,
            school.municipality,
            school.municipality_before_2021 or "",
            " ".join(school.groups),
            conn.type,
            fee,
            "" if conn.contracted_mbps is None else str(conn.contracted_mbps),
            "yes" if conn.shared_contract else "",
            router.name,
            router.host,
            router.model,
            router.serial or "",
            router.routeros or "",
            *(var_cell(_reference(school.vars[k])) if k in school.vars else "" for k in school_vars),
            *(var_cell(_reference(own[k])) if k in own else "" for k in router_vars),
        ]
        rows.append(cells)
    return write_csv(rows, delimiter=";" if excel else ",", bom=excel)


class Unsafe(str):
    """A string Ansible must never template (written with the ``!unsafe`` tag)."""


class _Lookup(str):
    """An Ansible expression mikronet writes itself (a secret lookup), to be evaluated."""


def _lookup(ref: SecretRef) -> _Lookup:
    if ref.kind == "env":
        return _Lookup(f"{{{{ lookup('ansible.builtin.env', {ref.name!r}) }}}}")
    path = str(ref.path.resolve() if ref.path else ref.name)
    return _Lookup(f"{{{{ lookup('ansible.builtin.file', {path!r}) }}}}")


def _password_lookup(router: Router) -> str:
    return _lookup(router.password_ref)


def _ansible_value(value: Any) -> Any:
    """A variable for Ansible: strings unsafe, secret references as lookups, the rest as JSON data."""
    if isinstance(value, SecretRef):
        return _lookup(value)
    if isinstance(value, Secret):
        return Unsafe("***")
    if isinstance(value, dict):
        return {str(k): _ansible_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_ansible_value(v) for v in value]
    if isinstance(value, str):
        return Unsafe(value)
    plain = plain_value(value)
    return Unsafe(plain) if isinstance(plain, str) else plain


def _unsafe(text: str | None) -> Unsafe | None:
    return None if text is None else Unsafe(text)


def _hoist(hosts: dict[str, dict[str, Any]], keys: Sequence[str]) -> dict[str, Any]:
    """Move host variables that every host has with the same value up to the group ``all``."""
    common: dict[str, Any] = {}
    for key in keys:
        values = [h.get(key, KeyError) for h in hosts.values()]
        if values and all(v is not KeyError and v == values[0] for v in values):
            common[key] = values[0]
            for host in hosts.values():
                del host[key]
    return common


def ansible_inventory(inventory: Inventory, routers: Sequence[Router]) -> str:
    """An Ansible YAML inventory: hosts grouped by municipality and by inventory group.

    Host names are router ids. ``ansible_network_os`` is ``community.routeros.routeros`` with the
    ``network_cli`` connection on the SSH port; the API ports and the school's facts are host
    variables (``mikronet_*``) for the ``community.routeros.api*`` modules.
    """
    hosts: dict[str, dict[str, Any]] = {}
    municipalities: dict[str, list[str]] = {}
    groups: dict[str, list[str]] = {}
    for router in routers:
        school = router.school
        hosts[router.id] = {
            "ansible_host": Unsafe(router.host),
            "ansible_port": router.ports.ssh,
            "ansible_user": Unsafe(router.username),
            "ansible_password": _password_lookup(router),
            "ansible_connection": "ansible.netcommon.network_cli",
            "ansible_network_os": "community.routeros.routeros",
            "mikronet_transport": router.transport,
            "mikronet_api_port": router.ports.api,
            "mikronet_api_ssl_port": router.ports.api_ssl,
            "mikronet_model": Unsafe(router.model),
            "mikronet_serial": _unsafe(router.serial),
            "mikronet_routeros": _unsafe(router.routeros),
            "mikronet_school": Unsafe(school.id),
            "mikronet_school_name": Unsafe(school.name),
            "mikronet_municipality": Unsafe(school.municipality),
            "mikronet_vars": {k: _ansible_value(v) for k, v in router.vars.items()},
        }
        municipalities.setdefault(group_slug(f"municipality {school.municipality}"), []).append(router.id)
        for group in school.groups:
            groups.setdefault(group_slug(f"group {group}"), []).append(router.id)
    common = _hoist(
        hosts,
        (
            "ansible_user",
            "ansible_password",
            "ansible_connection",
            "ansible_network_os",
            "ansible_port",
            "mikronet_transport",
            "mikronet_api_port",
            "mikronet_api_ssl_port",
        ),
    )
    children: dict[str, Any] = {}
    for name, members in sorted(municipalities.items()) + sorted(groups.items()):
        children[name] = {"hosts": {member: None for member in members}}
    # hosts are listed once with their variables (under 'ungrouped' would hide them from groups)
    document = {"all": {"vars": common, "hosts": hosts, "children": children}}
    header = (
        f"# Ansible inventory written by mikronet from {inventory.path}; no secrets in it.\n"
        "# Strings from the inventory are !unsafe: Ansible uses them as they are, never as templates.\n"
    )
    return header + yaml.dump(
        document, Dumper=_AnsibleDumper, allow_unicode=True, sort_keys=False, width=110
    )


def nornir_inventory(inventory: Inventory, routers: Sequence[Router]) -> dict[str, str]:
    """Nornir SimpleInventory files: ``hosts.yaml``, ``groups.yaml`` and ``defaults.yaml`` (as text)."""
    hosts: dict[str, Any] = {}
    groups: dict[str, Any] = {}
    for router in routers:
        school = router.school
        member_of = [group_slug(f"municipality {school.municipality}")]
        groups.setdefault(member_of[0], {"data": {"municipality": school.municipality}})
        for group in school.groups:
            slug = group_slug(f"group {group}")
            member_of.append(slug)
            groups.setdefault(
                slug,
                {
                    "data": {
                        "group": group,
                        **{k: plain_value(_reference(v)) for k, v in inventory.groups[group].vars.items()},
                    }
                },
            )
        hosts[router.id] = {
            "hostname": router.host,
            "port": router.port,
            "username": router.username,
            "platform": "mikrotik_routeros",
            "groups": member_of,
            "data": {
                "school": school.id,
                "school_name": school.name,
                "municipality": school.municipality,
                "transport": router.transport,
                "model": router.model,
                "serial": router.serial,
                "routeros": router.routeros,
                "password_source": router.password_ref.source,
                "vars": {k: plain_value(_reference(v)) for k, v in router.vars.items()},
            },
            "connection_options": {
                "netmiko": {"platform": "mikrotik_routeros", "port": router.ports.ssh},
                "napalm": {"platform": "ros", "port": router.ports.api},
            },
        }
    return {
        "hosts.yaml": _dump(hosts),
        "groups.yaml": _dump(groups),
        "defaults.yaml": _dump({"data": {"inventory": str(inventory.path)}}),
    }


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)


class _AnsibleDumper(yaml.SafeDumper):
    """YAML for Ansible: :class:`Unsafe` strings tagged ``!unsafe``; no aliases (each host stands alone)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_unsafe(dumper: yaml.SafeDumper, data: Unsafe) -> yaml.ScalarNode:
    return dumper.represent_scalar("!unsafe", str(data))


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    return dumper.represent_str(str(data))


_AnsibleDumper.add_representer(Unsafe, _represent_unsafe)
_AnsibleDumper.add_representer(_Lookup, _represent_str)
