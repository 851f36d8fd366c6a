"""gd-tutor's solver: gradient descent on f(x) = 0 with torch, explained and drawn.

Never imports discord. Everything the bot shows comes from here. The names load on first
use (PEP 562), so that what needs only a part (a drawing process: no torch, no sympy) loads
only that part; `from solver import solve` works as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._explain import Explanation, IterationOutOfRange, Section, explain
    from ._loop import MAX_BATCH, solve, solve_batch
    from ._numbers import (
        article_number,
        given_number,
        readable_number,
        seed_number,
        typed_number,
    )
    from ._outcome_text import hint_text, outcome_label, outcome_words
    from ._race import (
        RACE_METHODS,
        TOLERANCE,
        Lane,
        Race,
        race,
        race_settings,
        steps_to_reach,
    )
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
    from ._start import Progress
    from .equation import Equation, EquationError, check_equation, parse_equation
    from .plots import render_comparison, render_convergence

_HOMES = {
    "._explain": ("Explanation", "IterationOutOfRange", "Section", "explain"),
    "._loop": ("MAX_BATCH", "solve", "solve_batch"),
    "._start": ("Progress",),
    "._numbers": (
        "article_number",
        "given_number",
        "readable_number",
        "seed_number",
        "typed_number",
    ),
    "._outcome_text": ("hint_text", "outcome_label", "outcome_words"),
    "._race": (
        "RACE_METHODS",
        "TOLERANCE",
        "Lane",
        "Race",
        "race",
        "race_settings",
        "steps_to_reach",
    ),
    "._run": (
        "MAX_STEPS",
        "METHODS",
        "OPTIMIZERS",
        "PRECISIONS",
        "Hint",
        "Iteration",
        "Outcome",
        "Run",
        "Settings",
        "SettingsError",
    ),
    ".equation": ("Equation", "EquationError", "check_equation", "parse_equation"),
    ".plots": ("render_comparison", "render_convergence"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "MAX_BATCH",
    "MAX_STEPS",
    "METHODS",
    "OPTIMIZERS",
    "PRECISIONS",
    "RACE_METHODS",
    "TOLERANCE",
    "Equation",
    "EquationError",
    "Explanation",
    "Hint",
    "Iteration",
    "IterationOutOfRange",
    "Lane",
    "Outcome",
    "Progress",
    "Race",
    "Run",
    "Section",
    "Settings",
    "SettingsError",
    "article_number",
    "check_equation",
    "explain",
    "given_number",
    "hint_text",
    "outcome_label",
    "outcome_words",
    "parse_equation",
    "race",
    "race_settings",
    "readable_number",
    "render_comparison",
    "render_convergence",
    "seed_number",
    "solve",
    "solve_batch",
    "steps_to_reach",
    "typed_number",
]


def __getattr__(name: str) -> Any:
    home = _HOME_OF.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
