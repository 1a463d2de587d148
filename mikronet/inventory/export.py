"""Writing the inventory in other tools' formats: CSV (the import format), Ansible, Nornir.

No secret is written: Ansible gets an ``env``/``file`` lookup in place of the password, Nornir
gets the reference's source in the host data (set the password in a transform function).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import yaml

from mikronet.inventory.cells import var_cell
from mikronet.inventory.model import Inventory, Router
from mikronet.inventory.tabular import SCHOOL_COLUMNS
from mikronet.inventory.views import plain_value

__all__ = ["CSV_COLUMNS", "FORMATS", "ansible_inventory", "csv_text", "group_slug", "nornir_inventory"]

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


def csv_text(inventory: Inventory, routers: Sequence[Router], *, excel: bool = False) -> str:
    """One row per router, school columns repeated; ``var.*`` / ``router_var.*`` columns for variables.

    ``excel``: the way Excel in Latvia reads a CSV file directly: a BOM, ``;`` and a decimal comma.
    Only the columns the import reads are written (settings such as transport or ports are not).
    """
    school_vars = sorted({k for r in routers for k in r.school.vars})
    router_vars = sorted({k for r in routers for k in _own_router_vars(r)})
    header = [*CSV_COLUMNS, *(f"var.{k}" for k in school_vars), *(f"router_var.{k}" for k in router_vars)]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(header)
    for router in routers:
        school = router.school
        conn = school.connection
        fee = "" if conn.monthly_fee_eur is None else str(conn.monthly_fee_eur)
        if excel:
            fee = fee.replace(".", ",")
        own = _own_router_vars(router)
        writer.writerow(
            [
                school.id,
                school.name,
                school.municipality,
                school.municipality_before_2021 or "",
                " ".join(school.groups),
                conn.type,
                fee,
                "" if conn.contracted_mbps is None else str(conn.contracted_mbps),
                router.name,
                router.host,
                router.model,
                router.serial or "",
                router.routeros or "",
                *(var_cell(school.vars[k]) if k in school.vars else "" for k in school_vars),
                *(var_cell(own[k]) if k in own else "" for k in router_vars),
            ]
        )
    return ("\ufeff" if excel else "") + out.getvalue()


def _password_lookup(router: Router) -> str:
    ref = router.password_ref
    if ref.kind == "env":
        return f"{{{{ lookup('ansible.builtin.env', '{ref.name}') }}}}"
    path = ref.path.resolve() if ref.path else ref.name
    return f"{{{{ lookup('ansible.builtin.file', '{path}') }}}}"


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
            "ansible_host": router.host,
            "ansible_port": router.ports.ssh,
            "ansible_user": router.username,
            "ansible_password": _password_lookup(router),
            "ansible_connection": "ansible.netcommon.network_cli",
            "ansible_network_os": "community.routeros.routeros",
            "mikronet_transport": router.transport,
            "mikronet_api_port": router.ports.api,
            "mikronet_api_ssl_port": router.ports.api_ssl,
            "mikronet_model": router.model,
            "mikronet_serial": router.serial,
            "mikronet_routeros": router.routeros,
            "mikronet_school": school.id,
            "mikronet_school_name": school.name,
            "mikronet_municipality": school.municipality,
            "mikronet_vars": {k: plain_value(v) for k, v in router.vars.items()},
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
    header = f"# Ansible inventory written by mikronet from {inventory.path}; no secrets in it.\n"
    return header + _dump(document)


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
                        **{k: plain_value(v) for k, v in inventory.groups[group].vars.items()},
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
                "vars": {k: plain_value(v) for k, v in router.vars.items()},
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
