"""An independent reference for roots: a dense scan in float64 plus plain bisection.

Written for the tests only, sharing nothing with solver._roots: it sees sign changes on a
uniform grid, so it is exact about simple roots inside its window and blind elsewhere.
"""

from __future__ import annotations

import itertools
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
    """f is 0 at r, changes sign between two neighbouring floats within 8 ulps of r (then a
    root lies between them: f is continuous there), or touches 0 (|f| tiny there)."""
    step = math.ulp(r) or 5e-324
    values = [eq.value(r + k * step) for k in range(-8, 9)]
    if any(v == 0 for v in values):
        return True
    if any((a < 0) != (b < 0) for a, b in itertools.pairwise(values) if math.isfinite(a + b)):
        return True
    # a touch: |f| least at r, and no larger than f changes over one ulp there (below that
    # float64 cannot tell a touch of 0 from a near miss)
    here, near = abs(values[8]), (abs(values[7]), abs(values[9]))
    change = max(abs(values[7] - values[8]), abs(values[9] - values[8]))
    return (here <= min(near) and here <= 4 * change) or here <= 1e-12 * max(1.0, *near)
