"""The gateway's checks before a job is queued: the same refusals as the local path, at once.

Settings and the equation are checked (no sympy) and the caller's cooldown is spent; the run
itself, its busy check and its storage are the worker's.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Unpack

from ..tutor.buttons import rerun_options
from ..tutor.caller import Caller
from ..tutor.compare import parse_lrs
from ..tutor.context import TutorContext
from ..tutor.options import SettingsOptions, checked_equation, checked_settings
from ..tutor.race import checked_race


def checked_solve(
    ctx: TutorContext, caller: Caller, **options: Unpack[SettingsOptions]
) -> dict[str, Any]:
    """A /solve's settings as plain data, or UserError; spends the caller's cooldown."""
    settings = checked_settings(caller.lang, ctx.config.solver.max_steps, **options)
    checked_equation(settings.equation, caller.lang)
    ctx.pace(caller)
    return dataclasses.asdict(settings)


def checked_compare(
    ctx: TutorContext, caller: Caller, *, lrs: str, **options: Unpack[SettingsOptions]
) -> tuple[dict[str, Any], tuple[float, ...]]:
    """A /compare's shared settings and rates, or UserError; spends the caller's cooldown."""
    settings = checked_settings(caller.lang, ctx.config.solver.max_steps, **options)
    rates = parse_lrs(lrs)
    for rate in rates:  # each rate must make a run of its own (float32 bounds it)
        row: SettingsOptions = {**options, "lr": rate}
        checked_settings(caller.lang, ctx.config.solver.max_steps, **row)
    checked_equation(settings.equation, caller.lang)
    ctx.pace(caller)
    return dataclasses.asdict(settings), rates


def checked_race_job(
    ctx: TutorContext, caller: Caller, **options: Unpack[SettingsOptions]
) -> dict[str, Any]:
    """A /race's shared settings as plain data, or UserError; spends the caller's cooldown."""
    settings, _ = checked_race(ctx, caller, **options)
    ctx.pace(caller)
    return dataclasses.asdict(settings)


async def checked_rerun(
    ctx: TutorContext, caller: Caller, run_id: int, factor: float
) -> dict[str, Any]:
    """The stored run's problem at lr × factor, as a /solve of the clicker's (see admit_rerun)."""
    return checked_solve(ctx, caller, **await rerun_options(ctx, run_id, factor))
