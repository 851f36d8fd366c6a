"""A command's options checked into solver values: one Settings, one Equation, or UserError.

The bot's own bound on steps is the config's `solver.max_steps` (the config loader keeps it
within the solver's MAX_STEPS); every other check is the Settings' own, made once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypedDict, Unpack

from solver import MAX_STEPS, OPTIMIZERS, EquationError, Settings, SettingsError, check_equation
from solver.equation import CheckedEquation

from .errors import UserError
from .messages import equation_error_text, settings_error_text


class SettingsOptions(TypedDict, total=False):
    """A command's settings options by the Settings' own names; a missing one takes its default."""

    equation: str
    x0: float
    lr: float
    steps: int
    optimizer: str
    precision: str


def checked_settings(lang: str, max_steps: int, **options: Unpack[SettingsOptions]) -> Settings:
    """The Settings of a command, or UserError in the caller's language."""
    try:
        settings = Settings(**options)
    except SettingsError as error:
        if error.code == "steps_out_of_range":  # the config's bound may exceed the solver's
            raise UserError("bot.steps_too_many", max=min(max_steps, MAX_STEPS)) from None
        raise UserError("bot.bad_setting", detail=settings_error_text(error, lang)) from None
    if settings.optimizer not in OPTIMIZERS:  # Newton's method runs in /race, beside them
        refusal = SettingsError("unknown_optimizer", "newton runs only in a race")
        raise UserError("bot.bad_setting", detail=settings_error_text(refusal, lang))
    if not 1 <= settings.steps <= max_steps:
        raise UserError("bot.steps_too_many", max=max_steps)
    return settings


def checked_equation(text: str, lang: str) -> CheckedEquation:
    """The equation checked without symbolic work (cheap enough for the event loop), or
    UserError with the parser's reason; the worker builds its symbolic form (`refused_in_worker`)."""
    try:
        return check_equation(text)
    except EquationError as error:
        raise UserError("bot.bad_equation", detail=equation_error_text(error, lang)) from None


@contextmanager
def refused_in_worker(lang: str) -> Iterator[None]:
    """The few refusals only the symbolic form can see (x/sin(π) has no value), raised in the
    worker that builds it, as the same UserError the event loop's check gives."""
    try:
        yield
    except EquationError as error:
        raise UserError("bot.bad_equation", detail=equation_error_text(error, lang)) from None
