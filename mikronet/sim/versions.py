"""RouterOS versions and the behaviour that depends on them, as data.

A simulated router behaves like the version it runs: the login methods it accepts, whether an empty
``print`` answers ``!empty``, how it writes dates, whether ``/export`` hides secrets by default. Each
rule is one entry in :class:`Behaviour`, computed from the version by :func:`behaviour_for` and
overridable per router (section 9 of the reference lists what is unconfirmed).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from mikronet.routeros.version import Version, parse_version  # the product's one version type

__all__ = ["Behaviour", "Version", "behaviour_for", "parse_version"]

V = parse_version


@dataclass(frozen=True)
class Behaviour:
    """Version-dependent behaviour of one router. Build with :func:`behaviour_for`, then ``replace``."""

    plain_login: bool
    """``/login =name= =password=`` works (6.43 and later)."""
    challenge_login: bool
    """The MD5 challenge response is accepted (before 6.45.1)."""
    bare_login_challenge: bool
    """A bare ``/login`` answers ``!done =ret=<challenge>`` (6.47.6 did, after the MD5 method went)."""
    empty_replies: bool
    """A command with nothing to return sends ``!empty`` before ``!done`` (7.18 and later)."""
    iso_clock: bool
    """The clock and the export header use ``2024-05-15 22:25:49`` (7.10 and later), else ``may/15/2024``."""
    iso_dates: bool
    """Other dates (file creation, last-link-up) in ISO form (7.11 and later)."""
    iso_build_time: bool
    """``build-time`` in ISO form (seen on 7.16, not yet on 7.13.3)."""
    hide_sensitive_by_default: bool
    """``/export`` hides secrets unless ``show-sensitive`` (v7); v6 shows them unless ``hide-sensitive``."""
    execute_as_string: bool
    """``/execute =as-string=`` is known (v7); v6 answers ``unknown parameter``."""
    file_read: bool
    """``/file/read`` exists (7.13 and later)."""
    import_dry_run: bool
    """``/import dry-run`` exists (7.16 and later)."""
    slash_paths_in_cli: bool
    """The console accepts ``/ip/address/print`` (v7); v6 only ``/ip address print``."""


@cache
def behaviour_for(version: str | Version) -> Behaviour:
    """The behaviour of a stock router running ``version`` (computed once per version)."""
    v = version if isinstance(version, Version) else parse_version(version)
    return Behaviour(
        plain_login=v >= V("6.43"),
        challenge_login=v < V("6.45.1"),
        bare_login_challenge=True,
        empty_replies=v >= V("7.18"),
        iso_clock=v >= V("7.10"),
        iso_dates=v >= V("7.11"),
        iso_build_time=v >= V("7.16"),
        hide_sensitive_by_default=v.major >= 7,
        execute_as_string=v.major >= 7,
        file_read=v >= V("7.13"),
        import_dry_run=v >= V("7.16"),
        slash_paths_in_cli=v.major >= 7,
    )
