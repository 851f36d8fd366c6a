"""The real roots of f, found independently of the run, in float64 and bounded time.

f is sampled along the path x took, densely around the point of interest and geometrically
out to ±1.8e308. A sign change brackets a root (or a pole, which is rejected because |f|
grows as the bracket shrinks), refined by Newton safeguarded by bisection. A root where f
touches 0 without changing sign (a double root) is a local minimum of |f| where f vanishes
to within rounding, checked with 40-digit arithmetic so that a value that only underflows
to 0 (exp(−x) at x = 1000) or only tends to 0 at infinity is never taken for a root.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy  # type: ignore[import-untyped]
import torch

from .equation import Equation
from .equation.rounding import EPS, rounding_scale
from .equation.to_sympy import X

_DENSE = 2001
_SPAN = 10.0
_PATH_POINTS = 2000
_ITERATIONS = 200
_MAX_REFINED = 64
_EDGES = 8  # domain edges closed in on; log, sqrt and 1/x have one or two
_HALVINGS = 2.0 ** -np.arange(0, 80, dtype=np.float64)
_BIGGEST = float(np.finfo(np.float64).max)


@dataclass(frozen=True)
class Root:
    """A real root x of f; `multiple` when f'(x) = 0 there too, so L''(x) = 2f'(x)² = 0."""

    x: float
    multiple: bool


def sample_points(near: float, path: Sequence[float] = ()) -> np.ndarray:
    """Sorted float64 points: dense around `near`, geometric out to ±max, and the path."""
    scale = max(1.0, abs(near))
    with np.errstate(over="ignore", invalid="ignore"):
        dense = np.linspace(near - _SPAN * scale, near + _SPAN * scale, _DENSE)
    with np.errstate(over="ignore"):
        offsets = scale * 1e-3 * 2.0 ** np.arange(0, 1100, dtype=np.float64)
    offsets = offsets[np.isfinite(offsets)]
    with np.errstate(over="ignore"):  # beyond ±max float: dropped just below
        points = np.concatenate([dense, near - offsets, near + offsets, [-_BIGGEST, _BIGGEST]])
    trail = np.asarray([p for p in path if math.isfinite(p)], dtype=np.float64)
    if trail.size > _PATH_POINTS:
        trail = trail[np.linspace(0, trail.size - 1, _PATH_POINTS).astype(int)]
    points = np.concatenate([points, trail])
    return np.unique(np.clip(points[np.isfinite(points)], -_BIGGEST, _BIGGEST))


def values_at(eq: Equation, xs: np.ndarray) -> np.ndarray:
    """f at each x in float64 (nan outside the domain)."""
    with torch.no_grad():
        out = eq.torch(torch.from_numpy(np.ascontiguousarray(xs, dtype=np.float64)))
        values = torch.broadcast_to(torch.as_tensor(out, dtype=torch.float64), (len(xs),))
    result: np.ndarray = values.numpy().astype(np.float64)
    return result


def _signed(expr: sympy.Expr, x: float) -> sympy.Float | None:
    """expr at the float x (its exact binary value) with 40 digits: no float64 underflow or
    overflow, and no cancellation noise (evalf's own `subs` leaves some), or None.

    A decimal constant is a 53-bit Float (0.001 as torch holds it); as itself it would limit
    the sum to 15 digits, so 1/x − 0.001 would be 0 at both floats beside 1000: it enters
    as the exact fraction of those 53 bits."""
    exact = {number: sympy.Rational(number) for number in expr.atoms(sympy.Float)}
    try:
        value = expr.xreplace({X: sympy.Rational(x), **exact}).evalf(40)
        return value if value.is_real and value.is_finite else None
    except (ArithmeticError, TypeError, ValueError):
        return None


def exact_value(expr: sympy.Expr, x: float) -> float | None:
    """expr at the float x in 40 digits, rounded to a float (0 only when exactly 0), or None."""
    value = _signed(expr, x)
    if value is None:
        return None
    rounded = float(value)
    if rounded == 0 and value != 0:  # below float64's range: the smallest float of its sign
        return math.copysign(5e-324, float(sympy.sign(value)))
    return rounded


def _exact(expr: sympy.Expr, x: float) -> sympy.Float | None:
    value = _signed(expr, x)
    return None if value is None else abs(value)


def _sign_of_f(eq: Equation, x: float) -> float:
    """The sign of f(x); where float64 underflows to 0 ((x − 1)^99 near 1), in 40 digits."""
    value = eq.value(x)
    if value != 0 or not math.isfinite(value):
        return value
    # its own size where float64 holds it, so the nearer of two floats beside a root wins
    exact = exact_value(eq.sympy, x)
    return 0.0 if exact is None else exact


def _vanishes(eq: Equation, x: float) -> bool:
    """f(x) = 0 within what float64 can tell: |f| no larger than one ulp's worth of slope
    plus the rounding of computing f. Exact zeros are rechecked in 40 digits."""
    value, slope = eq.value(x), eq.slope(x)
    if not math.isfinite(value):
        return False
    noise = 4 * EPS["float64"] * rounding_scale(eq, x)
    if value != 0 and abs(value) > noise + 4 * abs(slope) * math.ulp(x):
        return False
    if value != 0 and noise > 0:
        return True
    exact, exact_slope = _exact(eq.sympy, x), _exact(eq.derivative, x)
    if exact is not None and exact == 0:
        return True
    if exact is None or exact_slope is None:
        return False
    # f rounded to 0 in float64: in 40 digits there is no rounding to allow for, so x is a
    # root only if f is within a few ulps' worth of slope of 0 (a tail such as 3 − 3·tanh(x),
    # 0.0 in float64 past x = 19.06, only tends to 0 and is refused).
    return bool(abs(exact) <= abs(exact_slope) * 4 * sympy.Float(math.ulp(x), 40))


def _is_multiple(eq: Equation, r: float) -> bool:
    h = 1e-3 * max(1.0, abs(r))
    around = max(abs(eq.value(r - h)), abs(eq.value(r + h))) / h
    slope = abs(eq.slope(r))
    return math.isfinite(around) and slope <= 1e-3 * around


def _middle(lo: float, hi: float) -> float:
    """The float halfway between lo and hi in the order of floats, not of reals: as many floats
    lie below it as above. Halving a bracket so takes at most 64 steps to close it, whatever
    its width: [−2e98, 4e99] around tanh(x) − 0.5's root 0.549 closes in 64, where halving the
    reals would still be 1e39 wide after 200. Within one binade it is the real midpoint."""
    return _from_ordered((_ordered(lo) + _ordered(hi)) // 2)


_SIGN = 1 << 63


def _ordered(x: float) -> int:
    """x's place among the floats: an integer that grows with x (−0.0 and 0.0 both 0)."""
    bits: int = struct.unpack("<Q", struct.pack("<d", x))[0]
    return -(bits - _SIGN) if bits >= _SIGN else bits


def _from_ordered(place: int) -> float:
    """The float at `place` (see _ordered)."""
    bits = _SIGN - place if place < 0 else place
    return float(struct.unpack("<d", struct.pack("<Q", bits))[0])


def _refine_sign_change(
    eq: Equation, lo: float, hi: float, f_lo: float, f_hi: float
) -> float | None:
    """The root in [lo, hi] where f changes sign: Newton when it stays inside, else bisection."""
    start = min(abs(f_lo), abs(f_hi))
    if lo < 0.0 < hi and _sign_of_f(eq, 0.0) == 0:  # bisection would only creep up to 0
        return 0.0 if _vanishes(eq, 0.0) else None
    x, width = (lo if abs(f_lo) < abs(f_hi) else hi), hi - lo
    for _ in range(_ITERATIONS):
        if not lo < _middle(lo, hi) < hi:  # lo and hi are neighbouring floats
            break
        value, slope = eq.value(x), eq.slope(x)
        guess = x - value / slope if slope != 0 and math.isfinite(slope) else math.nan
        # Newton only when it lands inside and the bracket keeps halving.
        x = guess if lo < guess < hi and hi - lo < 0.75 * width else _middle(lo, hi)
        width = hi - lo
        f_x = _sign_of_f(eq, x)
        if math.isnan(f_x):
            return None
        if f_x == 0:
            lo = hi = x
            break
        if (f_x < 0) == (f_lo < 0):
            lo, f_lo = x, f_x
        else:
            hi, f_hi = x, f_x
    root = lo if abs(f_lo) <= abs(f_hi) else hi
    # At a pole |f| grows as the bracket closes in; at a root it shrinks.
    if abs(eq.value(root)) > start or not _smooth(eq, root) or not _vanishes(eq, root):
        return None
    return root


def _smooth(eq: Equation, x: float) -> bool:
    """f changes across the floats next to x as its derivative says. Where floats are so
    sparse that f swings through whole periods between neighbours (sin or tan at 1e17),
    a sign change or a dip of |f| between them says nothing about a root."""
    step = max(math.ulp(x), 1e-290)  # no subnormal steps: their arithmetic is too coarse
    before, after, slope = eq.value(x - step), eq.value(x + step), eq.slope(x)
    if not (math.isfinite(before) and math.isfinite(after) and math.isfinite(slope)):
        return True  # at the edge of the domain (sqrt at 0): judged by _vanishes alone
    central = 0.5 * (after - before)
    noise = 8 * EPS["float64"] * rounding_scale(eq, x)
    return abs(central - slope * step) <= 0.25 * max(abs(central), abs(slope * step)) + noise


def _refine_touch(eq: Equation, lo: float, hi: float) -> float | None:
    """A double root in [lo, hi]: where f' changes sign (|f| is least), if f vanishes there."""
    s_lo, s_hi = eq.slope(lo), eq.slope(hi)
    if not (math.isfinite(s_lo) and math.isfinite(s_hi)) or (s_lo < 0) == (s_hi < 0):
        return None
    for _ in range(_ITERATIONS):
        mid = _middle(lo, hi)
        if not lo < mid < hi:
            break
        s_mid = eq.slope(mid)
        if not math.isfinite(s_mid):
            return None
        if (s_mid < 0) == (s_lo < 0):
            lo, s_lo = mid, s_mid
        else:
            hi = mid
    candidates = [lo, hi] + ([0.0] if lo <= 0.0 <= hi else [])
    # f rounds to 0 on both sides of a double root; there f' still tells which is nearer.
    best = min(candidates, key=lambda c: (abs(eq.value(c)), abs(eq.slope(c))))
    return best if _smooth(eq, best) and _touches(eq, best) else None


def _touches(eq: Equation, x: float) -> bool:
    """f touches 0 at x within what float64 can tell: between x and its neighbours a parabola
    of f's curvature dips at most |f''|/2·ulp² below f(x), plus the rounding of f."""
    value = eq.value(x)
    if value == 0:
        return _vanishes(eq, x)  # exact zeros are rechecked in 40 digits
    step = max(math.ulp(x), 1e-290)
    curvature = abs(eq.slope(x + step) - eq.slope(x - step)) / (2 * step)
    noise = 4 * EPS["float64"] * rounding_scale(eq, x)
    return math.isfinite(value) and abs(value) <= 0.5 * curvature * step * step + noise


def _polynomial_seeds(eq: Equation) -> list[float]:
    if not eq.is_polynomial:
        return []
    coeffs = np.trim_zeros(np.array(eq.polynomial_coeffs(), dtype=np.float64), "f")
    if coeffs.size < 2:
        return []
    try:
        with np.errstate(all="ignore"):
            found = np.roots(coeffs)
    except np.linalg.LinAlgError:  # 1e-320x − 1: the companion matrix overflows (1 / 1e-320)
        return []  # the sampling still brackets the root
    return [float(z.real) for z in found if abs(z.imag) <= 1e-3 * max(1.0, abs(z))]


def _from_seed(eq: Equation, seed: float) -> float | None:
    """A polynomial root from numpy, bracketed by a sign change next to it or a touch."""
    for width in (1e-12, 1e-9, 1e-6, 1e-3):
        lo, hi = seed - width * max(1.0, abs(seed)), seed + width * max(1.0, abs(seed))
        f_lo, f_hi = eq.value(lo), eq.value(hi)
        if (f_lo < 0) != (f_hi < 0):
            return _refine_sign_change(eq, lo, hi, f_lo, f_hi)
        touch = _refine_touch(eq, lo, hi)
        if touch is not None:
            return touch
    return None


def roots_among(eq: Equation, xs: np.ndarray, near: float, *, every: bool = False) -> list[float]:
    """Roots of f bracketed by the sorted samples xs, the nearest to `near` first. Refining
    stops at the first bracket farther than a root found, unless `every` (then up to 64)."""
    f = values_at(eq, xs)
    ok = np.isfinite(f)
    magnitude = np.where(ok, np.abs(f), np.inf)
    brackets: list[tuple[float, int, int, str]] = []
    sign = np.sign(f)
    # ±inf has a sign (log(x) = −inf at 0 brackets its root at e^-4); nan breaks a bracket.
    # Zeros between two samples of opposite sign are f underflowing around a root (x^99
    # near 0 is 0.0 in float64 for |x| < 0.005): the bracket spans them.
    beside = np.nonzero(f != 0)[0]
    left, right = beside[:-1], beside[1:]
    change = sign[left] * sign[right] < 0  # false where either is nan
    for i, j in zip(left[change], right[change], strict=True):
        distance = min(abs(float(xs[i]) - near), abs(float(xs[j]) - near))  # inf, not a warning
        brackets.append((distance, int(i), int(j), "sign"))
    inner = np.arange(1, len(xs) - 1)
    dips = inner[
        (magnitude[inner] <= magnitude[inner - 1])
        & (magnitude[inner] <= magnitude[inner + 1])
        & ((magnitude[inner] < magnitude[inner - 1]) | (magnitude[inner] < magnitude[inner + 1]))
    ]
    for i in dips:
        # f = 0 on a sample is checked where it stands (a crossing, a touch, or the edge of
        # the domain like sqrt(x) at 0), unless both neighbours are 0 too (an underflowed
        # tail); otherwise a dip of |f| may hide a touch between the samples.
        if f[i] == 0:
            if f[i - 1] != 0 or f[i + 1] != 0:
                brackets.append((abs(xs[i] - near), int(i), int(i), "zero"))
        elif sign[i - 1] * sign[i + 1] > 0 and (
            # a real dip, not rounding noise on a flat stretch (x far out on a tail)
            magnitude[i] <= 0.5 * max(magnitude[i - 1], magnitude[i + 1])
        ):
            brackets.append((abs(xs[i] - near), int(i) - 1, int(i) + 1, "touch"))
    brackets.sort()
    roots: list[float] = []
    for distance, lo, hi, kind in brackets[:_MAX_REFINED]:
        if roots and not every and distance > min(abs(r - near) for r in roots):
            break
        a, b = float(xs[lo]), float(xs[hi])
        if kind == "sign":
            root = _refine_sign_change(eq, a, b, float(f[lo]), float(f[hi]))
        elif kind == "zero":
            root = a if _smooth(eq, a) and _vanishes(eq, a) else None
        else:
            root = _refine_touch(eq, a, b)
        if root is not None:
            roots.append(float(root))
    return roots


def _toward_domain_edges(eq: Equation, xs: np.ndarray) -> np.ndarray:
    """Points closing in geometrically on each edge of f's domain that the samples straddle.

    A root can sit between the edge and the first sample inside (−3eˣ − ½·log(x) has its root
    at 0.0024, where log's domain begins at 0), unseen by any sample: these bracket it.
    """
    inside = np.isfinite(values_at(eq, xs))
    edges = np.nonzero(inside[:-1] != inside[1:])[0][:_EDGES]
    points = []
    for i in edges:
        out, into = (float(xs[i]), float(xs[i + 1])) if inside[i + 1] else (xs[i + 1], xs[i])
        for _ in range(_ITERATIONS):  # bisect to the last float inside the domain
            mid = _middle(out, into)
            if mid in (out, into):
                break
            out, into = (out, mid) if math.isfinite(eq.value(mid)) else (mid, into)
        # down to `into` itself: a root on the edge (−3·sqrt(x) at 0) is f = 0 there
        points.append(into + (float(xs[i + 1] if inside[i + 1] else xs[i]) - into) * _HALVINGS)
        points.append(np.array([into]))
    return np.concatenate(points) if points else np.empty(0)


def real_roots_near(eq: Equation, near: float, path: Sequence[float] = ()) -> list[Root]:
    """Real roots of f, sorted by distance to `near` (the nearest is the true nearest)."""
    if not math.isfinite(near):
        return []
    xs = sample_points(near, path)
    found = roots_among(eq, np.union1d(xs, _toward_domain_edges(eq, xs)), near)
    found += [r for r in map(lambda s: _from_seed(eq, s), _polynomial_seeds(eq)) if r is not None]
    # Distances in exact fractions: in floats, 1e30 - 1.414 and 1e30 + 1.414 both round to 1e30.
    unique = sorted(set(found), key=lambda r: (abs(Fraction(r) - Fraction(near)), r))
    return [Root(float(r), bool(_is_multiple(eq, r))) for r in unique]


def nearest_root(
    eq: Equation, near: float, fallback: float | None = None, path: Sequence[float] = ()
) -> float | None:
    """The real root of f nearest to `near` (or to `fallback` when `near` is not finite)."""
    found = nearest(eq, near, fallback, path)
    return None if found is None else found.x


def nearest(
    eq: Equation, near: float, fallback: float | None = None, path: Sequence[float] = ()
) -> Root | None:
    """Like `nearest_root`, with whether the root is multiple."""
    start = near if math.isfinite(near) else fallback
    if start is None or not math.isfinite(start):
        return None
    roots = real_roots_near(eq, start, path)
    return roots[0] if roots else None


@dataclass(frozen=True)
class Least:
    """Where |f| is least when f has no real root: x, f(x) there, and whether |f| only tends
    to its least value as x runs off to ±infinity (then x is the last sample, 1.8e308)."""

    x: float
    f: float
    at_infinity: bool


def least_value(eq: Equation, near: float, path: Sequence[float] = ()) -> Least | None:
    """The least |f| over the reals (sampled, then settled where f' changes sign)."""
    xs = sample_points(near, path)
    magnitude = np.abs(values_at(eq, xs))
    magnitude[~np.isfinite(magnitude)] = np.inf
    least = float(np.min(magnitude))
    if not math.isfinite(least):
        return None
    # Of the samples about as low as the least (cos(x) + 2 has a minimum every 2π), the nearest.
    ties = np.nonzero(magnitude <= least + 1e-3 * (least + 1e-300))[0]
    with np.errstate(over="ignore"):  # near ±1e308: distances overflow to inf, harmlessly
        i = int(ties[np.argmin(np.abs(xs[ties] - near))])
    while 0 < i < len(xs) - 1 and min(magnitude[i - 1], magnitude[i + 1]) < magnitude[i]:
        i += -1 if magnitude[i - 1] < magnitude[i + 1] else 1
    # The least sample sits on a plateau that runs to an end of the sampled line: a tail.
    tail = magnitude[: i + 1] if i < len(xs) // 2 else magnitude[i:]
    if i in (0, len(xs) - 1) or np.all(tail <= magnitude[i] * (1 + 1e-12)):
        return Least(float(xs[i]), float(eq.value(float(xs[i]))), True)
    lo, hi = float(xs[max(i - 1, 0)]), float(xs[min(i + 1, len(xs) - 1)])
    s_lo = eq.slope(lo)
    for _ in range(_ITERATIONS):
        mid = _middle(lo, hi)
        if not lo < mid < hi:
            break
        s_mid = eq.slope(mid)
        if not math.isfinite(s_mid) or s_mid == 0:
            lo = hi = mid
            break
        if (s_mid < 0) == (s_lo < 0):
            lo, s_lo = mid, s_mid
        else:
            hi = mid
    best = min((lo, hi, float(xs[i])), key=lambda c: abs(eq.value(c)))
    return Least(best, eq.value(best), False)
