"""Backups kept beside the inventory: ``backups/<school>/<router>.rsc``, one git commit per change.

Each push stores the router's export (sensitive values hidden by the router, and every known secret
masked once more here) before it changes anything, and commits it, so the folder's history is the
history of every router's configuration. What this module promises:

* an export is stored only when it is whole: an empty text, or one without RouterOS's export header,
  is refused (:class:`BackupError`) and never committed over a good one;
* each commit holds exactly one router's file, with that router's id in its message, even when many
  processes and threads back up into one folder at once (a file lock serialises writers);
* a commit that fails is a failed backup (:class:`BackupError`), never a log line;
* files are written ``0600`` in ``0700`` folders; the commit author is the technician.

Threads that save at the same time share the work: one of them writes every waiting router's commit
in one ``git fast-import`` stream (still one commit per router), so a fleet run pays a few git
processes per batch instead of three per router. ``save`` returns only once its commit is made.

git is required: without it there is no history, and a backup without history is refused.

With a ``remote`` (the inventory's ``backups: {remote: …}``), every batch of commits is pushed to
that shared git remote (:mod:`mikronet.ops.backup_remote`): a teammate's pushes are fetched and
rebased over, an unreachable remote is reported by :meth:`BackupStore.push_status` and retried with
the next save, never lost. A new store whose remote already holds backups starts from them.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mikronet.errors import RouterError
from mikronet.files import write_atomic
from mikronet.ops.backup_remote import PushStatus, RemoteSync
from mikronet.secret import REDACTOR

__all__ = ["BackupError", "BackupStore", "Commit", "PushStatus", "check_export"]

log = logging.getLogger(__name__)

_HEADER = re.compile(r"^# .*by RouterOS \S+", re.MULTILINE)
_LOCK_NAME = ".mikronet.lock"


class BackupError(RouterError):
    """The router's export could not be stored whole (empty, truncated, or the commit failed)."""


_DATE_LINE = re.compile(r"^# .*\d\d:\d\d:\d\d (by RouterOS .*)$", re.MULTILINE)


def _without_date(text: str) -> str:
    """An export without the time it was taken (the RouterOS version it names stays: an export of the
    same configuration on a new version is a new backup)."""
    return _DATE_LINE.sub(r"\1", text, count=1)


def check_export(text: str, router_id: str) -> None:
    """Refuse an export that is not whole enough to restore from: empty, or without its header."""
    if not text.strip():
        raise BackupError("the export is empty; refusing to store it", router=router_id)
    if _HEADER.search(text[:4096]) is None:
        raise BackupError("the export has no RouterOS header line; refusing to store it", router=router_id)


@dataclass
class _Request:
    router_id: str
    path: Path
    text: str
    message: str
    author: str | None = None
    done: bool = False
    error: BackupError | None = None


@dataclass(frozen=True)
class Commit:
    """One commit touching a router's backup."""

    revision: str
    time: str          # ISO 8601 with offset
    author: str
    subject: str


