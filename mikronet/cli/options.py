"""The options every command shares, declared once: the selection, output and fleet-run flags.

``limit_option`` / ``json_option`` / ``templates_option`` / ``yes_option`` for any command that
selects routers; ``fleet_options`` adds what a run across the fleet takes (``--forks --timeout
--waves --canary --max-fail --resume --now --no-wait``) and hands the command one
:class:`FleetFlags` value instead of eight arguments.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import click

from mikronet.inventory.select import GRAMMAR
from mikronet.runner.model import RolloutPolicy

__all__ = ["FleetFlags", "fleet_options", "json_option", "limit_option", "templates_option", "yes_option"]

F = TypeVar("F", bound=Callable[..., Any])


def _nonblank_limit(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--limit ''`` is a mistake, never "every router" (that is leaving --limit out)."""
    if value is not None and not value.strip():
        raise click.BadParameter("an empty selection; name routers, or leave --limit out for every router",
                                 ctx=ctx, param=param)
    return value


def limit_option(func: F) -> F:
    from mikronet.cli.completion import complete_limit

    return click.option(
        "-l", "--limit", default=None, metavar="PATTERN", shell_complete=complete_limit, callback=_nonblank_limit,
        help=f"Routers to include. {GRAMMAR}",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "json_local", is_flag=True,
                        help="Machine-readable output: one JSON object per router, then a summary.")(func)


def templates_option(func: F) -> F:
    return click.option("--templates", type=click.Path(path_type=Path, file_okay=False), default=None,
                        help="Template folder (default: templates/ beside the inventory).")(func)


def yes_option(func: F) -> F:
    return click.option("-y", "--yes", is_flag=True, help="Do not ask before changing more than one school.")(func)


@dataclass(frozen=True)
class FleetFlags:
    """The fleet-run flags as given on the command line (None: not given)."""

    forks: int
    timeout: float | None
    waves: str | None
    canary: str | None
    max_fail: str | None
    resume: str | None
    now: bool
    no_wait: bool
    diff: bool

    def rollout(self, base: RolloutPolicy) -> RolloutPolicy:
        """``base`` (the fleet's policy) with the flags given on the command line."""
        given: dict[str, Any] = {
            "forks": self.forks, "timeout": self.timeout,
            "waves": tuple(w.strip() for w in self.waves.split(",")) if self.waves else None,
            "canary": self.canary, "max_fail": self.max_fail, "ignore_windows": self.now or None,
            "wait_for_window": False if self.no_wait else None,
        }
        return replace(base, **{k: v for k, v in given.items() if v is not None})

    def resume_from(self) -> str | bool | None:
        """``--resume``: True for the newest run of the command, a run's name, or None."""
        return (self.resume or True) if self.resume is not None else None


def fleet_options(func: F) -> F:
    """Add the fleet-run flags; the command receives them as one ``flags: FleetFlags`` argument."""

    @functools.wraps(func)
    def wrapper(*args: Any, forks: int, timeout: float | None, waves: str | None, canary: str | None,
                max_fail: str | None, resume: str | None, now: bool, no_wait: bool, show_diff: bool,
                **kwargs: Any) -> Any:
        flags = FleetFlags(forks, timeout, waves, canary, max_fail, resume, now, no_wait, show_diff)
        return func(*args, flags=flags, **kwargs)

    options = [
        click.option("--forks", type=click.IntRange(1, 1000), default=50, show_default=True,
                     help="Routers worked on at once."),
        click.option("--timeout", type=click.FloatRange(min=1), default=None,
                     help="Seconds one router may take before it is given up (reported as timeout)."),
        click.option("--waves", default=None, metavar="SIZES",
                     help="Wave sizes, e.g. 1,5%,25%,rest; a wave starts when the one before finished "
                          "within --max-fail."),
        click.option("--canary", type=click.Choice(["cover"]), default=None,
                     help="cover: the first wave is the smallest set covering every model, architecture, "
                          "RouterOS version and transport of the selection."),
        click.option("--max-fail", default=None, metavar="N|P%",
                     help="Failures tolerated; past it no new router starts and the rest are skipped."),
        click.option("--resume", default=None, metavar="RUN", is_flag=False, flag_value="",
                     help="Skip the routers an earlier run finished (default: the newest run of this command)."),
        click.option("--now", is_flag=True, help="Ignore maintenance windows (the run says so)."),
        click.option("--no-wait", is_flag=True, help="Skip routers outside their window instead of waiting."),
        click.option("--diff", "show_diff", is_flag=True, help="Print each changed router's plan, old → new."),
    ]
    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]
