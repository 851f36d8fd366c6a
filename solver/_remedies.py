"""What can and cannot help a run that the floats stop: a root beyond the float range, a
step the float cannot represent, f that the precision computes as 0.

Each remedy a hint offers is first tried here on the numbers, so that a hint never advises
a start nearer the root or float64 when that would end the same way.
"""

from __future__ import annotations

import math

import mpmath  # type: ignore[import-untyped]
import numpy as np
import torch

from ._roots import Root
from ._run import FLOAT32_MAX, HUGE_X, MOMENTUM, Hint, Settings
from .equation import Equation
from .equation.rounding import spacing

FLOAT64_MAX = float(np.finfo(np.float64).max)
_NEARER = 60  # starts tried between x and the root: x* + (x − x*)·2^-k, k = 1..60


def root_beyond_float64(eq: Equation) -> str | None:
    """A real root of the polynomial f past ±1.8e308, as text (1e+320), or None.

    Float coefficients are exact binary fractions, so 40-digit arithmetic finds the root
    that float64 cannot hold (1e-320x − 1 has its root at 1/1e-320 ≈ 1e320)."""
    if not eq.is_polynomial:
        return None
    coeffs = [mpmath.mpf(c) for c in eq.polynomial_coeffs()]
    while coeffs and coeffs[0] == 0:
        coeffs.pop(0)
    if len(coeffs) < 2:
        return None
    with mpmath.workdps(40):
        try:
            found = mpmath.polyroots(coeffs, maxsteps=200, extraprec=400)
        except mpmath.libmp.NoConvergence:
            return None
        beyond = [
            mpmath.re(z)
            for z in (found if isinstance(found, list) else [found])
            if abs(mpmath.im(z)) <= 1e-20 * abs(z) and abs(mpmath.re(z)) > FLOAT64_MAX
        ]
        if not beyond:
            return None
        text = str(mpmath.nstr(min(beyond, key=abs), 4, min_fixed=0, max_fixed=0))
    mantissa, exponent = text.split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa}e{int(exponent):+03d}"  # as readable_number writes it: 1.818e+308


def beyond_float32(root: float | None, precision: str) -> bool:
    """The root lies past ±3.4e38, where no float32 x can be."""
    return precision == "float32" and root is not None and abs(root) > FLOAT32_MAX


def float64_step(eq: Equation, lr: float, x: float) -> tuple[float, float]:
    """An SGD step lr·|dL/dx| at x in float64, and half the spacing of float64 there."""
    with np.errstate(all="ignore"):
        grad = 2.0 * np.float64(eq.value(x)) * np.float64(eq.slope(x))
        step = float(np.float64(lr) * abs(grad))
    return step, spacing(x, "float64") / 2


def float64_moves(eq: Equation, settings: Settings, x: float) -> bool:
    """From x, a float64 run would take a step that changes x."""
    step, gap = float64_step(eq, settings.lr, x)
    return settings.precision == "float32" and math.isfinite(step) and step >= gap


def nearer_moves(eq: Equation, settings: Settings, x: float, root: float) -> bool:
    """Some start between x and the root gets a step that changes x in the run's precision."""
    dtype = getattr(torch, settings.precision)
    starts = root + (x - root) * 2.0 ** -np.arange(1, _NEARER + 1, dtype=np.float64)
    xs = torch.tensor(starts, dtype=dtype, requires_grad=True)
    with torch.enable_grad():
        y = eq.torch(xs)
        (grad,) = torch.autograd.grad(torch.broadcast_to(y * y, xs.shape).sum(), xs)
    with torch.no_grad():
        moved = (xs - settings.lr * grad) != xs
        return bool(torch.any(moved & torch.isfinite(grad) & (xs != root)))


def range_hint(eq: Equation, settings: Settings, root: Root | None) -> Hint | None:
    """The hint for a root that no x of the run can reach, or None: past float32's range
    (float64 reaches it), past the cutoff |x| = 1e100 of every run, or past float64's range."""
    if root is not None and abs(root.x) > HUGE_X:
        return Hint("hint.range.cutoff")
    if beyond_float32(None if root is None else root.x, settings.precision):
        return Hint("hint.range.float32")
    far = None if root is not None else root_beyond_float64(eq)
    return None if far is None else Hint("hint.range.float64", beyond=far)


def advice(eq: Equation, settings: Settings, x: float, root: float) -> Hint:
    """What moves x that the floats stopped: a start nearer the root, float64, or nothing
    (then with float64's step and half its spacing at x, which say why)."""
    nearer, wider = nearer_moves(eq, settings, x, root), float64_moves(eq, settings, x)
    if nearer or wider:
        key = "nearer_or_float64" if nearer and wider else ("nearer" if nearer else "float64")
        return Hint("advice", advice=key)
    step, gap = float64_step(eq, settings.lr, x)
    return Hint("advice", step=step, spacing=gap, advice=f"nothing_{settings.precision}")


def freeze_point(eq: Equation, settings: Settings, x: float, root: float) -> float | None:
    """The first point on the way from x to the root where an SGD or momentum step
    lr·|dL/dx| (momentum's: 1 / (1 − β) times that) falls below half the spacing of the
    run's floats, so that x + step rounds back to x; None if x gets within an ulp or so,
    or if f' changes sign on the way (a valley or hump of the loss stops x, not the floats)."""
    amplify = 1 / (1 - MOMENTUM) if settings.optimizer == "momentum" else 1.0
    ts = np.concatenate([np.linspace(0, 1, 1001)[1:-1], 1 - 2.0 ** -np.arange(10, 60)])
    falling = eq.slope(x) < 0
    for t in ts:
        p = x + (root - x) * float(t)
        value, slope = eq.value(p), eq.slope(p)
        if slope != 0 and (slope < 0) != falling:
            return None
        step = settings.lr * amplify * abs(2 * value * slope)
        if math.isfinite(step) and step < spacing(p, settings.precision) / 2:
            return p
    return None


def stall_distance(eq: Equation, settings: Settings, root: Root) -> float:
    """How far from a simple root SGD or momentum stops moving in the run's precision.

    Near x* a step is lr·L''(x*)·|x − x*| (momentum's settles at 1 / (1 − β) times that);
    x + step rounds back to x once the step is below half the spacing of floats at x*.
    """
    curvature = 2 * eq.slope(root.x) ** 2
    rate = settings.lr * curvature / (1 - MOMENTUM if settings.optimizer == "momentum" else 1)
    if not rate > 0:
        return math.inf
    return spacing(root.x, settings.precision) / 2 / rate
