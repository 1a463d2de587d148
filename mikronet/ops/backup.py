"""Backups kept beside the inventory: ``backups/<school>/<router>.rsc``, one git commit per change.

Each push stores the router's export (sensitive values hidden by the router, and every known secret
masked once more here) before it changes anything, and commits it, so the folder's history is the
history of every router's configuration. git is used when it is installed; without it the files are
still written and the result says so.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

from mikronet.secret import REDACTOR

__all__ = ["BackupStore"]

log = logging.getLogger(__name__)


class BackupStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, router_id: str) -> Path:
        school, _, name = router_id.partition("/")
        return self.root / school / f"{name or 'router'}.rsc"

    def save(self, router_id: str, export: str, message: str) -> Path:
        """Write the export and commit it; return the file's path."""
        path = self.path_for(router_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = REDACTOR.redact(export)
        if not text.endswith("\n"):
            text += "\n"
        path.write_text(text, encoding="utf-8")
        self._commit(path, f"{router_id}: {message}")
        return path

    def read(self, router_id: str) -> str | None:
        path = self.path_for(router_id)
        return path.read_text(encoding="utf-8") if path.exists() else None

    # -- git ----------------------------------------------------------------------------------

    def _git(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ)
        env.setdefault("GIT_AUTHOR_NAME", "mikronet")
        env.setdefault("GIT_AUTHOR_EMAIL", "mikronet@localhost")
        env.setdefault("GIT_COMMITTER_NAME", env["GIT_AUTHOR_NAME"])
        env.setdefault("GIT_COMMITTER_EMAIL", env["GIT_AUTHOR_EMAIL"])
        return subprocess.run(
            ["git", "-C", str(self.root), *args], capture_output=True, text=True, env=env, check=False
        )

    def _commit(self, path: Path, message: str) -> None:
        if shutil.which("git") is None:
            log.warning("git is not installed; %s is written but not committed", path)
            return
        if not (self.root / ".git").exists():
            self._git("init", "--quiet")
        self._git("add", "--", str(path.relative_to(self.root)))
        status = self._git("diff", "--cached", "--quiet")
        if status.returncode == 0:
            return  # nothing new: the router's export did not change since the last backup
        done = self._git("commit", "--quiet", "-m", message)
        if done.returncode != 0:
            log.warning("could not commit %s: %s", path, done.stderr.strip())

    def history(self, router_id: str) -> list[str]:
        """Commit subjects touching the router's backup, newest first."""
        path = self.path_for(router_id)
        if not (self.root / ".git").exists() or not path.exists():
            return []
        out = self._git("log", "--format=%h %ad %s", "--date=iso", "--", str(path.relative_to(self.root)))
        return out.stdout.splitlines()

    def last_change(self, router_id: str) -> str:
        """The unified diff of the router's newest ``after push`` commit: what its last verified push changed."""
        path = self.path_for(router_id)
        if not (self.root / ".git").exists() or not path.exists():
            return ""
        out = self._git("log", "-1", "-p", "--format=", "--grep=: after push$", "--",
                        str(path.relative_to(self.root)))
        return out.stdout
