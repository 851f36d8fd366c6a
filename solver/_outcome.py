"""How a run ended: the checks that stop the loop, and the record of a finished loop."""

from __future__ import annotations

import math

from ._diagnosis import diagnose
from ._run import HUGE_LOSS, HUGE_X, Iteration, Outcome, Run, Settings
from .equation import Equation

__all__ = ["HUGE_LOSS", "HUGE_X", "classify_trouble", "finish_run"]


def _pole(eq: Equation, x: float) -> bool:
    """f is infinite at x but finite just beside it (1/x at 0, log at 0): a pole, not overflow."""
    h = 1e-9 * max(1.0, abs(x))
    return any(math.isfinite(eq.value(x + d)) for d in (-h, h))


def classify_trouble(eq: Equation, x: float, y: float, loss: float, grad: float) -> Outcome | None:
    """DIVERGED or OUT_OF_DOMAIN when this iteration cannot go on, else None."""
    if not math.isfinite(x) or abs(x) > HUGE_X:
        return Outcome.DIVERGED
    if not math.isfinite(y):
        # Finite in float64 means the run's precision overflowed; infinite in float64 is an
        # overflow too (exp(20000)) unless f is finite right beside x (a pole); nan has no value.
        value = eq.value(x)
        if math.isnan(value) or (math.isinf(value) and _pole(eq, x)):
            return Outcome.OUT_OF_DOMAIN
        return Outcome.DIVERGED
    if not math.isfinite(loss) or loss > HUGE_LOSS:
        return Outcome.DIVERGED
    if not math.isfinite(grad):
        return Outcome.DIVERGED if math.isfinite(eq.slope(x)) else Outcome.OUT_OF_DOMAIN
    return None


def finish_run(
    eq: Equation,
    settings: Settings,
    iterations: list[Iteration],
    final_x: float,
    trouble: Outcome | None,
    seconds: float,
) -> Run:
    """Attach the outcome, the nearest root and the hint to a finished loop."""
    outcome, root, hint = diagnose(eq, settings, iterations, final_x, trouble)
    return Run(
        settings,
        iterations,
        final_x,
        outcome,
        None if root is None else root.x,
        hint,
        seconds,
    )
