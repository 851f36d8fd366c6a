"""An independent reference for roots: a dense scan in float64 plus plain bisection.

Written for the tests only, sharing nothing with solver._roots: it sees sign changes on a
uniform grid, so it is exact about simple roots inside its window and blind elsewhere.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from solver import Equation


def f64(eq: Equation, xs: np.ndarray) -> np.ndarray:
    """f at each x in float64 through the equation's torch graph."""
    with torch.no_grad():
        out = eq.torch(torch.from_numpy(xs))
        return torch.broadcast_to(torch.as_tensor(out, dtype=torch.float64), xs.shape).numpy()


def scan_roots(eq: Equation, lo: float, hi: float, points: int = 200_001) -> list[float]:
    """Every sign change of f on a uniform grid over [lo, hi], bisected to adjacent floats,
    kept when |f| shrank while bisecting (a pole's |f| grows)."""
    xs = np.linspace(lo, hi, points)
    with np.errstate(all="ignore"):
        ys = f64(eq, xs)
    roots = []
    for i in np.nonzero(np.isfinite(ys[:-1]) & np.isfinite(ys[1:]) & (ys[:-1] * ys[1:] <= 0))[0]:
        a, b, fa = float(xs[i]), float(xs[i + 1]), float(ys[i])
        start = min(abs(fa), abs(float(ys[i + 1])))
        if fa == 0:
            roots.append(a)
            continue
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
            roots.append(a if abs(eq.value(a)) <= abs(eq.value(b)) else b)
    return sorted(set(roots))


def is_true_root(eq: Equation, r: float) -> bool:
    """f changes sign within a few ulps of r, or is exactly 0 there, or touches 0 (|f| tiny
    and no larger than a few ulps of slope allow)."""
    step = 8 * math.ulp(r) + 1e-300
    left, mid, right = eq.value(r - step), eq.value(r), eq.value(r + step)
    if mid == 0 or (left < 0) != (right < 0):
        return True
    return abs(mid) <= 1e-12 * max(1.0, abs(left), abs(right))
