"""/explain and the run history: find a stored run, explain one of its iterations, autocomplete."""

from __future__ import annotations

from solver import Explanation, IterationOutOfRange, Settings, explain

from ..reply import Reply
from ..storage import RunSummary, StoredRun
from .caller import Caller
from .context import TutorContext
from .errors import UserError
from .expired import RunExpired
from .layout import explain_reply

MAX_RUN_ID = 2**63 - 1  # SQLite's largest INTEGER


async def find_run(ctx: TutorContext, caller: Caller, run_id: int | None) -> StoredRun:
    """The run asked for, or the caller's latest in this channel; UserError if none."""
    if run_id is None:
        stored = await ctx.light(ctx.store.latest, caller.user_id, caller.channel_id)
        if stored is not None:
            return stored
        # Pruning goes oldest first: a newest run without iterations means they all expired.
        run_id = await ctx.light(ctx.store.latest_id, caller.user_id, caller.channel_id)
        if run_id is None:
            raise UserError("bot.no_runs")
    check_run_id(run_id)
    stored = await ctx.light(ctx.store.get, run_id)
    if stored is None:
        raise await missing_run(ctx, run_id)
    return stored


async def find_settings(ctx: TutorContext, run_id: int) -> Settings:
    """What run `run_id` was asked to do, kept even when its iterations were pruned."""
    check_run_id(run_id)
    settings = await ctx.light(ctx.store.settings, run_id)
    if settings is None:
        raise await missing_run(ctx, run_id)
    return settings


def check_run_id(run_id: int) -> None:
    """UserError for an id no row can have (SQLite could not even look it up)."""
    if not 1 <= run_id <= MAX_RUN_ID:
        raise UserError("bot.unknown_run", run_id=run_id)


async def missing_run(ctx: TutorContext, run_id: int) -> UserError:
    """The refusal for a run the store does not hold: expired (with its settings when they were
    kept) or never made. Ids only grow, so a missing id below the newest was a pruned run."""
    if await ctx.light(ctx.store.expired, run_id):
        return RunExpired(run_id, await ctx.light(ctx.store.settings, run_id))
    return UserError("bot.unknown_run", run_id=run_id)


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
