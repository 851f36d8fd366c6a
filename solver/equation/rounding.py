"""How much rounding can move f(x): the noise floor below which a precision cannot see f.

A first-order forward error bound: evaluating f in a precision with unit roundoff ε gives
f(x)·(1 + O(ε)) per operation, so |f_computed − f| ≤ ε·R(x) where R sums, over the
operations, the magnitude of each result carried up to f by the chain rule.
"""

from __future__ import annotations

import math

import numpy as np

from .equation import Equation
from .nodes import Node
from .to_float64 import _DUAL

EPS = {"float32": 2.0**-24, "float64": 2.0**-53}  # unit roundoff: half the spacing at 1


def _walk(node: Node, x: float) -> tuple[float, float, float]:
    """(value, slope, R) at x in float64; R is the rounding scale of this subtree."""
    if node.value is not None:
        exact = node.value.is_integer() and abs(node.value) <= 2**24  # exact in float32 too
        return node.value, 0.0, 0.0 if exact else abs(node.value)
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


def noise(eq: Equation, x: float, precision: str) -> float:
    """How far rounding can move f(x) when the precision computes it (float64 reference)."""
    return 4 * EPS[precision] * rounding_scale(eq, x)


def resolution(eq: Equation, root: float, precision: str) -> float:
    """How close to a simple root the precision can tell x from it: an ulp of the root, or
    the rounding noise of f there divided by the slope, whichever is larger."""
    slope = abs(eq.slope(root))
    blur = noise(eq, root, precision) / slope if slope > 0 else 0.0
    return max(spacing(root, precision), blur if math.isfinite(blur) else 0.0)
