"""Solver refusals in the caller's language: EquationError and SettingsError by their codes."""

from __future__ import annotations

from solver import EquationError
from solver.words import t

from ..text import escape_markdown


def equation_error_text(error: EquationError, lang: str) -> str:
    """The parser's message in the caller's language, with the user's own text escaped."""
    params = {k: escape_markdown(v) if isinstance(v, str) else v for k, v in error.params.items()}
    return t(lang, f"equation.{error.code}", **params)


# The solver's SettingsError codes for a bad choice share one answer.
_CHOICE_CODES = ("unknown_optimizer", "unknown_precision")


def settings_error_text(code: str, lang: str) -> str:
    """A settings refusal by its SettingsError code."""
    return t(lang, "settings.unknown_choice" if code in _CHOICE_CODES else f"settings.{code}")
