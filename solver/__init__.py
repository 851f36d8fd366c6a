"""gd-tutor's solver: gradient descent on f(x) = 0 with torch, explained and drawn.

Never imports discord. Everything the bot shows comes from here.
"""

from ._explain import Explanation, IterationOutOfRange, Section, explain
from ._loop import MAX_BATCH, Progress, solve, solve_batch
from ._numbers import article_number, typed_number
from ._outcome_text import hint_text, outcome_label, outcome_words
from ._run import (
    MAX_STEPS,
    OPTIMIZERS,
    PRECISIONS,
    Hint,
    Iteration,
    Outcome,
    Run,
    Settings,
    SettingsError,
)
from .equation import Equation, EquationError, check_equation, parse_equation
from .plots import render_comparison, render_convergence

__all__ = [
    "MAX_BATCH",
    "MAX_STEPS",
    "OPTIMIZERS",
    "PRECISIONS",
    "Equation",
    "EquationError",
    "Explanation",
    "Hint",
    "Iteration",
    "IterationOutOfRange",
    "Outcome",
    "Progress",
    "Run",
    "Section",
    "Settings",
    "SettingsError",
    "article_number",
    "check_equation",
    "explain",
    "hint_text",
    "outcome_label",
    "outcome_words",
    "parse_equation",
    "render_comparison",
    "render_convergence",
    "solve",
    "solve_batch",
    "typed_number",
]
