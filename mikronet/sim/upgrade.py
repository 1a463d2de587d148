"""``/system package update``: channel, check-for-updates, download, install (section 6 of the reference).

Long-running commands answer with ``.section``-numbered progress rows, each repeating ``channel``,
``installed-version`` and ``latest-version``, then ``!done``. ``install`` sends its rows and then drops
the session without ``!done``; the router reboots into the new version (longer boot), unless the
``old_version`` fault makes it come back unchanged.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mikronet.sim import messages as msg
from mikronet.sim.config import print_rows
from mikronet.sim.menus import Request
from mikronet.sim.reply import CommandTrap, Reply
from mikronet.sim.versions import parse_version

if TYPE_CHECKING:
    from mikronet.sim.state import RouterState

__all__ = ["CHANNELS", "boot_delay", "install_uploaded", "package_version", "register_update"]

_NPK = re.compile(r"(?:^|/)routeros-(?P<version>\d[\w.]*?)-(?P<arch>[a-z0-9_]+)\.npk$")
_PACKAGE = re.compile(r"(?:^|/)(?P<name>[a-z][a-z0-9-]*?)-(?P<version>\d[\w.]*?)-(?P<arch>[a-z0-9_]+)\.npk$")
"""Any package of a release: ``routeros``, and the extras (``wifi-qcom``, ``wireless``, ``container`` …)."""

CHANNELS = {
    6: ("long-term", "stable", "testing", "development", "upgrade"),
    7: ("long-term", "stable", "testing", "development"),
}
MIB = 1024 * 1024
_PACKAGE_MIB = {"mipsbe": 11.6, "mmips": 12.1, "arm": 12.9, "arm64": 13.4, "x86_64": 14.8, "tile": 13.0}


class UpdateState:
    """What ``/system package update`` remembers between commands (lost on reboot)."""

    def __init__(self) -> None:
        self.latest: str | None = None
        self.status: str | None = None
        self.downloaded: str | None = None


def _base(device: RouterState, state: UpdateState) -> dict[str, str]:
    row = {"channel": device.channel, "installed-version": device.version}
    if state.latest is not None:
        row["latest-version"] = state.latest
    return row


def _row(device: RouterState, state: UpdateState, section: int | None, status: str) -> dict[str, str]:
    state.status = status
    row = {} if section is None else {".section": str(section)}
    row.update(_base(device, state))
    row["status"] = status
    return row


def _check(device: RouterState, state: UpdateState) -> list[dict[str, str]]:
    state.latest = None
    rows = [_row(device, state, 0, msg.FINDING_OUT_LATEST)]
    major = "7" if device.parsed_version.major >= 7 else "6"
    latest = device.options.latest.get(major, {}).get(device.channel)
    if latest is None:
        rows.append(_row(device, state, 1, msg.ERROR_DOWNLOAD_FAILED))
        return rows
    state.latest = latest
    newer = parse_version(latest) > device.parsed_version
    rows.append(_row(device, state, 1, msg.NEW_VERSION_AVAILABLE if newer else msg.UP_TO_DATE))
    return rows


def _download(device: RouterState, state: UpdateState) -> tuple[list[dict[str, str]], bool]:
    """Progress rows, and whether the packages are now on the router."""
    rows = []
    if state.latest is None:
        rows.extend(_check(device, state))
    if state.latest is None or parse_version(state.latest) <= device.parsed_version:
        return rows, False
    if state.downloaded == state.latest:
        rows.append(_row(device, state, len(rows), msg.DOWNLOADED_REBOOT))
        return rows, True
    size = _PACKAGE_MIB.get(device.profile.architecture, 13.0)
    rows.append(_row(device, state, len(rows), msg.DOWNLOAD_CALCULATING))
    if device.faults.disk_full:
        rows.append(_row(device, state, len(rows), msg.ERROR_NOT_ENOUGH_DISK))
        return rows, False
    rows.append(_row(device, state, len(rows), msg.DOWNLOADING))
    for percent in range(8, 100, 9):
        if device.faults.download_fail and percent > 40:
            rows.append(_row(device, state, len(rows), msg.ERROR_DOWNLOAD_FAILED))
            return rows, False
        rows.append(
            _row(
                device,
                state,
                len(rows),
                msg.DOWNLOAD_PROGRESS.format(percent=percent, mib=size * percent / 100),
            )
        )
    arch = device.profile.architecture
    names = [f"routeros-{state.latest}-{arch}.npk"]
    if device.parsed_version.major >= 7:
        names += [f"{extra}-{state.latest}-{arch}.npk" for extra in sorted(device.packages)]
    for name in names:
        device.write_file(name, "\x00" * 64, kind="package", size=int(size * MIB / len(names)))
    state.downloaded = state.latest
    rows.append(_row(device, state, len(rows), msg.DOWNLOADED_REBOOT))
    return rows, True


def _state(device: RouterState) -> UpdateState:
    return device.extension("update", UpdateState)


def boot_delay(device: RouterState, install: bool) -> float:
    """Seconds a reboot takes: longer when packages wait in ``/file`` to be installed."""
    installing = install or package_version(device) is not None
    return device.options.install_boot_time if installing else device.options.boot_time


def register_update(device: RouterState) -> None:
    state = _state(device)
    path = ("system", "package", "update")

    def print_(request: Request) -> Reply:
        row = _base(device, state)
        if state.status is not None:
            row["status"] = state.status
        return print_rows([row], request)

    def set_(request: Request) -> Reply:
        for name in request.args:
            if name != "channel":
                raise CommandTrap(msg.UNKNOWN_PARAMETER, msg.CATEGORY_ARGUMENT, argument=name)
        channel = request.args.get("channel")
        if channel is not None:
            if channel not in CHANNELS[7 if device.parsed_version.major >= 7 else 6]:
                raise CommandTrap(msg.INVALID_VALUE.format(name="channel"), msg.CATEGORY_ARGUMENT)
            device.set_channel(channel)
            state.latest = state.status = None
        return Reply()

    def check(request: Request) -> Reply:
        return Reply(rows=_check(device, state))

    def download(request: Request) -> Reply:
        return Reply(rows=_download(device, state)[0])

    def install(request: Request) -> Reply:
        rows, ready = _download(device, state)
        if not ready:
            return Reply(rows=rows)
        rows.append(_row(device, state, len(rows), msg.DOWNLOADED_REBOOTING))
        device.reboot(install=True)  # the downloaded packages are installed while it boots
        return Reply(rows=rows, disconnect=True)

    def downgrade(request: Request) -> Reply:
        device.request_downgrade()
        device.reboot(install=True)
        return Reply(disconnect=True)

    def cancel(request: Request) -> Reply:
        return Reply()

    device.menus.register_many(
        path,
        {
            "print": print_,
            "getall": print_,
            "set": set_,
            "check-for-updates": check,
            "download": download,
            "install": install,
            "cancel": cancel,
        },
    )
    device.menus.register(("system", "package"), "downgrade", downgrade)
    device.menus.register(("tool",), "fetch", lambda request: _fetch(device, request))


def package_version(device: RouterState) -> str | None:
    """The version of the ``routeros-<version>-<arch>.npk`` waiting in ``/file``, if any."""
    for item in device.files:
        match = _NPK.search(item.values.get("name", ""))
        if match is not None and match.group("arch") == device.profile.architecture:
            return match.group("version")
    return None


def install_uploaded(device: RouterState) -> None:
    """What RouterOS does at boot with packages in ``/file``: install them (newer only, unless a
    downgrade was asked for), then delete them. The ``old_version`` fault skips the install."""
    target = package_version(device)
    downgrade = device.take_downgrade()
    for item in list(device.files):
        if item.values.get("type") == "package":
            device.remove_file(item)
    state = _state(device)
    state.latest = state.status = state.downloaded = None
    if target is None or target == device.version:
        return
    if parse_version(target) < device.parsed_version and not downgrade:
        device.log_event("system,error", f"not installing older system-{target}, use downgrade")
        return
    if device.faults.old_version:
        device.log_event("system,error,critical", "upgrade failed, booting previous version")
        return
    old = device.version
    device.set_version(target)
    device.log_event("system,info", f"installed system-{target} (was {old})")
    settings = device.store.table(("system", "routerboard", "settings"), singleton=True).single()
    if device.profile.routerboard and settings.get("auto-upgrade") == "true" and device.flash_firmware():
        device.log_event("system,info,critical", msg.FIRMWARE_UPGRADED)


def _fetch(device: RouterState, request: Request) -> Reply:
    """``/tool fetch`` of a RouterOS package from MikroTik's download site (nothing else is reachable)."""
    url = request.args.get("url", "")
    match = _PACKAGE.search(url)
    if match is None:
        raise CommandTrap(msg.FETCH_FAILED, msg.CATEGORY_GENERAL)
    name = request.args.get("dst-path") or url.rsplit("/", 1)[-1]
    mib = _PACKAGE_MIB.get(match.group("arch"), 13.0) if match.group("name") == "routeros" else 2.0
    size = int(mib * MIB)
    rows = [{".section": "0", "status": "connecting"}]
    if device.faults.download_fail:
        raise CommandTrap(msg.FETCH_FAILED, msg.CATEGORY_GENERAL)
    device.write_file(name, "\x00" * 64, kind="package", size=size)
    kib = f"{size // 1024}KiB"
    rows.append({".section": "1", "status": "finished", "downloaded": kib, "total": kib, "duration": "1s"})
    return Reply(rows=rows)
