"""How a selection is split into waves, and how many failures a run tolerates."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from mikronet.errors import InputError
from mikronet.hardware import model_info

if TYPE_CHECKING:
    from mikronet.inventory import Router

__all__ = ["cover", "parse_max_fail", "plan_waves"]


def parse_max_fail(text: str | None, total: int) -> int | None:
    """How many failures a run tolerates: ``10%`` of ``total`` (rounded down) or a plain count."""
    if text is None or text == "":
        return None
    text = text.strip()
    try:
        if text.endswith("%"):
            share = float(text[:-1])
            if not 0 <= share <= 100:
                raise ValueError
            return math.floor(total * share / 100)
        count = int(text)
        if count < 0:
            raise ValueError
        return count
    except ValueError:
        raise InputError(f"--max-fail {text!r}: expected a count (3) or a share (10%)") from None


def _key(router: Router, facts: Callable[[Router], tuple[str, ...]] | None) -> tuple[str, ...]:
    if facts is not None:
        return facts(router)
    model = model_info(router.model)
    return (router.model, model.architecture if model else "?", router.routeros or "?", router.transport)


def cover(routers: Sequence[Router], key: Callable[[Router], tuple[str, ...]] | None = None) -> list[Router]:
    """The smallest set of routers covering every (model, architecture, version, transport) of
    ``routers``: one router per distinct combination (each router has exactly one, so taking the
    first of each is minimal), in selection order."""
    seen: set[tuple[str, ...]] = set()
    chosen = []
    for router in routers:
        k = _key(router, key)
        if k not in seen:
            seen.add(k)
            chosen.append(router)
    return chosen


def plan_waves(routers: Sequence[Router], waves: Sequence[str], canary: str | None = None,
               key: Callable[[Router], tuple[str, ...]] | None = None) -> list[list[Router]]:
    """Split the selection into waves. Sizes: a count, a share (``5%``, rounded up, at least one) or
    ``rest``; routers beyond the last size form a last wave. ``canary="cover"`` (or ``cover`` as the
    first size) makes the first wave :func:`cover`; the sizes after it share out the rest."""
    if canary not in (None, "", "cover"):
        raise InputError(f"--canary {canary!r}: the only canary strategy is 'cover'")
    remaining = list(routers)
    out: list[list[Router]] = []
    specs = [str(s).strip() for s in waves]
    if specs and specs[0] == "cover":  # `--waves cover,10%,rest`: the canary named as the first wave
        canary = "cover"
    if canary == "cover" and remaining:
        first = cover(remaining, key)
        out.append(first)
        taken = {r.id for r in first}
        remaining = [r for r in remaining if r.id not in taken]
        specs = specs[1:] if specs else ["rest"]
    total = len(routers)
    for spec in specs:
        if not remaining:
            break
        text = spec.strip()
        if text == "rest":
            size = len(remaining)
        elif text.endswith("%"):
            try:
                share = float(text[:-1])
            except ValueError:
                raise InputError(f"--waves: {text!r} is not a share") from None
            size = max(1, math.ceil(total * share / 100))
        elif text.isdigit() and int(text) > 0:
            size = int(text)
        else:
            raise InputError(f"--waves: {text!r} is not a count, a share (5%) or 'rest'")
        out.append(remaining[:size])
        remaining = remaining[size:]
    if remaining:
        out.append(remaining)
    return [wave for wave in out if wave]
