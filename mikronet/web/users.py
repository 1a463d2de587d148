"""The dashboard's users: names, roles and argon2 password hashes in ``users.yaml`` beside the inventory.

Roles: ``ministry`` and ``technician`` see the whole fleet; ``municipality`` sees only the schools of
its own municipality (see :mod:`mikronet.web.scope`). The file is written whole (never half) with
mode ``0600``; a password is never stored, only its argon2id hash.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from mikronet.errors import InputError
from mikronet.files import write_atomic

__all__ = ["ROLES", "USERS_FILE", "User", "UserStore"]

ROLES: Final = ("ministry", "municipality", "technician")
USERS_FILE: Final = "users.yaml"
_HASHER: Final = PasswordHasher()
# verified against when the name is unknown, so an unknown name costs as much time as a wrong password
_DUMMY: Final = _HASHER.hash("mikronet: no such user")


@dataclass(frozen=True)
class User:
    """A dashboard user. ``municipality`` is set for (and only for) the ``municipality`` role."""

    name: str
    role: str
    municipality: str | None = None

    @property
    def sees_everything(self) -> bool:
        return self.role in ("ministry", "technician")


def _check(name: str, role: str, municipality: str | None, where: str) -> None:
    if not name or any(c.isspace() for c in name) or len(name) > 64:
        raise InputError(f"{where}: user name {name!r}: 1–64 characters, no spaces")
    if role not in ROLES:
        raise InputError(f"{where}: user {name!r}: role {role!r}: choose one of {', '.join(ROLES)}")
    if role == "municipality" and not municipality:
        raise InputError(f"{where}: user {name!r}: the municipality role needs --municipality")
    if role != "municipality" and municipality:
        raise InputError(f"{where}: user {name!r}: only the municipality role takes a municipality")


class UserStore:
    """The users of one ``users.yaml``; :meth:`authenticate` checks a name and password."""

    def __init__(self, path: Path, entries: Mapping[str, tuple[User, str]] | None = None) -> None:
        self.path = path
        self._entries: dict[str, tuple[User, str]] = dict(entries or {})

    @classmethod
    def load(cls, path: Path) -> UserStore:
        """The users in ``path`` (none when the file does not exist yet)."""
        if not path.exists():
            return cls(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            raise InputError(f"{path}{line}: not valid YAML") from None
        users = data.get("users") if isinstance(data, dict) else None
        if not isinstance(users, dict):
            raise InputError(f"{path}: field 'users': a mapping of user name to role and hash")
        entries: dict[str, tuple[User, str]] = {}
        for name, entry in users.items():
            where = f"{path}: users.{name}"
            if not isinstance(entry, dict) or not isinstance(entry.get("hash"), str):
                raise InputError(f"{where}: needs 'role' and 'hash'")
            role, municipality = str(entry.get("role", "")), entry.get("municipality")
            _check(str(name), role, municipality, str(path))
            entries[str(name)] = (User(str(name), role, municipality), entry["hash"])
        return cls(path, entries)

    def save(self) -> None:
        """Write the file whole, mode 0600."""
        users: dict[str, Any] = {}
        for name, (user, hashed) in sorted(self._entries.items()):
            entry: dict[str, Any] = {"role": user.role}
            if user.municipality:
                entry["municipality"] = user.municipality
            entry["hash"] = hashed
            users[name] = entry
        text = "# mikronet dashboard users (mikronet user add); argon2 hashes, never passwords\n"
        text += yaml.safe_dump({"users": users}, allow_unicode=True, sort_keys=False)
        write_atomic(self.path, text, mode=0o600)
        os.chmod(self.path, 0o600)

    def add(self, name: str, role: str, password: str, municipality: str | None = None) -> User:
        """Add or replace ``name`` (not saved until :meth:`save`)."""
        _check(name, role, municipality, "user add")
        if len(password) < 8:
            raise InputError(f"user add {name}: the password needs at least 8 characters")
        user = User(name, role, municipality)
        self._entries[name] = (user, _HASHER.hash(password))
        return user

    def get(self, name: str) -> User | None:
        entry = self._entries.get(name)
        return entry[0] if entry else None

    def users(self) -> tuple[User, ...]:
        return tuple(entry[0] for _, entry in sorted(self._entries.items()))

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when ``password`` is theirs, else ``None`` (the same time either way)."""
        entry = self._entries.get(name)
        try:
            _HASHER.verify(entry[1] if entry else _DUMMY, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return entry[0] if entry else None
