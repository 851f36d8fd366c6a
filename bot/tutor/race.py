"""/race: SGD, momentum and Adam at the user's lr and Newton's method on one problem.

Numbers first, as /solve: a line per method (steps to within 1e-6 of the root, or why not,
and the final x) once the four runs are solved and each stored as a run of its own, so that
/explain works on every one; the picture follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Unpack

from solver import (
    Lane,
    Race,
    Settings,
    SettingsError,
    given_number,
    race,
    race_settings,
    seed_number,
)
from solver.equation import CheckedEquation
from solver.plots.pictures import Picture
from solver.plots.race_prepare import race_picture
from solver.words import t

from ..reply import Field, Reply
from ..text import clip, user_text
from ..work_pool import Reservation
from .caller import Caller
from .context import TutorContext
from .errors import UserError
from .messages import settings_error_text
from .options import SettingsOptions, checked_equation, checked_settings, refused_in_worker
from .staged import Publish, Staged, futures, prepared_or_none, run_in_stages, staged

RACE_COLOR = 0x5865F2


@dataclass(frozen=True)
class RaceJob:
    """An admitted /race: the shared settings and the pool slot reserved for its four runs."""

    caller: Caller
    equation: CheckedEquation
    settings: Settings
    reservation: Reservation

    def release(self) -> None:
        """Give the reserved slot back if the job never ran (a no-op once it has)."""
        self.reservation.release()


def admit_race(ctx: TutorContext, caller: Caller, **options: Unpack[SettingsOptions]) -> RaceJob:
    """Check a /race and reserve its slot (spending the caller's cooldown), or raise UserError.

    `options` are /solve's without the optimizer: every method runs with them.
    """
    settings, parsed = checked_race(ctx, caller, **options)
    return RaceJob(caller, parsed, settings, ctx.reserve(caller))


def checked_race(
    ctx: TutorContext, caller: Caller, **options: Unpack[SettingsOptions]
) -> tuple[Settings, CheckedEquation]:
    """A /race's shared settings and equation, checked for every method; UserError if refused."""
    settings = checked_settings(caller.lang, ctx.config.solver.max_steps, **options)
    try:
        race_settings(settings)  # each method must accept them (float32 bounds Adam's lr)
    except SettingsError as error:
        detail = settings_error_text(error, caller.lang)
        raise UserError("bot.bad_setting", detail=detail) from None
    return settings, checked_equation(settings.equation, caller.lang)


def lane_line(lane: Lane, run_id: int, lang: str) -> str:
    """One method's line: steps to within 1e-6 (or why not), its final x and its run id."""
    params = {
        "method": t(lang, f"race.method.{lane.method}"),
        "x": seed_number(lane.run.final_x),
        "run_id": run_id,
    }
    if lane.reached is None:
        return t(lang, "race.missed", why=t(lang, f"race.why.{lane.why}"), **params)
    if lane.reached <= 1:
        return t(lang, ("race.reached_zero", "race.reached_one")[lane.reached], **params)
    return t(lang, "race.reached", steps=lane.reached, **params)


def race_reply(result: Race, ids: list[int], pretty_equation: str, lang: str) -> Reply:
    """The /race answer: the shared settings, a line per method, the run ids in the footer."""
    s = result.lanes[0].run.settings
    settings = t(
        lang,
        "race.settings",
        x0=given_number(s.x0),
        lr=given_number(s.lr),
        steps=s.steps,
        precision=s.precision,
    )
    lines = [lane_line(lane, run_id, lang) for lane, run_id in zip(result.lanes, ids, strict=True)]
    index = [lane.method for lane in result.lanes].index("newton")
    newton, steps = ids[index], len(result.lanes[index].run.iterations)
    k = 1 if steps > 1 else 0  # a Newton run stopped by f'(x_0) = 0 has iteration 0 alone
    return Reply(
        title=clip(t(lang, "race.title", equation=user_text(pretty_equation)), 256),
        description=settings,
        fields=[Field(t(lang, "race.lines"), "\n".join(lines))],
        footer=t(lang, "race.footer", newton=newton, k=k),
        color=RACE_COLOR,
        run_id=newton,
    )


def _solve_store_prepare(
    ctx: TutorContext, job: RaceJob, publish: Publish[tuple[list[int], Race]]
) -> Picture | None:
    with refused_in_worker(job.caller.lang):
        result = race(job.settings, max_seconds=ctx.config.solver.max_seconds)
    ids = [ctx.save(job.caller, lane.run, part) for part, lane in enumerate(result.lanes)]
    publish((ids, result))
    return prepared_or_none(lambda: race_picture(result, job.caller.lang))


async def race_numbers(ctx: TutorContext, job: RaceJob) -> Staged:
    """The /race answer with its lines, once raced and stored; its picture follows."""
    solved, picture = futures()

    def work(publish: Publish[tuple[list[int], Race]]) -> Picture | None:
        return _solve_store_prepare(ctx, job, publish)

    ctx.background(run_in_stages(ctx, job.reservation, work, solved, picture))
    try:
        ids, result = await solved
    finally:
        job.release()
    reply = race_reply(result, ids, job.equation.pretty, job.caller.lang)
    return staged(reply, picture, f"race-{ids[0]}.png", job.caller.lang)


async def run_race(ctx: TutorContext, job: RaceJob) -> Reply:
    """Both stages: the four runs, stored, with their picture."""
    return await (await race_numbers(ctx, job)).final()
