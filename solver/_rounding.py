"""How much rounding can move f(x): the noise floor below which a precision cannot see f.

A first-order forward error bound: evaluating f in a precision with unit roundoff ε gives
f(x)·(1 + O(ε)) per operation, so |f_computed − f| ≤ ε·R(x) where R sums, over the
operations, the magnitude of each result carried up to f by the chain rule.
"""

from __future__ import annotations

import math

import numpy as np

from ._equation import _DUAL, Equation
from ._equation_parser import Node

EPS = {"float32": 2.0**-24, "float64": 2.0**-53}  # unit roundoff: half the spacing at 1


def _walk(node: Node, x: float) -> tuple[float, float, float]:
    """(value, slope, R) at x in float64; R is the rounding scale of this subtree."""
    if node.value is not None:
        return node.value, 0.0, abs(node.value)
    if node.op == "x":
        return x, 1.0, 0.0
    (a, da, ra), *rest = [_walk(n, x) for n in node.args]
    if node.op == "neg":
        return -a, -da, ra
    if node.op in _DUAL:
        with np.errstate(all="ignore"):
            value, slope = (float(v) for v in _DUAL[node.op](np.float64(a)))
        return value, slope * da, abs(slope) * ra + abs(value)
    b, db, rb = rest[0]
    if node.op in "+-":
        value = a + b if node.op == "+" else a - b
        return value, da + db if node.op == "+" else da - db, ra + rb + abs(value)
    if node.op == "*":
        return a * b, da * b + a * db, abs(b) * ra + abs(a) * rb + abs(a * b)
    if node.op == "/":
        value = a / b
        return value, (da - value * db) / b, (ra + abs(value) * rb) / abs(b) + abs(value)
    value = a**b
    by_base = b * a ** (b - 1) if b != 0 else 0.0
    by_exp = value * math.log(a) if a > 0 else 0.0
    # an integer power is a chain of about log2(b) multiplications, each rounding
    chain = max(1.0, math.log2(abs(b)) + 1) if b == int(b) else 2.0
    return (
        value,
        by_base * da + by_exp * db,
        abs(by_base) * ra + abs(by_exp) * rb + chain * abs(value),
    )


def rounding_scale(eq: Equation, x: float) -> float:
    """R(x): |f computed in a precision − f| is at most about ε·R(x) (nan outside the domain)."""
    try:
        with np.errstate(all="ignore"):
            return abs(_walk(eq._tree, float(x))[2])
    except (OverflowError, ValueError, ZeroDivisionError):
        return math.inf


def spacing(x: float, precision: str) -> float:
    """The gap between x and the next number of the precision away from 0: one ulp."""
    at = abs(x) if math.isfinite(x) else 0.0
    if precision == "float32":
        return float(np.spacing(np.float32(at)))
    return math.ulp(at)


def reach(eq: Equation, root: float, precision: str) -> float:
    """How close to `root` the precision can tell x from the root: one ulp, or the band around
    the root where |f| is below the rounding noise of computing f (wider at a double root)."""
    eps = EPS[precision]
    noise = 4 * eps * max(rounding_scale(eq, root), math.ulp(1.0))
    band = spacing(root, precision)
    width = band
    for _ in range(2100):  # doubling from an ulp up to past any float
        left, right = eq.value(root - width), eq.value(root + width)
        if not (abs(left) <= noise and abs(right) <= noise):
            break
        band = width
        width *= 2
    return max(band, spacing(root, precision))
