"""``mikronet assess [--limit] [--plan]``: what each school needs, recorded in the ledger."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from mikronet.cli.main import get_app
from mikronet.cli.options import json_option, limit_option
from mikronet.secret import REDACTOR

__all__ = ["assess"]


@click.command()
@limit_option
@click.option("--plan", "plan", is_flag=True,
              help="Accept the findings: add the short-term solutions found to each school's plan: in the "
                   "inventory (comments kept; solutions already planned are left alone).")
@click.option("--technician", default=None, help="Who assessed [default: MIKRONET_TECHNICIAN, git user.name, login].")
@json_option
@click.pass_context
def assess(ctx: click.Context, limit: str | None, plan: bool, technician: str | None, json_local: bool) -> None:
    """Assess each selected school: measured bandwidth (the median of its measurements) against its
    contracted speed, what its routers can carry, whether its RouterOS still gets fixes or has a known
    advisory. Each school's findings, with their evidence, go into the ledger as an assessment (never
    counted toward the target); `mikronet report assessment` lists the schools by need."""
    from mikronet.inventory import load_inventory, select
    from mikronet.ledger import categories_of, open_ledger
    from mikronet.ops.assess import assess as run_assess

    app = get_app(ctx)
    inventory = load_inventory(app.inventory_path)
    schools = None
    if limit:
        chosen = {r.school.id for r in select(inventory, limit)}
        schools = [s for s in inventory.schools if s.id in chosen]
    with open_ledger(app.ledger_url, base_dir=app.inventory_path, categories=categories_of(inventory)) as ledger:
        outcome = run_assess(inventory, ledger, schools=schools, technician=technician, plan=plan,
                             today=datetime.now(UTC).date())
    if json_local or app.json_output:
        data: dict[str, Any] = {"schools": [{"school": n.school, **n.record()} for n in outcome.needs],
                                "planned": [list(p) for p in outcome.planned], "files": list(outcome.files)}
        click.echo(REDACTOR.redact(json.dumps(data, ensure_ascii=False, indent=2, default=str)))
        return
    for needs in outcome.needs:
        measured = "–" if needs.measured_down_mbps is None else f"{needs.measured_down_mbps:g}"
        contracted = "–" if needs.contracted_mbps is None else str(needs.contracted_mbps)
        found = ", ".join(f"{f.code} → {f.solution}" for f in needs.findings) or "no need found"
        click.echo(REDACTOR.redact(f"{needs.school}: measured {measured} of {contracted} Mbit/s "
                                   f"({needs.measurements} measurements): {found}"))
    for school, category in outcome.planned:
        click.echo(f"planned {category} at {school}")
    for file in outcome.files:
        click.echo(f"wrote {file}", err=True)
