"""Newton's method on f(x) = 0, in torch at the run's precision: x ← x − f(x) / f'(x).

f' comes from autograd, as dL/dx does for the optimizers. Geometrically each step follows the
tangent y = f(x_k) + f'(x_k)(x − x_k) down to where it crosses 0. Near a simple root the error
squares each step (quadratic convergence); where f'(x_k) = 0 the tangent is flat and never
crosses 0, so the run stops there.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ._loop import looks_fine
from ._outcome import classify_trouble
from ._run import Iteration, Outcome, Run, Settings
from ._start import Progress, start

SLOPE = "slope"  # the state key of f'(x_k), the number that turned x_k into x_{k+1}


def newton_step(x: float, y: float, slope: float, precision: str) -> float:
    """x − y / slope in the run's dtype, rounded exactly as the loop's in-place step is."""
    dtype = getattr(torch, precision)
    x_t, y_t, s_t = (torch.tensor([v], dtype=dtype) for v in (x, y, slope))
    return x_t.sub(y_t / s_t).item()


def solve_newton(
    settings: Settings, *, max_seconds: float | None = None, progress: Progress | None = None
) -> Run:
    """Newton's method from settings.x0 for settings.steps steps (lr is not used).

    Each iteration records x, y, the loss (y − 0)² and dL/dx before the step, like the
    optimizers' runs, with f'(x_k) in its state. A flat tangent (f'(x_k) = 0 where f ≠ 0)
    stops the run as stuck; x running away stops it as diverged.
    """
    begun = start(settings, [settings.x0], max_seconds, progress)
    eq, x, target, progress = begun.eq, begun.x, begun.target, begun.progress
    loss_fn = nn.MSELoss()
    iterations: list[Iteration] = []
    trouble: Outcome | None = None
    for k in range(settings.steps):
        if begun.out_of_time():
            trouble = Outcome.TIMED_OUT
            break
        x.grad = None
        y = eq.torch(x)
        (slope_t,) = torch.autograd.grad(y.sum(), x, retain_graph=True, allow_unused=True)
        loss = loss_fn(y, target)
        loss.backward()
        xv, yv, lv = x.item(), y.item(), loss.item()
        gv = x.grad.item() if x.grad is not None else 0.0
        sv = slope_t.item() if slope_t is not None else 0.0
        progress.k, progress.x, progress.loss = k, xv, lv
        state = {SLOPE: sv}
        if not (looks_fine(xv, yv, lv, gv) and math.isfinite(sv)):
            trouble = classify_trouble(eq, xv, yv, lv, gv)
            if trouble is None and not math.isfinite(sv):  # f finite, f' not: sqrt at 0
                trouble = Outcome.OUT_OF_DOMAIN
            if trouble is not None:
                iterations.append(Iteration(k, xv, yv, lv, gv, state))
                break
        iterations.append(Iteration(k, xv, yv, lv, gv, state))
        if sv == 0:
            # A flat tangent never crosses 0: no step. At a root (f = 0 too) x is done.
            trouble = Outcome.STUCK if yv != 0 else None
            break
        with torch.no_grad():
            x.sub_(y.detach() / slope_t)
    return begun.finish(settings, iterations, trouble)
