"""/explain and the run history: find a stored run, explain one of its iterations, autocomplete."""

from __future__ import annotations

from solver import Explanation, IterationOutOfRange, explain

from ..reply import Reply
from ..storage import RunSummary, StoredRun
from .caller import Caller
from .context import TutorContext
from .errors import UserError
from .layout import explain_reply

MAX_RUN_ID = 2**63 - 1  # SQLite's largest INTEGER


async def find_run(ctx: TutorContext, caller: Caller, run_id: int | None) -> StoredRun:
    """The run asked for, or the caller's latest in this channel; UserError if none."""
    if run_id is None:
        stored = await ctx.light(ctx.store.latest, caller.user_id, caller.channel_id)
        if stored is None:
            raise UserError("bot.no_runs")
        return stored
    if not 1 <= run_id <= MAX_RUN_ID:  # no row can have it; SQLite could not even look
        raise UserError("bot.unknown_run", run_id=run_id)
    stored = await ctx.light(ctx.store.get, run_id)
    if stored is None:
        # Ids only grow: a missing id below the newest was a run, pruned past the budget.
        if await ctx.light(ctx.store.expired, run_id):
            raise UserError("storage.run_expired", run_id=run_id)
        raise UserError("bot.unknown_run", run_id=run_id)
    return stored


async def explanation(
    ctx: TutorContext, caller: Caller, iteration: int, run_id: int | None
) -> tuple[Explanation, int]:
    """Iteration `iteration` of a stored run explained in the caller's language, and the run's id."""
    stored = await find_run(ctx, caller, run_id)
    try:
        explained = await ctx.light(explain, stored.run, iteration, caller.lang)
    except IterationOutOfRange as error:
        if error.last < 0:
            raise UserError("bot.no_iterations", run_id=stored.id) from None
        raise UserError("bot.iteration_range", k=iteration, last=error.last) from None
    return explained, stored.id


async def explain_iteration(
    ctx: TutorContext, caller: Caller, iteration: int, run_id: int | None = None
) -> Reply:
    """The /explain answer for one iteration of a stored run."""
    explained, found_id = await explanation(ctx, caller, iteration, run_id)
    return explain_reply(explained, found_id, caller.lang)


async def recent_runs(ctx: TutorContext, caller: Caller) -> list[RunSummary]:
    """The caller's newest runs, for autocomplete."""
    return await ctx.light(ctx.store.recent, caller.user_id, 25)
