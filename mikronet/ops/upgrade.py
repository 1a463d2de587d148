"""RouterOS and RouterBOARD firmware upgrades, one router at a time (the runner makes it a campaign).

For each router: facts → free space → backup (the export committed, its hash kept) → check for
updates and download (``--channel``) or fetch the packages of a version (``--version``) → install (the
router restarts) → wait for it (a first check after a delay, then polling with backoff, up to a
limit) → verify it came back on the target (back on the old version is a failure) → with
``firmware``, or when the RouterBOARD's current firmware differs from its upgrade firmware, the
firmware upgrade and a second restart → verify again. A RouterOS 6 router going to 7 first goes to
the last 6.49 long-term release, and the plan says so.

The result's ``details`` hold what the ledger records: versions and firmware before and after, the
backup's hash, the campaign and the timings.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mikronet.errors import InputError, MikronetError, TransportError
from mikronet.hardware import model_info
from mikronet.ops.backup import BackupStore
from mikronet.ops.facts import export_whole, read_facts
from mikronet.routeros.version import is_v6, parse_version
from mikronet.runner.results import RouterResult, Stands, Status
from mikronet.transport import Command, Transport

if TYPE_CHECKING:
    from mikronet.inventory import Router

__all__ = ["UpgradeOptions", "UpgradeTarget", "Upgrader", "plan_hops"]

MIB = 1024 * 1024
PACKAGE_URL = "https://download.mikrotik.com/routeros/{version}/{name}-{version}-{arch}.npk"


@dataclass(frozen=True)
class UpgradeTarget:
    """Where a campaign goes: a version (``7.16.2``) or the newest release of a channel."""

    version: str | None = None
    channel: str | None = None
    firmware: bool = False
    campaign: str = ""

    def __post_init__(self) -> None:
        if (self.version is None) == (self.channel is None):
            raise InputError("give either --version or --channel")
        if self.version is not None:
            try:
                parse_version(self.version)
            except ValueError:
                raise InputError(f"--version {self.version!r} is not a RouterOS version") from None


@dataclass(frozen=True)
class UpgradeOptions:
    """Timing and limits of one router's upgrade (the seconds are a RouterBOARD's, not a simulator's)."""

    first_check: float | None = None  # after a restart, wait this long before the first connect (None:
    #                                  the router's restart_s from the inventory, else `poll`)
    poll: float = 3.0                # then poll, the wait growing by half each time
    poll_max: float = 15.0
    come_back_within: float = 300.0  # give up on a router that has not answered by then
    min_free_bytes: int = 2 * MIB    # below this the packages cannot fit (RouterOS refuses the rest itself)


def _major(version: str) -> int:
    return parse_version(version).major


def plan_hops(current: str, target: str | None, channel: str | None) -> list[str]:
    """The steps from ``current``: ``lt`` (to the last 6.49 long-term release) when 6 goes to 7, then
    ``version:V`` or ``channel:C``. An empty list: already there."""
    if target is not None:
        if parse_version(current) >= parse_version(target):
            return []  # there already, or newer: an upgrade campaign never downgrades
        hops = []
        if is_v6(current) and _major(target) >= 7:
            hops.append("lt")
        hops.append(f"version:{target}")
        return hops
    return [f"channel:{channel}"]


@dataclass
class _Progress:
    result: RouterResult
    started: float
    timings: dict[str, float] = field(default_factory=dict)


def _from_to(details: dict[str, Any]) -> str:
    """``RouterOS 7.15.3 → 7.16.2, firmware 7.15.3 → 7.16.2``: what an upgrade changed."""
    text = f"RouterOS {details.get('from_version') or '?'} → {details.get('to_version') or '?'}"
    if details.get("from_firmware") != details.get("to_firmware"):
        text += f", firmware {details.get('from_firmware') or '?'} → {details.get('to_firmware') or '?'}"
    return text


