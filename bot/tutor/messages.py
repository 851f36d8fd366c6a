"""Solver refusals in the caller's language: EquationError and SettingsError by their codes."""

from __future__ import annotations

from solver import EquationError, SettingsError
from solver.words import t

from ..text import user_text


def equation_error_text(error: EquationError, lang: str) -> str:
    """The parser's message in the caller's language, with the user's own text marked."""
    params = {k: user_text(v) if isinstance(v, str) else v for k, v in error.params.items()}
    return t(lang, f"equation.{error.code}", **params)


# The solver's SettingsError codes for a bad choice share one answer.
_CHOICE_CODES = ("unknown_optimizer", "unknown_precision")


def settings_error_text(error: SettingsError, lang: str) -> str:
    """A settings refusal by its SettingsError code, filled with its parameters."""
    code = "unknown_choice" if error.code in _CHOICE_CODES else error.code
    return t(lang, f"settings.{code}", **error.params)
