"""``print oid``: where an SNMP manager finds each printed value (IF-MIB, MIKROTIK-MIB, HOST-RESOURCES-MIB).

Monitoring systems and technicians use ``/interface print oid`` to learn which OID to poll; an item's
OIDs end with its index (an interface's ifIndex is its internal number).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["OIDS", "oids"]

OIDS: dict[tuple[str, ...], tuple[str, dict[str, str]]] = {
    ("interface",): ("1.3.6.1.2.1.2.2.1", {
        "name": "2", "mtu": "4", "mac-address": "6", "admin-status": "7", "oper-status": "8",
        "bytes-in": "10", "packets-in": "11", "discards-in": "13", "errors-in": "14",
        "bytes-out": "16", "packets-out": "17", "discards-out": "19", "errors-out": "20",
    }),
    ("queue", "simple"): ("1.3.6.1.4.1.14988.1.1.2.1.1", {
        "name": "2", "bytes-in": "8", "bytes-out": "9", "packets-in": "10", "packets-out": "11",
        "queues-in": "12", "queues-out": "13", "dropped-in": "14", "dropped-out": "15",
    }),
    ("system", "resource"): ("", {
        "uptime": "1.3.6.1.2.1.1.3.0", "total-memory": "1.3.6.1.2.1.25.2.3.1.5.65536",
        "used-memory": "1.3.6.1.2.1.25.2.3.1.6.65536", "cpu-load": "1.3.6.1.2.1.25.3.3.1.2.1",
        "total-hdd-space": "1.3.6.1.2.1.25.2.3.1.5.131072", "used-hdd-space": "1.3.6.1.2.1.25.2.3.1.6.131072",
    }),
    ("system", "health"): ("", {
        "voltage": "1.3.6.1.4.1.14988.1.1.3.8.0", "temperature": "1.3.6.1.4.1.14988.1.1.3.10.0",
    }),
}
"""What ``print oid`` shows per menu: the MIB table and each value's column (IF-MIB, MIKROTIK-MIB,
HOST-RESOURCES-MIB); an item's OIDs end with its index (an interface's ifIndex is its number)."""


def oids(path: Sequence[str], index: int | None) -> dict[str, str]:
    """``print oid`` of one item (``index``) or of a single-instance menu (``None``)."""
    table, columns = OIDS.get(tuple(path), ("", {}))
    if index is None:
        return {name: "." + oid for name, oid in columns.items()}
    return {name: f".{table}.{column}.{index}" for name, column in columns.items()}
