"""/compare: 2 to 8 learning rates on one problem, as one batched run drawn side by side."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Unpack

from solver import Equation, Run, Settings, solve_batch

from ..reply import Reply
from ..text import user_text
from ..work_pool import Reservation
from .caller import Caller
from .context import TutorContext
from .errors import UserError
from .layout import compare_reply
from .options import SettingsOptions, checked_equation, checked_settings

MAX_COMPARE = 8


@dataclass(frozen=True)
class CompareJob:
    """An admitted /compare: the shared settings, the rates and the pool slot reserved for it."""

    caller: Caller
    equation: Equation
    settings: Settings
    lrs: tuple[float, ...]
    reservation: Reservation

    def release(self) -> None:
        """Give the reserved slot back if the job never ran (a no-op once it has)."""
        self.reservation.release()


def parse_lrs(text: str) -> tuple[float, ...]:
    """2 to 8 positive learning rates separated by spaces or commas; UserError otherwise."""
    words = text.replace(",", " ").split()
    if not 2 <= len(words) <= MAX_COMPARE:
        raise UserError("bot.lrs_count")
    lrs = []
    for word in words:
        shown = user_text(repr(word[:40]))
        try:
            value = float(word[:40])
        except ValueError:
            raise UserError("bot.lrs_bad", value=shown) from None
        if not (math.isfinite(value) and value > 0):
            raise UserError("bot.lrs_bad", value=shown)
        lrs.append(value)
    return tuple(lrs)


def admit_compare(
    ctx: TutorContext, caller: Caller, *, lrs: str, **options: Unpack[SettingsOptions]
) -> CompareJob:
    """Check a /compare and reserve its slot (spending the caller's cooldown), or raise UserError.

    `options` are the settings every rate shares (x0, steps, equation); `lrs` the rates.
    """
    settings = checked_settings(caller.lang, ctx.config.solver.max_steps, **options)
    rates = parse_lrs(lrs)
    for rate in rates:  # each rate must make a run of its own (float32 bounds it)
        row: SettingsOptions = {**options, "lr": rate}
        checked_settings(caller.lang, ctx.config.solver.max_steps, **row)
    parsed = checked_equation(settings.equation, caller.lang)
    return CompareJob(caller, parsed, settings, rates, ctx.reserve(caller))


def _solve_draw_store(ctx: TutorContext, job: CompareJob) -> tuple[int, list[Run], bytes]:
    runs = solve_batch(job.settings, job.lrs, max_seconds=ctx.config.solver.max_seconds)
    png = ctx.renderer.comparison(runs, job.caller.lang)
    ids = [ctx.save(job.caller, run) for run in runs]
    return ids[0], runs, png


async def run_compare(ctx: TutorContext, job: CompareJob) -> Reply:
    """One batched run of every learning rate, drawn and stored in the reserved slot."""
    first_id, runs, png = await ctx.compute(job.reservation, _solve_draw_store, ctx, job)
    return compare_reply(runs, first_id, job.equation.pretty, png, job.caller.lang)
