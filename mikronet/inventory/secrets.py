"""Resolving ``{env: …}`` / ``{file: …}`` secret references into :class:`~mikronet.secret.Secret` values.

Resolution is an explicit step, separate from loading: listing or showing the inventory needs no
secrets, while ``inventory check`` and anything that talks to a router resolves the routers it
selected, and a missing variable or unreadable file is reported with the file, line and field of
the reference. A value is never put in an error message.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping

from mikronet.errors import SecretError
from mikronet.inventory.model import Router, SecretRef
from mikronet.secret import Secret

__all__ = ["resolve_secret", "resolve_secrets"]

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
            raise fail(f"secret file {path} is {size} bytes; a password file holds one line")
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


def resolve_secrets(routers: Iterable[Router], environ: Mapping[str, str] | None = None) -> list[Router]:
    """Copies of ``routers`` with ``password`` resolved.

    Every unresolvable reference is reported (each distinct reference once), not only the first;
    nothing is returned unless all of them resolve.
    """
    resolved: list[Router] = []
    cache: dict[SecretRef, Secret] = {}
    failures: dict[SecretRef, SecretError] = {}
    for router in routers:
        ref = router.password_ref
        if ref not in cache and ref not in failures:
            try:
                cache[ref] = resolve_secret(ref, environ)
            except SecretError as exc:
                failures[ref] = exc
        if ref in cache:
            resolved.append(dataclasses.replace(router, password=cache[ref]))
    if failures:
        errors = list(failures.values())
        first = errors[0]
        more = "".join(f"\n{err}" for err in errors[1:])
        raise SecretError(first.message + more, file=first.file, line=first.line, field=first.field)
    return resolved
