"""How a run ended, its nearest root, and a hint from its numbers."""

from __future__ import annotations

import math

import torch

from ._roots import nearest_root
from ._run import Hint, Iteration, Outcome, Run, Settings
from .equation import Equation

HUGE_LOSS = 1e30
HUGE_X = 1e100


def classify_trouble(eq: Equation, x: float, y: float, loss: float, grad: float) -> Outcome | None:
    """DIVERGED or OUT_OF_DOMAIN when this iteration cannot go on, else None."""
    if not math.isfinite(x) or abs(x) > HUGE_X:
        return Outcome.DIVERGED
    if not math.isfinite(y):
        # Finite in float64 means the run's dtype overflowed; otherwise f has no value here.
        return Outcome.DIVERGED if math.isfinite(eq.value(x)) else Outcome.OUT_OF_DOMAIN
    if not math.isfinite(loss) or loss > HUGE_LOSS:
        return Outcome.DIVERGED
    if not math.isfinite(grad):
        return Outcome.DIVERGED if math.isfinite(eq.slope(x)) else Outcome.OUT_OF_DOMAIN
    return None


def sgd_lr_bound(eq: Equation, root: float | None) -> float | None:
    """2 / L''(x*) = 1 / f'(x*)²: plain SGD settles at x* only for smaller learning rates.

    L = f², so L'' = 2f'² + 2f·f'', which is 2f'² at a root.
    """
    if root is None:
        return None
    slope = eq.slope(root)
    if not math.isfinite(slope) or slope == 0:
        return None
    return 1.0 / (slope * slope)


def _settled(iterations: list[Iteration], final_x: float, eps: float) -> bool:
    last = iterations[-1]
    tol = 4 * eps * max(1.0, abs(last.x))
    if abs(final_x - last.x) > tol:
        return False
    if len(iterations) < 2:
        return True
    prev = iterations[-2]
    return abs(last.x - prev.x) <= tol and abs(last.y - prev.y) <= 4 * eps * max(1.0, abs(prev.y))


def decide_outcome(
    settings: Settings, iterations: list[Iteration], final_x: float, root: float | None
) -> Outcome:
    """CONVERGED, STUCK or STILL_MOVING for a run that took all its steps."""
    eps = float(torch.finfo(getattr(torch, settings.precision)).eps)
    error = math.inf if root is None else abs(final_x - root)
    scale = 1.0 if root is None else max(1.0, abs(root))
    near_root = error <= math.sqrt(eps) * scale
    if near_root and (_settled(iterations, final_x, eps) or error <= 8 * eps * scale):
        return Outcome.CONVERGED
    if iterations[-1].grad == 0 and not near_root:
        return Outcome.STUCK
    return Outcome.STILL_MOVING


def make_hint(
    outcome: Outcome, settings: Settings, bound: float | None, root: float | None
) -> Hint | None:
    """Advice for anything but convergence, with the SGD stability bound when there is one."""
    if outcome is Outcome.CONVERGED:
        return None
    above = None if bound is None else settings.lr > bound
    if outcome is Outcome.DIVERGED:
        key = "lr_too_large" if above else "diverged"
    elif outcome is Outcome.STILL_MOVING:
        key = "no_real_root" if root is None else ("oscillating" if above else "more_steps")
    elif outcome is Outcome.STUCK:
        key = "stuck"
    elif outcome is Outcome.OUT_OF_DOMAIN:
        key = "out_of_domain"
    else:
        key = "timed_out"
    return Hint(key, bound, above)


def finish_run(
    eq: Equation,
    settings: Settings,
    iterations: list[Iteration],
    final_x: float,
    trouble: Outcome | None,
    seconds: float,
) -> Run:
    """Attach the outcome, the nearest root and the hint to a finished loop."""
    # A diverged x is far from everything: the root that matters is the one near the start.
    near = settings.x0 if trouble is Outcome.DIVERGED else final_x
    root = nearest_root(eq, near, fallback=settings.x0)
    if trouble is not None:
        outcome = trouble
    elif not iterations:
        outcome = Outcome.TIMED_OUT
    else:
        outcome = decide_outcome(settings, iterations, final_x, root)
    bound = sgd_lr_bound(eq, root)
    return Run(
        settings,
        iterations,
        final_x,
        outcome,
        root,
        make_hint(outcome, settings, bound, root),
        seconds,
    )