class BackupStore:
    """One inventory's backup folder, a git repository."""

    def __init__(self, root: Path, *, author: str | None = None, remote: str | None = None,
                 push_timeout: float = 60.0) -> None:
        self.root = root
        self.author = re.sub(r"[<>\n\r]+", " ", author or "").strip() or "mikronet"
        self.remote = (RemoteSync(remote, self._git, timeout=push_timeout, state=root / ".git" / "mikronet-push-error")
                       if remote else None)
        self._thread_lock = threading.Lock()
        self._cond = threading.Condition()
        self._pending: list[_Request] = []
        self._busy = False
        self._head: str | None = None  # the branch commits go to, once known to exist
        self._subjects: dict[str, str] | None = None  # file -> subject of its newest commit, once read

    def path_for(self, router_id: str) -> Path:
        school, _, name = router_id.partition("/")
        return self.root / school / f"{name or 'router'}.rsc"

    # -- writing ------------------------------------------------------------------------------

    def save(self, router_id: str, export: str, message: str) -> Path:
        """Write the export and commit exactly that file; return its path.

        Raises :class:`BackupError` when the export is not whole or the commit fails. An export equal
        to the one already committed writes nothing new.
        """
        check_export(export, router_id)
        text = REDACTOR.redact(export)
        if not text.endswith("\n"):
            text += "\n"
        return self._submit(_Request(router_id, self.path_for(router_id), text, message))

    def save_text(self, name: str, text: str, message: str, *, author: str | None = None) -> Path:
        """Commit ``text`` as the file ``name`` (relative, beside the schools' folders) in a commit of
        its own, as :meth:`save` does for an export (``name``'s first part begins the subject); the
        ledger's witness of its head is kept this way. The same text again commits nothing."""
        relative = Path(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise BackupError(f"{name!r} is not a file name inside the backups folder")
        who = re.sub(r"[<>\n\r]+", " ", author or "").strip() or None
        return self._submit(_Request(relative.parts[0], self.root / relative, text, message, author=who))

    def read_text(self, name: str) -> str | None:
        """The file ``name`` as the newest commit holds it (``None`` when none does)."""
        if not (self.root / ".git").exists():
            return None
        shown = self._git("show", f"HEAD:{name}")
        return shown.stdout if shown.returncode == 0 else None

    def _submit(self, request: _Request) -> Path:
        with self._cond:
            self._pending.append(request)
            while not request.done and self._busy:
                self._cond.wait()
            if not request.done:
                self._busy = True
                batch, self._pending = self._pending, []
        if not request.done:
            try:
                self._commit_batch(batch)
            finally:
                with self._cond:
                    for item in batch:
                        item.done = True
                    self._busy = False
                    self._cond.notify_all()
        if request.error is not None:
            raise request.error
        return request.path

    def _commit_batch(self, batch: list[_Request]) -> None:
        """Write each request's file and commit each in its own commit, all in one git stream."""
        try:
            with self._locked():
                changed = []
                for request in batch:
                    old = request.path.read_text(encoding="utf-8") if request.path.exists() else None
                    if old is not None and _without_date(old) == _without_date(request.text):
                        continue  # the same configuration, exported at another moment: nothing to commit
                    self._write(request.path, request.text)
                    changed.append(request)
                if changed:
                    self._fast_import(changed)
                    if self.remote is not None:
                        self._push_locked()
        except BackupError as exc:
            for request in batch:
                request.error = BackupError(exc.message, router=request.router_id)
        except OSError as exc:
            for request in batch:
                request.error = BackupError(f"cannot write the backup: {exc}", router=request.router_id)

    def _fast_import(self, requests: list[_Request]) -> None:
        head = self._head
        exists = head is not None
        if head is None:
            head = self._git("symbolic-ref", "HEAD").stdout.strip() or "refs/heads/master"
            exists = self._git("rev-parse", "--verify", "--quiet", head).returncode == 0
        email = self._email()
        now = int(time.time())
        stream = bytearray()
        for index, request in enumerate(requests):
            message = f"{request.router_id}: {request.message}\n".encode()
            data = request.text.encode("utf-8")
            relative = str(request.path.relative_to(self.root))
            stream += f"commit {head}\n".encode()
            who = request.author or self.author
            for role in ("author", "committer"):
                stream += f"{role} {who} <{self._email(who) if request.author else email}> {now} +0000\n".encode()
            stream += f"data {len(message)}\n".encode() + message
            if index == 0 and exists:
                stream += f"from {head}^0\n".encode()
            stream += f"M 100644 inline {relative}\ndata {len(data)}\n".encode() + data + b"\n"
        stream += b"done\n"
        done = subprocess.run(["git", "-C", str(self.root), "fast-import", "--quiet", "--done"], input=bytes(stream),
                              capture_output=True, check=False)
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise BackupError(f"git fast-import failed: {detail[-1] if detail else done.returncode}")
        self._head = head
        self._git_checked("reset", "--quiet")  # the index follows the commits; the files are already written
        if self._subjects is not None:
            for request in requests:
                self._subjects[str(request.path.relative_to(self.root))] = f"{request.router_id}: {request.message}"

    # -- the shared remote ---------------------------------------------------------------------

    def push(self) -> PushStatus | None:
        """Push what is pending to the shared remote now (``None`` when the store has no remote).
        Each save pushes by itself; this is for a retry, or a summary at the end of a run."""
        if self.remote is None:
            return None
        with self._locked():
            return self._push_locked()

    def push_status(self) -> PushStatus | None:
        """How many commits are not yet on the shared remote and why the last push failed, if it did
        (``None`` when the store has no remote). Reads the repository; contacts nothing."""
        if self.remote is None:
            return None
        if not (self.root / ".git").exists():
            return PushStatus(self.remote.shown, 0, self.remote.error)
        with self._thread_lock:
            return self.remote.status()

    def _push_locked(self) -> PushStatus:
        assert self.remote is not None
        before = self._git("rev-parse", "HEAD").stdout.strip()
        status = self.remote.push()
        if self._git("rev-parse", "HEAD").stdout.strip() != before:  # rebased over a teammate's commits
            self._subjects = None
        if status.error is not None:
            log.warning("backups: %s", status.line())
        return status

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the folder's lock: one writer at a time across threads and processes."""
        if shutil.which("git") is None:
            raise BackupError("git is not installed: backups need it for their history")
        self._mkdir(self.root)
        with self._thread_lock, open(self.root / _LOCK_NAME, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                if not (self.root / ".git").exists():
                    self._init()
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _mkdir(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)

    def _write(self, path: Path, text: str) -> None:
        self._mkdir(path.parent)
        write_atomic(path, text, mode=0o600)

    def _init(self) -> None:
        self._git_checked("init", "--quiet")
        if self.remote is not None and self.remote.adopt():
            return  # the team's backups, .gitignore and all
        (self.root / ".gitignore").write_text(f"{_LOCK_NAME}\n.*.rsc.*\n", encoding="utf-8")
        self._git_checked("add", ".gitignore")
        self._git_checked("commit", "--quiet", "-m", "backups: ignore the lock file")

    # -- git ----------------------------------------------------------------------------------

    def _email(self, name: str | None = None) -> str:
        local = re.sub(r"[^a-z0-9.]+", ".", (name or self.author).lower()).strip(".") or "mikronet"
        return f"{local}@mikronet.invalid"

    def _git(self, *args: str, env: Mapping[str, str] | None = None,
             timeout: float | None = None) -> subprocess.CompletedProcess[str]:
        full = {**os.environ, **(env or {})}
        full["GIT_AUTHOR_NAME"] = full["GIT_COMMITTER_NAME"] = self.author
        full["GIT_AUTHOR_EMAIL"] = full["GIT_COMMITTER_EMAIL"] = self._email()
        return subprocess.run(
            ["git", "-C", str(self.root), "-c", "core.quotepath=off", "-c", "commit.gpgsign=false", *args],
            capture_output=True, text=True, env=full, check=False, timeout=timeout,
        )

    def _git_checked(self, *args: str, router_id: str | None = None) -> subprocess.CompletedProcess[str]:
        done = self._git(*args)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise BackupError(f"git {args[0]} failed: {detail[-1] if detail else done.returncode}", router=router_id)
        return done

    # -- reading ------------------------------------------------------------------------------

    def read(self, router_id: str, revision: str | None = None) -> str | None:
        """The stored export (at ``revision`` if given), or None."""
        path = self.path_for(router_id)
        if revision is None:
            return path.read_text(encoding="utf-8") if path.exists() else None
        shown = self._git("show", f"{revision}:{path.relative_to(self.root)}")
        return shown.stdout if shown.returncode == 0 else None

    def commits(self, router_id: str) -> list[Commit]:
        """Commits touching the router's backup, newest first."""
        path = self.path_for(router_id)
        if not (self.root / ".git").exists() or not path.exists():
            return []
        out = self._git("log", "--format=%H%x1f%aI%x1f%an%x1f%s", "--", str(path.relative_to(self.root)))
        return [Commit(*line.split("\x1f", 3)) for line in out.stdout.splitlines() if line.count("\x1f") == 3]

    def last_subject(self, router_id: str) -> str:
        """The subject of the newest commit of the router's backup ("" when there is none). The whole
        history is read once per store (one git process for a fleet run), then kept up to date by saves."""
        path = self.path_for(router_id)
        if not path.exists() or not (self.root / ".git").exists():
            return ""
        with self._thread_lock:
            if self._subjects is None:
                self._subjects = {}
                out = self._git("log", "--name-only", "--format=%x1e%s").stdout
                for block in out.split("\x1e")[1:]:
                    subject, *files = [line for line in block.splitlines() if line.strip()] or [""]
                    for name in files:
                        self._subjects.setdefault(name, subject)  # newest first: the first one seen wins
            return self._subjects.get(str(path.relative_to(self.root)), "")

    def newest(self, routers: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Each router's newest backup commit and its time (ISO 8601 UTC), read in one git call; routers
        without a backup are left out."""
        if not (self.root / ".git").exists():
            return {}
        wanted = {str(self.path_for(r).relative_to(self.root)): r for r in routers}
        found: dict[str, tuple[str, str]] = {}
        out = self._git("log", "--name-only", "--format=%x1e%H %ct").stdout
        for block in out.split("\x1e")[1:]:
            head, *files = [line for line in block.splitlines() if line.strip()] or [""]
            revision, _, stamp = head.partition(" ")
            for name in files:
                router_id = wanted.get(name)
                if router_id is not None and router_id not in found:  # newest first: the first one seen wins
                    when = datetime.fromtimestamp(int(stamp), UTC).isoformat(timespec="seconds")
                    found[router_id] = (revision, when)
        return found

    def history(self, router_id: str) -> list[str]:
        """Commit subjects touching the router's backup, newest first (``abbrev date subject``)."""
        return [f"{c.revision[:7]} {c.time} {c.subject}" for c in self.commits(router_id)]

    def diff(self, router_id: str, revision: str) -> str:
        """The unified diff the commit ``revision`` made to the router's backup."""
        path = self.path_for(router_id)
        out = self._git("show", "--format=", revision, "--", str(path.relative_to(self.root)))
        return out.stdout

    def last_change(self, router_id: str) -> str:
        """The unified diff of the router's newest ``after push`` commit: what its last verified push changed."""
        path = self.path_for(router_id)
        if not (self.root / ".git").exists() or not path.exists():
            return ""
        out = self._git("log", "-1", "-p", "--format=", "--grep=: after push$", "--",
                        str(path.relative_to(self.root)))
        return out.stdout
