"""The nearest real root of f, found independently of the run, in float64 and bounded time."""

from __future__ import annotations

import math

import numpy as np

from ._equation import Equation

_NEWTON_STEPS = 60
_SCAN_POINTS = 2001
_BISECTIONS = 80


def _residual_ok(eq: Equation, r: float) -> bool:
    value = eq.value(r)
    scale = 1.0 + abs(r) + abs(eq.slope(r)) * (1.0 + abs(r))
    return math.isfinite(value) and abs(value) <= 1e-9 * scale


def _newton(eq: Equation, x: float) -> float | None:
    for _ in range(_NEWTON_STEPS):
        value, slope = eq.value(x), eq.slope(x)
        if not (math.isfinite(value) and math.isfinite(slope)) or slope == 0:
            return None
        step = value / slope
        x -= step
        if not math.isfinite(x):
            return None
        if abs(step) <= 1e-15 * max(1.0, abs(x)):
            break
    return x if _residual_ok(eq, x) else None


def _bisect(eq: Equation, lo: float, hi: float, f_lo: float) -> float | None:
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        f_mid = eq.value(mid)
        if not math.isfinite(f_mid):
            return None
        if (f_mid < 0) == (f_lo < 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    root = 0.5 * (lo + hi)
    # A sign change across a pole (1/x at 0) is no root: the residual test rejects it.
    return root if _residual_ok(eq, root) else None


def _scan(eq: Equation, near: float) -> list[float]:
    span = 10.0 * max(1.0, abs(near))
    grid = np.linspace(near - span, near + span, _SCAN_POINTS)
    values = [eq.value(float(g)) for g in grid]
    roots = []
    for i in range(len(grid) - 1):
        a, b = values[i], values[i + 1]
        if not (math.isfinite(a) and math.isfinite(b)):
            continue
        if a == 0:
            roots.append(float(grid[i]))
        elif (a < 0) != (b < 0):
            root = _bisect(eq, float(grid[i]), float(grid[i + 1]), a)
            if root is not None:
                roots.append(root)
    return roots


def _polynomial_roots(eq: Equation) -> list[float]:
    coeffs = np.array(eq.polynomial_coeffs(), dtype=np.float64)
    if coeffs.size < 2 or not np.all(np.isfinite(coeffs)):
        return []
    found = np.roots(np.trim_zeros(coeffs, "f"))
    roots = []
    for z in found:
        if abs(z.imag) <= 1e-7 * max(1.0, abs(z.real)):
            polished = _newton(eq, float(z.real))
            roots.append(polished if polished is not None else float(z.real))
    return [r for r in roots if _residual_ok(eq, r) or eq.value(r) == 0]


def real_roots_near(eq: Equation, near: float) -> list[float]:
    """Real roots of f found around `near`, sorted by distance to it."""
    if not math.isfinite(near):
        return []
    candidates = _polynomial_roots(eq) if eq.is_polynomial else []
    if not candidates:
        newton = _newton(eq, near)
        candidates = ([newton] if newton is not None else []) + _scan(eq, near)
    return sorted(set(candidates), key=lambda r: abs(r - near))


def nearest_root(eq: Equation, near: float, fallback: float | None = None) -> float | None:
    """The real root of f nearest to `near` (or to `fallback` when `near` is not finite)."""
    start = near if math.isfinite(near) else fallback
    if start is None:
        return None
    roots = real_roots_near(eq, start)
    return roots[0] if roots else None
