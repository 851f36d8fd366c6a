"""The Animate button (and the console's /animate): a stored run's x moving along its loss
curve, as a GIF for the one who asked.

The frames are prepared in a slot of the work pool (torch evaluates the curve) and drawn in
the renderer's processes, like the /solve picture; the run comes from storage, so the button
works on any run still stored, after a restart too.
"""

from __future__ import annotations

import logging

from solver import Run
from solver.plots.animation_picture import AnimationPicture
from solver.plots.animation_prepare import animation_picture
from solver.words import t

from ..render_pool import DrawingBusy
from ..reply import Attachment, Reply
from ..storage import StoredRun
from .caller import Caller
from .context import TutorContext
from .errors import UserError
from .explain import find_run

log = logging.getLogger(__name__)


def _prepared(run: Run, lang: str) -> AnimationPicture | None:
    try:
        return animation_picture(run, lang)
    except ValueError:  # no iterate with a finite x and loss: nothing to move
        return None


async def animate(ctx: TutorContext, caller: Caller, run_id: int | None) -> Reply:
    """The GIF of run `run_id` (or the caller's latest here), sent only to the caller."""
    return await animate_run(ctx, caller, await find_run(ctx, caller, run_id))


async def animate_run(ctx: TutorContext, caller: Caller, stored: StoredRun) -> Reply:
    """The GIF of a run already found (`find_run`), sent only to the caller."""
    # No cooldown: the run was paid for; a full pool still refuses at once (bot.busy).
    picture = await ctx.compute(ctx.reserve_unpaced(), _prepared, stored.run, caller.lang)
    if picture is None:
        raise UserError("animate.nothing", run_id=stored.id)
    try:
        gif = await ctx.renderer.draw(picture)
    except DrawingBusy:
        raise UserError("bot.busy") from None
    except Exception:
        log.warning("an animation could not be drawn", exc_info=True)
        raise UserError("animate.failed", run_id=stored.id) from None
    first, last = picture.frames[0].k, picture.frames[-1].k
    return Reply(
        title=t(caller.lang, "animate.title", run_id=stored.id),
        description=t(
            caller.lang, "animate.description", frames=len(picture.frames), first=first, last=last
        ),
        image=Attachment(f"run-{stored.id}-path.gif", gif),
        ephemeral=True,
        run_id=stored.id,
    )
