"""gd-tutor's solver: gradient descent on f(x) = 0 with torch, explained and drawn.

Never imports discord. Everything the bot shows comes from here.
"""

from ._equation import Equation, EquationError, parse_equation
from ._equation_parser import MESSAGES as EQUATION_MESSAGES
from ._explain import Explanation, IterationOutOfRange, Section, explain
from ._loop import MAX_BATCH, Progress, solve, solve_batch
from ._outcome_text import hint_text, outcome_words
from ._plots import render_comparison, render_convergence
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

__all__ = [
    "EQUATION_MESSAGES",
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
    "explain",
    "hint_text",
    "outcome_words",
    "parse_equation",
    "render_comparison",
    "render_convergence",
    "solve",
    "solve_batch",
]
