"""The nearest real root of f, found independently of the run, in float64 and bounded time."""

from __future__ import annotations

import functools
import math

import numpy as np
import torch

from .equation import Equation

_NEWTON_STEPS = 60
_SCAN_POINTS = 2001
_BISECTIONS = 80
_REFINED = 6
_SPAN = 10.0


def _residual_ok(eq: Equation, r: float) -> bool:
    value, slope = eq.value(r), eq.slope(r)
    if not (math.isfinite(value) and math.isfinite(slope)):
        return False
    # Where f moves by more than 1 between neighbouring doubles (tan(x) at x = 1e20), a sign
    # change says nothing about a root.
    if abs(slope) * math.ulp(r) > 1.0:
        return False
    # f(r) may be as large as rounding r moves it, |f'(r)|·|r|·ε, but no more; the cap on the
    # slope keeps a pole (1/x at 0, where |f'| is astronomic) from passing as a root.
    return abs(value) <= 1e-9 * (1.0 + abs(r)) * max(1.0, min(abs(slope), 1e6))


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
    span = _SPAN * max(1.0, abs(near))
    grid = torch.linspace(near - span, near + span, _SCAN_POINTS, dtype=torch.float64)
    with torch.no_grad():
        values = torch.broadcast_to(
            torch.as_tensor(eq.torch(grid), dtype=torch.float64), grid.shape
        ).tolist()
    points = grid.tolist()
    changes = []
    for i in range(len(points) - 1):
        a, b = values[i], values[i + 1]
        if math.isfinite(a) and math.isfinite(b) and (a == 0 or (a < 0) != (b < 0)):
            changes.append(i)
    # Refine the sign changes nearest to `near` first; a few real roots are plenty.
    changes.sort(key=lambda i: abs(points[i] - near))
    roots: list[float] = []
    for i in changes[:_REFINED]:
        if values[i] == 0:
            roots.append(points[i])
            continue
        root = _bisect(eq, points[i], points[i + 1], values[i])
        if root is not None:
            roots.append(root)
    return roots


@functools.lru_cache(maxsize=256)
def _polynomial_roots(eq: Equation) -> tuple[float, ...]:
    coeffs = np.array(eq.polynomial_coeffs(), dtype=np.float64)
    if coeffs.size < 2 or not np.all(np.isfinite(coeffs)):
        return ()
    found = np.roots(np.trim_zeros(coeffs, "f"))
    roots = []
    for z in found:
        if abs(z.imag) <= 1e-7 * max(1.0, abs(z.real)):
            polished = _newton(eq, float(z.real))
            roots.append(polished if polished is not None else float(z.real))
    return tuple(r for r in roots if _residual_ok(eq, r) or eq.value(r) == 0)


def real_roots_near(eq: Equation, near: float) -> list[float]:
    """Real roots of f found around `near`, sorted by distance to it."""
    if not math.isfinite(near):
        return []
    candidates = list(_polynomial_roots(eq)) if eq.is_polynomial else []
    if not candidates:
        newton = _newton(eq, near)
        # Newton can walk off to infinity (1/x has |f| → 0 there); keep it to the scanned span.
        if newton is not None and abs(newton - near) <= _SPAN * max(1.0, abs(near)):
            candidates.append(newton)
        candidates += _scan(eq, near)
    return sorted(set(candidates), key=lambda r: abs(r - near))


def nearest_root(eq: Equation, near: float, fallback: float | None = None) -> float | None:
    """The real root of f nearest to `near` (or to `fallback` when `near` is not finite)."""
    start = near if math.isfinite(near) else fallback
    if start is None:
        return None
    roots = real_roots_near(eq, start)
    return roots[0] if roots else None