class Upgrader:
    """Upgrades one router; every outcome is a result (never an exception)."""

    def __init__(self, connect: Callable[[Router], Transport], target: UpgradeTarget, *,
                 backups: BackupStore | None = None, options: UpgradeOptions | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        self.connect = connect
        self.target = target
        self.backups = backups
        self.options = options or UpgradeOptions()
        self.sleep = sleep
        self.clock = clock

    def upgrade(self, router: Router, *, check: bool = False, stop: Callable[[], bool] | None = None,
                report: Callable[[str, str | None], None] | None = None) -> RouterResult:
        progress = _Progress(RouterResult(router.id, Status.OK), self.clock())
        say = report or (lambda phase, at: None)
        try:
            return self._upgrade(router, progress, check, stop or (lambda: False), say)
        except MikronetError as exc:
            connected = bool(progress.result.details)  # the facts were read: the router was reachable
            failed = RouterResult.from_error(router.id, exc, details=progress.result.details,
                                             timings=progress.timings,
                                             status=Status.FAILED if connected else None)
            failed.stands = progress.result.stands or Stands.UNTOUCHED
            return failed

    # -- the steps -------------------------------------------------------------------------------

    def _upgrade(self, router: Router, progress: _Progress, check: bool, stop: Callable[[], bool],
                 say: Callable[[str, str | None], None]) -> RouterResult:
        result = progress.result
        say("facts", None)
        with self.connect(router) as session:
            facts = read_facts(session)
            current = str(facts.get("version") or "")
            details = result.details
            details.update({
                "from_version": current, "from_firmware": facts.get("firmware_current"),
                "channel": facts.get("channel"), "campaign": self.target.campaign, "model": facts.get("model"),
                "architecture": facts.get("architecture"), "facts": facts,
            })
            latest = self._latest(session, facts) if self.target.channel else None
            hops = plan_hops(current, self.target.version or latest, self.target.channel)
            if self.target.channel and latest is not None and latest == current:
                hops = []
            firmware_due = bool(facts.get("firmware_current")) and (
                self.target.firmware or facts.get("firmware_current") != facts.get("firmware_upgrade"))
            details["plan"] = self._describe(current, hops, latest, firmware_due)
            if not hops and not firmware_due:
                details["to_version"], details["to_firmware"] = current, facts.get("firmware_current")
                newer = self.target.version is not None and parse_version(current) > parse_version(self.target.version)
                result.notes.append(f"on {current}, newer than the target: not downgraded" if newer
                                    else f"already on {current}")
                return result
            if check:
                result.status = Status.PLANNED
                return result
            free = facts.get("free_hdd_bytes")
            if hops and isinstance(free, int) and free < self.options.min_free_bytes:
                return self._fail(progress, "disk-full", f"only {free // 1024} KiB free; the packages need "
                                  f"about {self.options.min_free_bytes // MIB} MiB", Stands.UNTOUCHED)
            say("backup", None)
            if self.backups is not None:
                text = export_whole(session, "mikronet-upgrade", hide_sensitive=is_v6(current))
                self.backups.save(router.id, text, f"before upgrade to {self.target.version or latest}")
                details["backup_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
            progress.timings["backup"] = self.clock() - progress.started
            if stop():
                result.status, result.cause, result.stands = Status.INTERRUPTED, "interrupted", Stands.UNTOUCHED
                return result
        for hop in hops:
            say(f"installing {hop}", None)
            failure = self._hop(router, progress, hop, facts)
            if failure is not None:
                return failure
        if firmware_due or self._firmware_behind(router):
            say("firmware", None)
            failure = self._firmware(router, progress)
            if failure is not None:
                return failure
        say("backup", None)
        with self.connect(router) as session:
            final = read_facts(session)
            if self.backups is not None:  # the history (and the drift report) holds what it runs now
                v6 = _major(str(final.get("version") or "7")) == 6
                text = export_whole(session, "mikronet-upgrade", hide_sensitive=v6)
                self.backups.save(router.id, text, f"after upgrade to {final.get('version')}")
        details["to_version"], details["to_firmware"] = final.get("version"), final.get("firmware_current")
        details["facts"] = final
        wanted = self.target.version or latest
        if wanted and final.get("version") != wanted:
            return self._fail(progress, "came-back-old", f"on {final.get('version')}, not {wanted}", Stands.UNKNOWN)
        details["timings"] = {k: round(v, 1) for k, v in progress.timings.items()}
        result.status = Status.CHANGED
        result.notes.append(_from_to(details))
        return result

    def _latest(self, session: Transport, facts: dict[str, Any]) -> str | None:
        """The newest release of the target channel, as the router finds it (switching channel first)."""
        channel = self.target.channel
        commands = [] if facts.get("channel") == channel else [
            Command("/system/package/update", "set", {"channel": str(channel)})]
        replies = session.run([*commands, Command("/system/package/update", "check-for-updates")])
        for reply in replies:
            reply.raise_for_error(session.router_id)
        rows = replies[-1].rows
        latest = next((r.get("latest-version") for r in reversed(rows) if r.get("latest-version")), None)
        status = rows[-1].get("status", "") if rows else ""
        if latest is None and status.startswith("ERROR"):
            raise TransportError(f"check for updates: {status}", router=session.router_id)
        return latest

    def _describe(self, current: str, hops: list[str], latest: str | None, firmware: bool) -> str:
        """The plan in one line: each step with the restart it costs, and the version it ends on."""
        steps: list[str] = []
        for hop in hops:
            restart = f"restart {len(steps) + 1}"
            if hop == "lt":
                steps.append(f"the last 6.49 long-term release first ({restart}; RouterOS 6 reaches 7 only from there)")
            elif hop.startswith("version:"):
                steps.append(f"{hop[8:]} (packages fetched, {restart})")
            else:
                steps.append(f"{latest or 'the newest'} of channel {hop[8:]} (download, {restart})")
        if firmware:
            steps.append(f"RouterBOARD firmware (restart {len(steps) + 1})")
        if not steps:
            return f"{current}: nothing to do (not downgraded)"
        final = current if not hops else (
            self.target.version or latest or f"the newest {self.target.channel} release")
        count = f"{len(steps)} restart{'s' if len(steps) > 1 else ''}"
        return f"{current} → " + " → ".join(steps) + f"; ends on {final} after {count}"

    def _hop(self, router: Router, progress: _Progress, hop: str, facts: dict[str, Any]) -> RouterResult | None:
        """One install and restart; None when the router came back on the version the hop aimed at."""
        with self.connect(router) as session:
            if hop.startswith("version:"):
                wanted = hop[8:]
                failure = self._fetch(session, router, progress, wanted, facts)
                if failure is not None:
                    return failure
                command = Command("/system", "reboot")
            else:
                channel = "long-term" if hop == "lt" else hop[8:]
                replies = session.run([Command("/system/package/update", "set", {"channel": channel}),
                                       Command("/system/package/update", "check-for-updates")])
                rows = replies[-1].rows
                wanted = next((str(r["latest-version"]) for r in reversed(rows) if r.get("latest-version")), "")
                installed = next((str(r["installed-version"]) for r in rows if r.get("installed-version")), "")
                if wanted and wanted == installed:
                    return None  # already on the newest release of that channel (the 6.49 hop is often done)
                download = session.run([Command("/system/package/update", "download")])[0]
                status = download.rows[-1].get("status", "") if download.rows else (download.error or "")
                if "not enough disk" in status:
                    return self._fail(progress, "disk-full", status, Stands.UNTOUCHED)
                if not status.startswith("Downloaded"):
                    return self._fail(progress, "download-failed", status or "the download did not finish",
                                      Stands.UNTOUCHED)
                command = Command("/system/package/update", "install")
            progress.result.stands = Stands.UNKNOWN
            with contextlib.suppress(TransportError):  # the expected end of the session: it restarts
                session.run([command])
        progress.timings[f"install {wanted}"] = self.clock() - progress.started
        back = self._wait(router, progress, f"after installing {wanted}")
        if isinstance(back, RouterResult):
            return back
        if wanted and back.get("version") != wanted:
            return self._fail(progress, "came-back-old",
                              f"came back on {back.get('version')}, not {wanted}", Stands.UNKNOWN)
        return None

    def _fetch(self, session: Transport, router: Router, progress: _Progress, version: str,
               facts: dict[str, Any]) -> RouterResult | None:
        arch = str(facts.get("architecture") or "")
        installed = list(facts.get("packages") or {})
        if is_v6(str(facts.get("version") or "7")) or is_v6(version):
            # RouterOS 6 bundles everything in one package; from it, 7 needs routeros and, for wlan, wireless
            model = model_info(router.model)
            wlan = model is not None and any(name.startswith("wlan") for name in model.interfaces)
            names = ["routeros", *(["wireless"] if wlan and _major(version) >= 7 else [])]
        else:
            names = ["routeros", *(n for n in installed if n != "routeros")]
        for name in names:
            url = PACKAGE_URL.format(version=version, name=name, arch=arch)
            reply = session.run([Command("/tool", "fetch", {"url": url, "mode": "https"})])[0]
            if not reply.ok:
                cause = "disk-full" if "space" in (reply.error or "") else "download-failed"
                return self._fail(progress, cause, f"fetching {url.rsplit('/', 1)[1]}: {reply.error}",
                                  Stands.UNTOUCHED)
        return None

    def _firmware_behind(self, router: Router) -> bool:
        with self.connect(router) as session:
            board = read_facts(session)
        return bool(board.get("firmware_current")) and board.get("firmware_current") != board.get("firmware_upgrade")

    def _firmware(self, router: Router, progress: _Progress) -> RouterResult | None:
        with self.connect(router) as session:
            session.run([Command("/system/routerboard", "upgrade")])[0].raise_for_error(router.id)
            progress.result.stands = Stands.UNKNOWN
            with contextlib.suppress(TransportError):
                session.run([Command("/system", "reboot")])
        progress.timings["firmware"] = self.clock() - progress.started
        back = self._wait(router, progress, "after the firmware upgrade")
        if isinstance(back, RouterResult):
            return back
        if back.get("firmware_current") != back.get("firmware_upgrade"):
            return self._fail(progress, "firmware-not-applied",
                              f"current firmware {back.get('firmware_current')}, upgrade firmware "
                              f"{back.get('firmware_upgrade')}", Stands.UNKNOWN)
        return None

    def _wait(self, router: Router, progress: _Progress, when: str) -> dict[str, Any] | RouterResult:
        """Wait for the router to answer again; its facts, or a failed result past the limit.

        The first look comes once the router can have restarted (``first_check``, else its inventory
        ``restart_s``, else ``poll`` seconds); then it is looked for again after half of that (at most
        ``poll / 2``), each wait half as long again as the one before, up to ``poll_max``."""
        first = self.first_wait(router)
        self.sleep(first)
        deadline = self.clock() + self.options.come_back_within
        delay, last = max(min(self.options.poll, first) / 2, 0.1), ""
        while self.clock() < deadline:
            try:
                with self.connect(router) as session:
                    facts = read_facts(session)
                progress.timings[f"back {when}"] = self.clock() - progress.started
                return facts
            except MikronetError as exc:
                last = str(exc)
            self.sleep(min(delay, max(0.0, deadline - self.clock())))
            delay = min(delay * 1.5, self.options.poll_max)
        return self._fail(progress, "did-not-return",
                          f"no answer {when} within {first + self.options.come_back_within:g} s "
                          f"({last})", Stands.UNKNOWN)

    def first_wait(self, router: Router) -> float:
        """Seconds from a restart command to the first look at the router."""
        if self.options.first_check is not None:
            return self.options.first_check
        return router.restart_s if router.restart_s is not None else self.options.poll

    @staticmethod
    def _fail(progress: _Progress, cause: str, error: str, stands: Stands) -> RouterResult:
        result = progress.result
        result.status, result.cause, result.error, result.stands = Status.FAILED, cause, error, stands
        result.details["timings"] = {k: round(v, 1) for k, v in progress.timings.items()}
        return result
