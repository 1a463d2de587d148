"""Who did it: the technician recorded on every ledger event (and the author of backup commits).

In order: the name given explicitly (``--technician``), the ``MIKRONET_TECHNICIAN`` environment
variable, git's ``user.name`` (as git reads it from the folder given, so a repository's own setting
counts), the operating-system user. The first that is set and not blank wins.
"""

from __future__ import annotations

import getpass
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

__all__ = ["ENV_VAR", "resolve_technician", "technician_source"]

ENV_VAR = "MIKRONET_TECHNICIAN"


def _git_user_name(cwd: Path | None) -> str | None:
    try:
        done = subprocess.run(
            ["git", "config", "--get", "user.name"],
            cwd=cwd if cwd is not None and cwd.is_dir() else None,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (a bare container)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def technician_source(
    explicit: str | None = None, *, environ: Mapping[str, str] | None = None, cwd: Path | None = None
) -> tuple[str, str]:
    """The technician's name and where it came from (``--technician``, ``MIKRONET_TECHNICIAN``,
    ``git user.name``, ``os user``)."""
    env = os.environ if environ is None else environ
    for name, source in ((explicit, "--technician"), (env.get(ENV_VAR), ENV_VAR)):
        if name and name.strip():
            return name.strip(), source
    git_name = _git_user_name(cwd)
    if git_name:
        return git_name, "git user.name"
    return _os_user(), "os user"


def resolve_technician(
    explicit: str | None = None, *, environ: Mapping[str, str] | None = None, cwd: Path | None = None
) -> str:
    """The technician's name: ``explicit``, else ``MIKRONET_TECHNICIAN``, else git's ``user.name``,
    else the operating-system user."""
    return technician_source(explicit, environ=environ, cwd=cwd)[0]
