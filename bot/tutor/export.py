"""The All iterations button: every iteration of a run as CSV, for the one who clicked."""

from __future__ import annotations

import csv
import io

from solver import Run
from solver.words import t

from ..reply import Attachment, Reply
from .caller import Caller
from .context import TutorContext
from .explain import find_run

STATE_COLUMNS = ("momentum_buffer", "exp_avg", "exp_avg_sq", "step")


def iterations_csv(run: Run) -> bytes:
    """Every iteration at full precision: k,x,y,loss,grad and the optimizer's state columns."""
    columns = [c for c in STATE_COLUMNS if any(c in it.state for it in run.iterations)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["k", "x", "y", "loss", "grad", *columns])
    for it in run.iterations:
        # repr() is the shortest text that reads back to the same float.
        values = [it.x, it.y, it.loss, it.grad] + [it.state.get(c, "") for c in columns]
        writer.writerow([it.k, *(repr(v) if isinstance(v, float) else v for v in values)])
    return out.getvalue().encode()


def csv_reply(run: Run, run_id: int, lang: str) -> Reply:
    """The CSV of a run, sent only to the one who asked."""
    return Reply(
        description=t(lang, "button.csv_ready", run_id=run_id, n=len(run.iterations)),
        files=[Attachment(f"run-{run_id}-iterations.csv", iterations_csv(run))],
        ephemeral=True,
        run_id=run_id,
    )


async def export_csv(ctx: TutorContext, caller: Caller, run_id: int) -> Reply:
    """Every iteration of a stored run as CSV, for the one who clicked."""
    stored = await find_run(ctx, caller, run_id)
    # Off the event loop: a 10,000-step Adam run is about 1.4 MB of CSV.
    return await ctx.light(csv_reply, stored.run, stored.id, caller.lang)
