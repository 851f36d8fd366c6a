"""An independent reference for roots: a dense scan in float64 plus plain bisection.

Written for the tests only, sharing nothing with solver._roots: it sees sign changes on a
uniform grid, so it is exact about simple roots inside its window and blind elsewhere.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import sympy
import torch

from solver import Equation


def f64(eq: Equation, xs: np.ndarray) -> np.ndarray:
    """f at each x in float64 through the equation's torch graph."""
    with torch.no_grad():
        out = eq.torch(torch.from_numpy(xs))
        return torch.broadcast_to(torch.as_tensor(out, dtype=torch.float64), xs.shape).numpy()


def scan_roots(eq: Equation, lo: float, hi: float, points: int = 200_001) -> list[float]:
    """Every sign change of f on a uniform grid over [lo, hi], bisected to adjacent floats,
    kept when |f| shrank while bisecting (a pole's |f| grows); and the middle of each stretch
    where float64 rounds f to 0, kept when f truly vanishes there (not on a tail)."""
    xs = np.linspace(lo, hi, points)
    with np.errstate(all="ignore"):
        ys = f64(eq, xs)
    roots = []
    zero = np.flatnonzero(ys == 0)
    for run in np.split(zero, np.flatnonzero(np.diff(zero) != 1) + 1) if len(zero) else []:
        middle = float(xs[run[len(run) // 2]])
        if is_true_root(eq, middle):
            roots.append(middle)
    finite = np.isfinite(ys[:-1]) & np.isfinite(ys[1:])
    for i in np.nonzero(finite & (ys[:-1] * ys[1:] < 0))[0]:
        a, b, fa = float(xs[i]), float(xs[i + 1]), float(ys[i])
        start = min(abs(fa), abs(float(ys[i + 1])))
        while True:
            m = 0.5 * (a + b)
            if not a < m < b:
                break
            fm = eq.value(m)
            if (fm < 0) == (fa < 0) and fm != 0:
                a, fa = m, fm
            else:
                b = m
        if abs(eq.value(a)) <= start and abs(eq.value(b)) <= max(start, abs(eq.value(a))):
            root = a if abs(eq.value(a)) <= abs(eq.value(b)) else b
            if eq.value(root) != 0 or is_true_root(eq, root):
                roots.append(root)
    return sorted(set(roots))


def _in_50_digits(eq: Equation, xs: list[float]) -> list[Any]:
    """f at each x evaluated by sympy in 50 digits (no float64 rounding or underflow)."""
    expr = eq.sympy
    symbols = list(expr.free_symbols)
    if not symbols:
        return [sympy.N(expr, 50)] * len(xs)
    return [sympy.N(expr.subs(symbols[0], sympy.Float(x, 60)), 50) for x in xs]


def is_true_root(eq: Equation, r: float) -> bool:
    """f is 0 at r, changes sign between two neighbouring floats within 8 ulps of r (then a
    root lies between them: f is continuous there), or touches 0 (|f| tiny there). Where
    float64 rounds f to 0, the values are taken in 50 digits, so a tail that only tends to 0
    (3 − 3·tanh(x) past 19.06) is no root."""
    step = math.ulp(r) or 5e-324
    points = [r + k * step for k in range(-8, 9)]
    values: list[Any] = [eq.value(x) for x in points]
    exact = any(v == 0 for v in values)
    if exact:
        values = _in_50_digits(eq, points)
    if any(v == 0 for v in values):
        return True
    if any((a < 0) != (b < 0) for a, b in itertools.pairwise(values) if math.isfinite(a + b)):
        return True
    # a touch: |f| least at r, and no larger than f changes over one ulp there (below that
    # float64 cannot tell a touch of 0 from a near miss)
    here, near = abs(values[8]), (abs(values[7]), abs(values[9]))
    change = max(abs(values[7] - values[8]), abs(values[9] - values[8]))
    if here <= min(near) and here <= 4 * change:
        return True
    # in float64, |f| tiny beside larger neighbours is rounding around a root; in 50 digits
    # there is no such rounding to allow for
    return not exact and here <= 1e-12 * max(1.0, *near)
