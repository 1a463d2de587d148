"""Backups shared by a team: every commit of a backup store pushed to one git remote.

The inventory names the remote (``backups: {remote: URL-or-path}``). After each batch of commits the
store pushes its branch there. A push the remote rejects because a teammate pushed first is fetched
and rebased onto theirs, then pushed again: each router's backup is a file of its own, so the rebase
never meets a conflict (if it ever did, it is aborted and reported, and nothing is lost). A remote
that cannot be reached is reported, not raised: the commits stay in the local repository, are
counted as pending, and go with the next push. A backup is never refused because the remote is down.

Git runs without a terminal (no password prompt) and with a time limit, so an unreachable host
costs a bounded wait. The remote's URL is shown with any password in it masked.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mikronet.secret import REDACTOR, display_url

__all__ = ["REMOTE_NAME", "PushStatus", "RemoteSync"]

REMOTE_NAME = "mikronet-shared"
"""The name the shared remote is known by in the store's repository."""

_REJECTED = ("[rejected]", "non-fast-forward", "fetch first", "failed to update ref", "stale info",
             "cannot lock ref", "incorrect old value")
_ATTEMPTS = 6

Git = Callable[..., "subprocess.CompletedProcess[str]"]


@dataclass(frozen=True)
class PushStatus:
    """Where the store stands with its shared remote, for a run summary.

    ``pending`` commits are in the local repository but not (as far as the last contact knew) on
    the remote; ``error`` is why the last push failed (``None`` after a push that went through)."""

    remote: str
    pending: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None and self.pending == 0

    def line(self) -> str:
        """One line for a summary: ``backups pushed to …`` or what is pending and why."""
        if self.ok:
            return f"backups pushed to {self.remote}"
        reason = f": {self.error}" if self.error else ""
        return f"{self.pending} backup commit(s) not yet on {self.remote}{reason} (they go with the next push)"


class RemoteSync:
    """Pushes one repository's branch to the shared remote, rebasing over a teammate's pushes.

    ``git`` runs a git command in the repository (with the technician as author and committer) and
    returns the finished process; it is the store's own runner. Call :meth:`push` with the store's
    lock held: the rebase rewrites the working tree."""

    def __init__(self, url: str, git: Git, *, timeout: float = 60.0, state: Path | None = None) -> None:
        self.url = url
        self.shown = display_url(url)
        self._git = git
        self.timeout = timeout
        self._state = state
        self._error: str | None = None

    @property
    def error(self) -> str | None:
        """Why the last push failed (``None`` after one that went through). Kept in ``state`` (a file in
        the repository's ``.git``) when given, so the next run, and ``push_status``, still know it."""
        if self._state is not None and self._state.is_file():
            return self._state.read_text(encoding="utf-8").strip() or None
        return self._error

    @error.setter
    def error(self, value: str | None) -> None:
        self._error = value
        if self._state is None or not self._state.parent.is_dir():
            return
        if value is None:
            with contextlib.suppress(FileNotFoundError):
                self._state.unlink()
        else:
            self._state.write_text(value + "\n", encoding="utf-8")

    # -- the remote -----------------------------------------------------------------------------

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "SSH_ASKPASS": "true"}
        if "GIT_SSH_COMMAND" not in os.environ:
            env["GIT_SSH_COMMAND"] = f"ssh -o BatchMode=yes -o ConnectTimeout={max(1, int(self.timeout / 3))}"
        try:
            return self._git(*args, env=env, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(list(args), 124, "", f"no answer within {self.timeout:g} s")

    def _configure(self) -> None:
        current = self._git("remote", "get-url", REMOTE_NAME)
        if current.returncode != 0:
            self._git("remote", "add", REMOTE_NAME, self.url)
        elif current.stdout.strip() != self.url:
            self._git("remote", "set-url", REMOTE_NAME, self.url)

    def _branch(self) -> str:
        return self._git("symbolic-ref", "--short", "HEAD").stdout.strip() or "master"

    def adopt(self) -> bool:
        """For a repository about to be created: take the remote's history if it has one (so this
        store starts where the team is). False when the remote is empty or cannot be reached."""
        self._configure()
        branch = self._branch()
        fetched = self._run("fetch", "--quiet", REMOTE_NAME, branch)
        if fetched.returncode != 0:
            self.error = self._why(fetched) if "couldn't find remote ref" not in fetched.stderr else None
            return False
        return self._git("reset", "--quiet", "--hard", f"{REMOTE_NAME}/{branch}").returncode == 0

    def push(self) -> PushStatus:
        """Push the branch; on a rejection fetch, rebase onto the remote's branch and push again."""
        self._configure()
        branch = self._branch()
        for _ in range(_ATTEMPTS):
            pushed = self._run("push", "--quiet", "--porcelain", REMOTE_NAME, f"HEAD:refs/heads/{branch}")
            if pushed.returncode == 0:
                self.error = None
                self._run("fetch", "--quiet", REMOTE_NAME, branch)  # the tracking ref: pending becomes 0
                return self.status()
            if not any(word in pushed.stdout + pushed.stderr for word in _REJECTED):
                self.error = self._why(pushed)
                return self.status()
            fetched = self._run("fetch", "--quiet", REMOTE_NAME, branch)
            if fetched.returncode != 0:
                self.error = self._why(fetched)
                return self.status()
            rebased = self._git("rebase", "--quiet", f"{REMOTE_NAME}/{branch}")
            if rebased.returncode != 0:
                self._git("rebase", "--abort")
                self.error = f"the rebase onto {self.shown} failed: {self._why(rebased)}"
                return self.status()
        self.error = f"the remote kept moving: {_ATTEMPTS} pushes in a row were rejected"
        return self.status()

    def status(self) -> PushStatus:
        """What is pending (commits the remote's branch, as last fetched, does not hold) and the last error."""
        branch = self._branch()
        tracking = f"refs/remotes/{REMOTE_NAME}/{branch}"
        known = self._git("rev-parse", "--verify", "--quiet", tracking).returncode == 0
        counted = self._git("rev-list", "--count", f"{tracking}..HEAD" if known else "HEAD")
        pending = int(counted.stdout.strip()) if counted.returncode == 0 and counted.stdout.strip().isdigit() else 0
        return PushStatus(self.shown, pending, self.error)

    def _why(self, done: subprocess.CompletedProcess[str]) -> str:
        lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        fatal = [line for line in lines if line.startswith(("fatal:", "error:", "ssh:"))]
        text = (fatal or lines or [f"git exited with status {done.returncode}"])[0]
        return REDACTOR.redact(text.replace(self.url, self.shown))
