"""Buttons of a run: the /solve reply's row, step-by-step navigation, and the CSV export."""

from __future__ import annotations

import csv
import io

from solver import Run

from ..i18n import t
from ..reply import Attachment, Button, Reply
from .custom_ids import ButtonId

STATE_COLUMNS = ("momentum_buffer", "exp_avg", "exp_avg_sq", "step")


def solve_buttons(run_id: int, lang: str) -> list[list[Button]]:
    """Explain step, All iterations, lr ×½ and lr ×2 under a /solve reply."""
    return [
        [
            Button(t(lang, "btn_explain"), ButtonId("explain", run_id).encode(), style="primary"),
            Button(t(lang, "btn_csv"), ButtonId("csv", run_id).encode()),
            Button(t(lang, "btn_half"), ButtonId("half", run_id).encode()),
            Button(t(lang, "btn_double"), ButtonId("double", run_id).encode()),
        ]
    ]


def step_buttons(run_id: int, k: int, last: int) -> list[list[Button]]:
    """⏮ ◀ ▶ ⏭ for step k; the first two are disabled at 0, the last two at the last step."""

    def nav(label: str, target: int, slot: str, disabled: bool) -> Button:
        return Button(label, ButtonId("step", run_id, target, slot).encode(), disabled)

    return [
        [
            nav("⏮", 0, "first", k == 0),
            nav("◀", max(k - 1, 0), "prev", k == 0),
            nav("▶", min(k + 1, last), "next", k == last),
            nav("⏭", last, "last", k == last),
        ]
    ]


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
        description=t(lang, "csv_ready", run_id=run_id, n=len(run.iterations)),
        files=[Attachment(f"run-{run_id}-iterations.csv", iterations_csv(run))],
        ephemeral=True,
        run_id=run_id,
    )
