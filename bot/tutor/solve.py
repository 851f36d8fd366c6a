"""/solve: admit a run (options checked, a slot reserved or a computation joined), then answer
with the numbers as soon as they are solved and stored, and with the picture once drawn.

Identical requests share one computation (shared_runs.py); each user still stores a run of
their own, with their own id and buttons.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field
from typing import Unpack

from solver import Progress, Run, Settings, solve
from solver.equation import CheckedEquation
from solver.plots.pictures import Picture
from solver.plots.prepare import convergence_picture

from .. import metrics
from ..reply import Reply
from ..work_pool import Reservation
from .caller import Caller
from .context import TutorContext
from .layout import solve_reply
from .options import SettingsOptions, checked_equation, checked_settings, refused_in_worker
from .shared_runs import SharedRun, run_key
from .staged import Publish, Staged, prepared_or_none, run_in_stages, staged


@dataclass
class SolveJob:
    """An admitted /solve: its checked settings and the computation it started or joined."""

    caller: Caller
    equation: CheckedEquation
    settings: Settings
    shared: SharedRun
    ctx: TutorContext = field(repr=False)
    _left: bool = field(default=False, repr=False)

    @property
    def progress(self) -> Progress:
        """Where the solve is, written by the worker computing it (for every member)."""
        return self.shared.progress

    def release(self) -> None:
        """Stop counting on the computation; its slot goes back if nobody started it."""
        if not self._left:
            self._left = True
            self.ctx.shared.leave(self.shared)


def admit_solve(ctx: TutorContext, caller: Caller, **options: Unpack[SettingsOptions]) -> SolveJob:
    """Check a /solve and reserve its slot, or join the same computation in flight or cached
    (either spends the caller's cooldown); UserError when refused."""
    settings = checked_settings(caller.lang, ctx.config.solver.max_steps, **options)
    parsed = checked_equation(settings.equation, caller.lang)
    key = run_key(settings, parsed, caller.lang)
    shared = ctx.shared.find(key)
    if shared is not None:
        ctx.pace(caller)
    else:
        shared = SharedRun(key, settings, ctx.reserve(caller))
    return SolveJob(caller, parsed, settings, ctx.shared.join(shared), ctx)


def _solve_then_prepare(
    ctx: TutorContext, shared: SharedRun, publish: Publish[Run]
) -> Picture | None:
    with refused_in_worker(shared.key.lang):
        run = solve(
            shared.settings, max_seconds=ctx.config.solver.max_seconds, progress=shared.progress
        )
    metrics.runs.labels(outcome=run.outcome.name.lower()).inc()
    publish(run)
    return prepared_or_none(lambda: convergence_picture(run, shared.key.lang))


async def _compute(ctx: TutorContext, shared: SharedRun, reservation: Reservation) -> None:
    def work(publish: Publish[Run]) -> Picture | None:
        return _solve_then_prepare(ctx, shared, publish)

    await run_in_stages(ctx, reservation, work, shared.run, shared.picture)


async def solve_numbers(ctx: TutorContext, job: SolveJob) -> Staged:
    """The /solve answer with its numbers, once solved and stored; its picture follows."""
    try:
        job.shared.start(lambda shared, slot: _compute(ctx, shared, slot), ctx.reserve_unpaced)
        run = await asyncio.shield(job.shared.run)
    finally:
        job.release()
    # The caller's own copy: their settings (the equation as they typed it); the iterations
    # are shared read-only.
    mine = dataclasses.replace(run, settings=job.settings)
    run_id = await ctx.save_off_loop(job.caller, mine)
    reply = solve_reply(mine, run_id, job.equation.pretty, None, job.caller.lang)
    return staged(reply, job.shared.picture, f"run-{run_id}.png", job.caller.lang)


async def run_solve(ctx: TutorContext, job: SolveJob) -> Reply:
    """Both stages: the answer with its picture (or the note that it could not be drawn)."""
    return await (await solve_numbers(ctx, job)).final()
