"""Resolving ``{env: …}`` / ``{file: …}`` secret references into :class:`~mikronet.secret.Secret` values.

Resolution is an explicit step, separate from loading: listing or showing the inventory needs no
secrets, while ``inventory check`` and anything that talks to a router resolves the routers it
selected, and a missing variable or unreadable file is reported with the file, line and field of
the reference. A value is never put in an error message.

A router's password and every reference in its variables (at any layer, nested at any depth)
are resolved together; :func:`resolve_value` does the same for any value (a template's defaults).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from mikronet.errors import SecretError
from mikronet.inventory.model import Router, SecretRef
from mikronet.secret import Secret

__all__ = ["resolve_secret", "resolve_secrets", "resolve_value"]

_MAX_SECRET_FILE = 64 * 1024


def resolve_secret(ref: SecretRef, environ: Mapping[str, str] | None = None) -> Secret:
    """The secret a reference points at. Raises :class:`SecretError` naming where the reference is written."""
    env = os.environ if environ is None else environ

    def fail(message: str) -> SecretError:
        return SecretError(message, file=ref.file, line=ref.line, field=ref.field)

    if ref.kind == "env":
        if ref.name not in env:
            raise fail(f"environment variable {ref.name} is not set")
        value = env[ref.name]
        if not value:
            raise fail(f"environment variable {ref.name} is empty")
        return Secret(value, ref.source)
    path = ref.path if ref.path is not None else None
    if path is None:
        raise fail(f"secret file {ref.name!r} has no resolved path")
    try:
        size = path.stat().st_size
        if size > _MAX_SECRET_FILE:
            raise fail(f"secret file {path} is {size} bytes; a secret file holds one line")
        data = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read secret file {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail(f"secret file {path} is not UTF-8 text") from None
    value = text.removesuffix("\n").removesuffix("\r")
    if not value:
        raise fail(f"secret file {path} is empty")
    return Secret(value, ref.source)


def _target(ref: SecretRef) -> tuple[str, str]:
    """What a reference points at: references written in many places to one variable or file are one."""
    return (ref.kind, ref.name if ref.kind == "env" or ref.path is None else str(ref.path))


class _Resolver:
    """Resolves each variable or file once, remembering every failure once, with how many places
    refer to it (a variable missing for 10 access points is one problem, not 10)."""

    def __init__(self, environ: Mapping[str, str] | None) -> None:
        self.environ = environ
        self.cache: dict[tuple[str, str], Secret] = {}
        self.failures: dict[tuple[str, str], SecretError] = {}
        self.places: dict[tuple[str, str], list[SecretRef]] = {}

    def secret(self, ref: SecretRef) -> Secret | None:
        target = _target(ref)
        places = self.places.setdefault(target, [])
        if ref not in places:
            places.append(ref)
        if target not in self.cache and target not in self.failures:
            try:
                self.cache[target] = resolve_secret(ref, self.environ)
            except SecretError as exc:
                self.failures[target] = exc
        return self.cache.get(target)

    def value(self, value: Any) -> Any:
        if isinstance(value, SecretRef):
            return self.secret(value)
        if isinstance(value, Mapping):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.value(v) for v in value)
        return value

    def _described(self, target: tuple[str, str], error: SecretError) -> str:
        others = [r for r in self.places[target] if (r.file, r.line) != (error.file, error.line)]
        if not others:
            return error.message
        shown = ", ".join(f"{r.file}:{r.line}" for r in others[:3]) + (", …" if len(others) > 3 else "")
        return f"{error.message} (also referred to in {len(others)} more places: {shown})"

    def raise_if_failed(self) -> None:
        if self.failures:
            items = list(self.failures.items())
            (target, first), rest = items[0], items[1:]
            more = "".join(
                f"\n{SecretError(self._described(t, e), file=e.file, line=e.line, field=e.field)}" for t, e in rest
            )
            raise SecretError(
                self._described(target, first) + more, file=first.file, line=first.line, field=first.field
            )


def resolve_value(value: Any, environ: Mapping[str, str] | None = None) -> Any:
    """``value`` with every :class:`SecretRef` in it (nested too) replaced by its :class:`Secret`."""
    resolver = _Resolver(environ)
    result = resolver.value(value)
    resolver.raise_if_failed()
    return result


def resolve_secrets(routers: Iterable[Router], environ: Mapping[str, str] | None = None) -> list[Router]:
    """Copies of ``routers`` with ``password`` and every secret reference in ``vars`` resolved.

    Every unresolvable reference is reported (each distinct reference once), not only the first;
    nothing is returned unless all of them resolve.
    """
    resolved: list[Router] = []
    resolver = _Resolver(environ)
    for router in routers:
        password = resolver.secret(router.password_ref)
        variables = router.vars
        if router.secret_refs:
            variables = MappingProxyType(resolver.value(dict(router.vars)))
        if password is not None:
            resolved.append(dataclasses.replace(router, password=password, vars=variables))
    resolver.raise_if_failed()
    return resolved
