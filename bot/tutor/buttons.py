"""What the buttons under a /solve answer do: step through the run, or re-run it at lr ×½ / ×2
(or as it was, from an expired run's answer).

(All iterations, the CSV, is in export.py; Animate in animate.py; the rows of buttons are laid
out in button_rows.py.)
"""

from __future__ import annotations

from ..reply import Reply
from .button_rows import step_buttons
from .caller import Caller
from .context import TutorContext
from .explain import explanation, find_settings
from .layout import explain_reply
from .options import SettingsOptions
from .solve import SolveJob, admit_solve


async def step(ctx: TutorContext, caller: Caller, run_id: int, k: int) -> Reply:
    """Step k of a run with ⏮ ◀ ▶ ⏭, for the one who clicked (ephemeral)."""
    explained, found_id = await explanation(ctx, caller, k, run_id)
    reply = explain_reply(explained, found_id, caller.lang)
    reply.buttons = step_buttons(found_id, k, explained.last_k)
    reply.ephemeral = True
    return reply


async def rerun_options(ctx: TutorContext, run_id: int, factor: float) -> SettingsOptions:
    """The stored run's problem at lr × factor, as /solve options, also when its iterations were
    pruned. A run stored under a larger step limit is re-run at the config's current one."""
    s = await find_settings(ctx, run_id)
    return SettingsOptions(
        x0=s.x0,
        lr=s.lr * factor,
        steps=min(s.steps, ctx.config.solver.max_steps),
        equation=s.equation,
        optimizer=s.optimizer,
        precision=s.precision,
    )


async def admit_rerun(ctx: TutorContext, caller: Caller, run_id: int, factor: float) -> SolveJob:
    """The same problem at lr × factor, admitted as a run of the clicker's (their cooldown applies)."""
    return admit_solve(ctx, caller, **await rerun_options(ctx, run_id, factor))
