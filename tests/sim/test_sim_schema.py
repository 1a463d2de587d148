"""The schema, enforced: for every writable property of every menu a simulated router serves (RouterOS
6.49 and a current 7), a value set over the API reads back the same over the API and in ``/export``,
and a property the schema does not know is refused with RouterOS's ``unknown parameter``.

One router per version, every request over one API connection, pipelined: thousands of properties in
a few seconds.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from librouteros.connections import SocketTransport
from librouteros.protocol import ApiProtocol

from mikronet.routeros import parse
from mikronet.routeros.normalize import normalize_value
from mikronet.sim.api import encode_sentence
from mikronet.sim.device import DeviceOptions, DeviceSpec
from mikronet.sim.runtime import FleetOptions, FleetRuntime, RouterSetup
from mikronet.sim.specs import PathSpec

PASSWORD = "Schema-Pa55"
ROUTERS = {
    "6.49": DeviceSpec("LV-0001/v6", "RB2011UiAS-2HnD", "SCHEMA0001", "6.49.18", password=PASSWORD),
    "7.x": DeviceSpec("LV-0001/v7", "C53UiG+5HPaxD2HPaxD", "SCHEMA0002", "7.19.4", password=PASSWORD),
}
# Properties set by a value of their own kind: what a router would take there.
_BY_NAME = {
    "address": "192.0.2.7", "dst-address": "198.51.100.0/24", "src-address": "203.0.113.0/24",
    "gateway": "192.0.2.1", "network": "192.0.2.0", "interface": "ether2", "mac-address": "02:00:00:00:00:07",
    "bridge": "ether3", "vlan-id": "7", "list": "all", "port": "8080", "prefix": "2001:db8:7::/48",
}
_BY_TYPE = {"int": "7", "duration": "2m", "list": "alfa,beta", "set": "alfa,beta", "iset": "alfa,beta",
            "mac": "02:00:00:00:00:09", "rate": "10M", "size": "4096", "kib": "64KiB", "text": "mikronet-x"}
_API_WORDS = {"true": "yes", "false": "no"}


@dataclass
class Pipe:
    """Requests over one API session, sent together, answered in order (tags keep them apart)."""

    sock: socket.socket
    protocol: ApiProtocol
    replies: list[dict[str, Any]] = field(default_factory=list)

    def run(self, sentences: list[list[str]]) -> list[dict[str, Any]]:
        data = b"".join(encode_sentence([*words, f".tag={n}"]) for n, words in enumerate(sentences))
        self.sock.sendall(data)
        answers: dict[int, dict[str, Any]] = {n: {"rows": [], "trap": None, "ret": None} for n in range(len(sentences))}
        done = 0
        while done < len(sentences):
            word, words = self.protocol.readSentence()
            attrs = dict((w[1:] if w.startswith("=") else w).split("=", 1) for w in words)
            tag = int(attrs.pop(".tag"))
            if word == "!re":
                answers[tag]["rows"].append(attrs)
            elif word == "!trap":
                answers[tag]["trap"] = attrs.get("message")
            elif word == "!done":
                answers[tag]["ret"] = attrs.get("ret")
                done += 1
        return [answers[n] for n in range(len(sentences))]


@pytest.fixture(scope="module")
def pipes(tmp_path_factory: pytest.TempPathFactory, loop: Any) -> Iterator[dict[str, tuple[Pipe, Any]]]:
    setups = [RouterSetup(spec) for spec in ROUTERS.values()]
    options = FleetOptions(device=DeviceOptions(boot_time=0.3), api_ssl_certificate=False, ssh=False)
    runtime = FleetRuntime(setups, tmp_path_factory.mktemp("schema"), options)
    loop.run(runtime.start(), timeout=60)
    opened = {}
    try:
        for key, spec in ROUTERS.items():
            router = runtime.routers[spec.router_id]
            sock = socket.create_connection((router.endpoint.host, router.endpoint.api), timeout=10)
            protocol = ApiProtocol(SocketTransport(sock), "utf-8")
            pipe = Pipe(sock, protocol)
            assert pipe.run([["/login", "=name=admin", f"=password={PASSWORD}"]])[0]["trap"] is None
            opened[key] = (pipe, router.device)
        yield opened
    finally:
        for pipe, _ in opened.values():
            pipe.sock.close()
        loop.run(runtime.stop(), timeout=60)


def _value(spec: PathSpec, name: str, taken: dict[str, int]) -> str:
    """A value for ``name`` that is not its default (names unique per router)."""
    kind = spec.types.get(name, "text")
    if kind in ("bool", "flag") or name in spec.booleans:
        return "no" if spec.defaults.get(name) in ("true", "yes") else "yes"
    if name in ("name", "default-name") or (name,) in spec.unique:
        taken[name] = taken.get(name, 0) + 1
        return f"mn-{'-'.join(spec.path)[-20:]}-{taken[name]}"
    if spec.references.get(name) == "interface":
        return "ether4"
    if spec.references.get(name) == "interface-list":
        return "all"
    if spec.references.get(name) == "routing-table":
        return "main"
    value = _BY_NAME.get(name, _BY_TYPE.get(kind, "mikronet-x"))
    if spec.defaults.get(name) == value:
        value = {"int": "8", "duration": "3m"}.get(kind, value + "2")
    return value


def _api_form(spec: PathSpec, name: str, value: str) -> str:
    if name in spec.booleans:
        return "true" if value == "yes" else "false"
    return value


_NOT_CONFIGURATION = frozenset({("file",)})
"""Menus whose items are not configuration (files are never exported)."""
_NOT_EXPORTED = frozenset({("user",), ("user", "ssh-keys")})
"""Menus ``/export`` leaves out, as RouterOS does (user accounts live apart; a backup has them)."""


def _menus(device: Any) -> list[PathSpec]:
    served = []
    for path, spec in sorted(device.specs.items()):
        if not spec.writable or not device.menus.is_prefix(path) or path in _NOT_CONFIGURATION:
            continue
        served.append(spec)
    return served


@pytest.mark.parametrize("version", list(ROUTERS))
def test_every_writable_property_reads_back_over_the_api_and_in_the_export(
    pipes: dict[str, tuple[Pipe, Any]], version: str
) -> None:
    pipe, device = pipes[version]
    taken: dict[str, int] = {}
    checked = 0
    problems: list[str] = []
    for spec in _menus(device):
        word = "/" + "/".join(spec.path)
        verbs = device.menus.verbs(spec.path)
        target: list[str] = []
        if not spec.singleton:
            if "add" in verbs:
                required = {n: _value(spec, n, taken) for n in (*spec.required, *(
                    ["name"] if "name" in spec.writable and spec.name_field == "name" else []))}
                added = pipe.run([[f"{word}/add", *(f"={k}={v}" for k, v in required.items())]])[0]
                if added["trap"] is not None:
                    problems.append(f"{word} add: {added['trap']}")
                    continue
                target = [f"=.id={added['ret']}"]
            else:
                rows = pipe.run([[f"{word}/print"]])[0]["rows"]
                if not rows:
                    continue  # a menu with no item of this hardware (no PoE-out port, say)
                target = [f"=.id={rows[0]['.id']}"]
        names = sorted(n for n in spec.writable if n not in ("name", "default-name") or spec.singleton)
        values = {name: _value(spec, name, taken) for name in names}
        answers = pipe.run([[f"{word}/set", *target, f"={name}={value}"] for name, value in values.items()])
        accepted = {}
        for (name, value), answer in zip(values.items(), answers, strict=True):
            if answer["trap"] is None:
                accepted[name] = value
            elif not answer["trap"].startswith(("input does not match", "failure:", "invalid value")):
                problems.append(f"{word} {name}={value}: {answer['trap']}")
        rows = pipe.run([[f"{word}/print", *([f"?.id={target[0][5:]}"] if target else [])]])[0]["rows"]
        row = rows[0] if rows else {}
        for name, value in accepted.items():
            if name in spec.write_only:
                continue
            expected = _api_form(spec, name, normalize_value(spec.types.get(name, "text"), value)
                                 if spec.types.get(name) in ("int", "duration", "list", "mac", "kib") else value)
            if row.get(name) != expected:
                problems.append(f"{word} {name}: set {value!r}, the API reads {row.get(name)!r}")
            checked += 1
        if spec.path in _NOT_EXPORTED:
            accepted = {}
        sections = parse(device.export(path=spec.path, show_sensitive=True), file="export").sections
        # an interface set through /interface is exported in its kind's menu (/interface ethernet)
        wanted = [p for p in sections if p == "/" + " ".join(spec.path) or spec.storage is not None]
        exported: dict[str, Any] = {}
        for section in (sections[p] for p in wanted):
            exported.update(section.settings)
            for item in section.items:
                exported.update(item.props)
        for name, value in accepted.items():
            if name in spec.read_only:
                continue
            shown = exported.get(name)
            want = _API_WORDS.get(value, value)
            kind = spec.types.get(name, "text")
            if shown is None or normalize_value(kind, shown) != normalize_value(kind, want):
                problems.append(f"{word} {name}: set {value!r}, /export has {shown!r}")
        bogus = pipe.run([[f"{word}/set", *target, "=mikronet-no-such-property=1"]])[0]
        if bogus["trap"] != "unknown parameter":
            problems.append(f"{word}: an unknown property answered {bogus['trap']!r}")
    print(f"\n{version}: {len(_menus(device))} menus, {checked} properties read back")
    assert not problems, "\n".join(problems)
    assert checked > {"6.49": 1500, "7.x": 2000}[version]
