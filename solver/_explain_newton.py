"""Iteration k of a Newton run explained: f(x_k), f'(x_k) from autograd, the tangent line at
x_k and where it crosses 0, which is x_{k+1}."""

from __future__ import annotations

import math
from collections.abc import Callable

from ._newton import SLOPE, newton_step
from ._numbers import article_number as fmt
from ._run import Outcome, Run
from .equation import Equation

Say = Callable[..., str]


def newton_lines(
    run: Run, k: int, eq: Equation, say: Say
) -> tuple[list[tuple[str, tuple[str, ...]]], float | None]:
    """The slope, tangent and step sections of Newton's iteration k as (heading, lines), and
    the x_{k+1} the tangent gives (None when no step was taken there)."""
    it = run.iterations[k]
    slope = float(it.state.get(SLOPE, math.nan))
    symbolic = eq.slope(it.x)
    tol = 1e-4 if run.settings.precision == "float32" else 1e-10
    agrees = math.isclose(symbolic, slope, rel_tol=tol)  # no abs_tol: slopes may be 1e-201
    x, y, s = fmt(it.x), fmt(it.y), fmt(slope)
    sections = [
        (
            say("explain.newton.h_slope"),
            (
                say("explain.dy_dx", formula=eq.derivative_text, x=x, d=fmt(symbolic)),
                say("explain.newton.agrees" if agrees else "explain.newton.disagrees", s=s),
            ),
        ),
        (
            say("explain.newton.h_tangent", k=k),
            (say("explain.newton.tangent", k=k, x=x, y=y, s=s),),
        ),
    ]
    last = k == len(run.iterations) - 1
    if last and run.outcome in (Outcome.DIVERGED, Outcome.OUT_OF_DOMAIN):
        stopped = say(f"explain.stopped_{run.outcome.name.lower()}")
        return [*sections, (say("explain.h_stopped"), (stopped,))], None
    if slope == 0:
        flat = say("explain.newton.flat", k=k, y=y)
        return [*sections, (say("explain.h_stopped"), (flat,))], None
    new = newton_step(it.x, it.y, slope, run.settings.precision)
    cross = say("explain.newton.crosses", k=k, k1=k + 1, x=x, y=y, s=s, new=fmt(new))
    taken = say("explain.newton.next", k1=k + 1, x=fmt(run.next_x(k)))
    return [*sections, (say("explain.newton.h_step"), (cross, taken))], new
