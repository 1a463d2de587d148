"""SCP and SFTP on a simulated router: files go to and come from its ``/file`` store.

RouterOS serves both on its SSH port; netmiko's ``MikrotikRouterOsFileTransfer``, Ansible's
``net_put``/``net_get`` and technicians (``scp routeros.npk admin@router:``) move packages, scripts
and backups that way. asyncssh runs the protocols; :class:`RouterFiles` is the filesystem they see:
a flat set of names (``flash/x.rsc`` is one name, as ``/file print`` shows it) over the router's files,
so an uploaded ``.npk`` is installed at the next reboot and an uploaded ``.rsc`` can be imported.
Writes are refused on a full disk.
"""

from __future__ import annotations

import posixpath
import stat
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from mikronet.sim.sshlib import asyncssh

__all__ = ["FileDevice", "RouterFiles", "file_server_factory"]


class FileDevice(Protocol):
    """What the file server needs from a simulated router."""

    def find_file(self, name: str) -> Any: ...
    def write_file(self, name: str, contents: str, *, kind: str | None = None, size: int | None = None) -> Any: ...
    def remove_file(self, item: Any) -> None: ...

    @property
    def files(self) -> Any: ...


@dataclass
class _Open:
    name: str
    data: bytearray = field(default_factory=bytearray)
    writing: bool = False


def _name(path: bytes) -> str:
    """``/flash/x.rsc``, ``./x.rsc`` -> the /file name (``flash/x.rsc``, ``x.rsc``)."""
    text = posixpath.normpath(path.decode("utf-8", "surrogateescape")).lstrip("/")
    return "" if text in (".", "") else text


def _content(item: Any) -> bytes:
    values = item.values
    if "size" in values and len(values.get("contents", "")) != int(values["size"]):
        return b"\0" * int(values["size"])  # a large binary stand-in (a downloaded package)
    text: str = values.get("contents", "")
    return text.encode("utf-8", "surrogateescape")


class RouterFiles(asyncssh.SFTPServer):
    """The router's ``/file`` as an SFTP/SCP filesystem: one directory of files (names may hold ``/``)."""

    def __init__(self, chan: asyncssh.channel.SSHChannel[bytes], device: FileDevice) -> None:
        super().__init__(cast("asyncssh.SSHServerChannel[bytes]", chan))
        self._device = device
        self._now = int(time.time())

    def _attrs(self, size: int | None, *, directory: bool = False) -> asyncssh.SFTPAttrs:
        mode = (stat.S_IFDIR | 0o755) if directory else (stat.S_IFREG | 0o644)
        kind = asyncssh.FILEXFER_TYPE_DIRECTORY if directory else asyncssh.FILEXFER_TYPE_REGULAR
        return asyncssh.SFTPAttrs(type=kind, size=size or 0, permissions=mode, atime=self._now, mtime=self._now)

    def _is_directory(self, name: str) -> bool:
        if name == "":
            return True
        prefix = name.rstrip("/") + "/"
        return any(item.values.get("name", "").startswith(prefix) for item in self._device.files)

    # --- lookups --------------------------------------------------------------------------------
    def stat(self, path: bytes) -> asyncssh.SFTPAttrs:
        name = _name(path)
        item = self._device.find_file(name) if name else None
        if item is not None:
            return self._attrs(len(_content(item)))
        if self._is_directory(name):
            return self._attrs(0, directory=True)
        raise asyncssh.SFTPNoSuchFile(f"no such file: {name}")

    def lstat(self, path: bytes) -> asyncssh.SFTPAttrs:
        return self.stat(path)

    def realpath(self, path: bytes) -> bytes:
        return ("/" + _name(path)).encode("utf-8", "surrogateescape")

    async def scandir(self, path: bytes) -> AsyncIterator[asyncssh.SFTPName]:
        base = _name(path)
        prefix = base + "/" if base else ""
        yield asyncssh.SFTPName(b".", attrs=self._attrs(0, directory=True))
        yield asyncssh.SFTPName(b"..", attrs=self._attrs(0, directory=True))
        seen: set[str] = set()
        for item in list(self._device.files):
            name = item.values.get("name", "")
            if not name.startswith(prefix):
                continue
            head, _, rest = name[len(prefix):].partition("/")
            if head in seen:
                continue
            seen.add(head)
            attrs = self._attrs(0, directory=True) if rest else self._attrs(len(_content(item)))
            yield asyncssh.SFTPName(head.encode("utf-8", "surrogateescape"), attrs=attrs)

    def setstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        self.stat(path)  # times and modes are not kept

    def mkdir(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        return None  # directories exist by the names of the files in them

    # --- file contents ----------------------------------------------------------------------------
    def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> _Open:
        name = _name(path)
        writing = bool(pflags & (asyncssh.FXF_WRITE | asyncssh.FXF_CREAT))
        item = self._device.find_file(name) if name else None
        if not writing:
            if item is None:
                raise asyncssh.SFTPNoSuchFile(f"no such file: {name}")
            return _Open(name, bytearray(_content(item)))
        data = bytearray() if item is None or pflags & asyncssh.FXF_TRUNC else bytearray(_content(item))
        return _Open(name, data, writing=True)

    def read(self, file_obj: object, offset: int, size: int) -> bytes:
        assert isinstance(file_obj, _Open)
        return bytes(file_obj.data[offset:offset + size])

    def write(self, file_obj: object, offset: int, data: bytes) -> int:
        assert isinstance(file_obj, _Open)
        end = offset + len(data)
        if len(file_obj.data) < end:
            file_obj.data.extend(b"\0" * (end - len(file_obj.data)))
        file_obj.data[offset:end] = data
        return len(data)

    def close(self, file_obj: object) -> None:
        assert isinstance(file_obj, _Open)
        if file_obj.writing:
            try:
                self._device.write_file(file_obj.name, bytes(file_obj.data).decode("utf-8", "surrogateescape"))
            except Exception as exc:  # the disk-full fault, as RouterOS refuses a write
                raise asyncssh.SFTPFailure(str(exc)) from exc

    def fstat(self, file_obj: object) -> asyncssh.SFTPAttrs:
        assert isinstance(file_obj, _Open)
        return self._attrs(len(file_obj.data))

    def remove(self, path: bytes) -> None:
        item = self._device.find_file(_name(path))
        if item is None:
            raise asyncssh.SFTPNoSuchFile(f"no such file: {_name(path)}")
        self._device.remove_file(item)


def file_server_factory(device: FileDevice) -> Callable[[asyncssh.channel.SSHChannel[bytes]], RouterFiles]:
    """The ``sftp_factory`` for one router's SSH server."""
    return lambda chan: RouterFiles(chan, device)
