"""/solve: admit a run (options checked, a slot reserved), then solve, draw and store it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Unpack

from solver import Equation, Progress, Run, Settings, solve

from ..reply import Reply
from ..work_pool import Reservation
from .caller import Caller
from .context import TutorContext
from .layout import solve_reply
from .options import SettingsOptions, checked_equation, checked_settings


@dataclass(frozen=True)
class SolveJob:
    """An admitted /solve: its checked settings and the pool slot reserved for it."""

    caller: Caller
    equation: Equation
    settings: Settings
    reservation: Reservation

    def release(self) -> None:
        """Give the reserved slot back if the job never ran (a no-op once it has)."""
        self.reservation.release()


def admit_solve(ctx: TutorContext, caller: Caller, **options: Unpack[SettingsOptions]) -> SolveJob:
    """Check a /solve and reserve its slot (spending the caller's cooldown), or raise UserError."""
    settings = checked_settings(caller.lang, ctx.config.solver.max_steps, **options)
    parsed = checked_equation(settings.equation, caller.lang)
    return SolveJob(caller, parsed, settings, ctx.reserve(caller))


def _solve_draw_store(
    ctx: TutorContext, job: SolveJob, progress: Progress | None
) -> tuple[int, Run, bytes]:
    run = solve(job.settings, max_seconds=ctx.config.solver.max_seconds, progress=progress)
    png = ctx.renderer.convergence(run, job.caller.lang)
    return ctx.save(job.caller, run), run, png


async def run_solve(ctx: TutorContext, job: SolveJob, progress: Progress | None = None) -> Reply:
    """Solve, draw and store in the reserved slot; the reply goes out only after the run is stored."""
    run_id, run, png = await ctx.compute(job.reservation, _solve_draw_store, ctx, job, progress)
    return solve_reply(run, run_id, job.equation.pretty, png, job.caller.lang)
