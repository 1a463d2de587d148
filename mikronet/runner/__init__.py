"""The fleet runner: one per-router operation over many routers, in waves, with a stop threshold.

A :class:`Runner` takes routers and an operation (a function of one router returning a
:class:`~mikronet.runner.results.RouterResult`) and runs it ``forks`` routers at a time, in threads: the
work is network-bound, each router mostly waits for its answers. What it promises:

* **results are values**: one failing router is data; every router ends with a result, the ones never
  started included (``skipped``, with the reason);
* **waves**: ``1,5%,25%,rest`` — the first wave is the canary; a wave starts only once the one before
  it has finished within the threshold. ``canary="cover"`` makes the first wave the smallest set that
  covers every (model, architecture, RouterOS version, transport) of the selection;
* **stop threshold**: once more routers failed than ``max_fail`` allows, no new router starts, the ones
  in flight finish, and the rest are skipped with that reason;
* **retries** only for failures before anything was changed (no TCP session, no answer before the
  login), with backoff; never after an apply started;
* **per-router timeout**: a router still running past it is reported ``timeout`` and its place is
  given to the next one (its thread ends on its own: transports have timeouts too);
* **interruption**: after :meth:`Interrupt.request` no new router starts; operations see it through
  :attr:`Context.stop` and end safely (a push in its apply phase restores its backup at once);
* **maintenance windows**: a router starts only inside its window; the run waits for it to open, or
  skips the router when told not to wait;
* **observers** receive :class:`Event` s as things happen: the progress display, the run record and
  the ledger are observers, and none of them can stop the run.
"""

from mikronet.runner.core import Runner
from mikronet.runner.model import Context, Event, Interrupt, Observer, Operation, RolloutPolicy, RunResult
from mikronet.runner.waves import cover, parse_max_fail, plan_waves

__all__ = [
    "Context",
    "Event",
    "Interrupt",
    "Observer",
    "Operation",
    "RolloutPolicy",
    "RunResult",
    "Runner",
    "cover",
    "parse_max_fail",
    "plan_waves",
]
