"""/compare: 2 to 8 learning rates on one problem, as one batched run drawn side by side.

Numbers first, as /solve: the lines go out once the runs are solved and stored, the picture
follows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Unpack

from solver import Run, Settings, solve_batch
from solver.equation import CheckedEquation
from solver.plots.pictures import Picture
from solver.plots.prepare import comparison_picture

from ..reply import Reply
from ..text import user_text
from ..work_pool import Reservation
from .caller import Caller
from .context import TutorContext
from .errors import UserError
from .layout import compare_reply
from .options import SettingsOptions, checked_equation, checked_settings, refused_in_worker
from .staged import Publish, Staged, futures, prepared_or_none, run_in_stages, staged

MAX_COMPARE = 8


@dataclass(frozen=True)
class CompareJob:
    """An admitted /compare: the shared settings, the rates and the pool slot reserved for it."""

    caller: Caller
    equation: CheckedEquation
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


def _solve_store_prepare(
    ctx: TutorContext, job: CompareJob, publish: Publish[tuple[int, list[Run]]]
) -> Picture | None:
    with refused_in_worker(job.caller.lang):
        runs = solve_batch(job.settings, job.lrs, max_seconds=ctx.config.solver.max_seconds)
    ids = [ctx.save(job.caller, run, part) for part, run in enumerate(runs)]
    publish((ids[0], runs))
    return prepared_or_none(lambda: comparison_picture(runs, job.caller.lang))


async def compare_numbers(ctx: TutorContext, job: CompareJob) -> Staged:
    """The /compare answer with its lines, once solved and stored; its picture follows."""
    solved, picture = futures()

    def work(publish: Publish[tuple[int, list[Run]]]) -> Picture | None:
        return _solve_store_prepare(ctx, job, publish)

    ctx.background(run_in_stages(ctx, job.reservation, work, solved, picture))
    try:
        first_id, runs = await solved
    finally:
        job.release()
    reply = compare_reply(runs, first_id, job.equation.pretty, None, job.caller.lang)
    return staged(reply, picture, f"compare-{first_id}.png", job.caller.lang)


async def run_compare(ctx: TutorContext, job: CompareJob) -> Reply:
    """Both stages: one batched run of every learning rate, stored, with its picture."""
    return await (await compare_numbers(ctx, job)).final()
