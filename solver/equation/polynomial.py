"""The coefficients of f when it is a polynomial of low degree (for numpy.roots)."""

from __future__ import annotations

import itertools

import numpy as np

from .nodes import Node
from .tokens import FUNCTIONS

MAX_POLY_DEGREE = 12


def polynomial_coeffs(node: Node) -> tuple[float, ...] | None:
    """Finite coefficients, highest degree first, if f is a polynomial of degree <= 12."""
    coeffs = _poly(node)
    if coeffs is None:
        return None
    while len(coeffs) > 1 and coeffs[-1] == 0:
        coeffs.pop()
    if not all(np.isfinite(coeffs)):
        return None
    return tuple(reversed(coeffs))


def _poly(node: Node) -> list[float] | None:
    """Coefficients, lowest degree first, if the subtree is a polynomial of degree <= 12."""
    if node.value is not None:
        return [node.value]
    if node.op == "x":
        return [0.0, 1.0]
    parts = [_poly(a) for a in node.args]
    if node.op in FUNCTIONS or None in parts:
        return None
    if node.op == "neg":
        return [-c for c in parts[0]]  # type: ignore[union-attr]
    a, b = parts
    assert a is not None and b is not None
    if node.op in "+-":
        sign = 1.0 if node.op == "+" else -1.0
        return [p + sign * q for p, q in itertools.zip_longest(a, b, fillvalue=0.0)]
    if node.op == "/":
        return [c / b[0] for c in a] if len(b) == 1 else None
    if node.op == "^":
        power = node.args[1].value
        if power is None or not power.is_integer() or not 0 <= power <= MAX_POLY_DEGREE:
            return None
        result = [1.0]
        for _ in range(int(power)):
            result = _times(result, a)
        return result if len(result) <= MAX_POLY_DEGREE + 1 else None
    product = _times(a, b)
    return product if len(product) <= MAX_POLY_DEGREE + 1 else None


def _times(a: list[float], b: list[float]) -> list[float]:
    if len(a) + len(b) - 1 > MAX_POLY_DEGREE + 1:
        return [0.0] * (MAX_POLY_DEGREE + 2)  # too long: the caller rejects it
    with np.errstate(all="ignore"):
        return [float(c) for c in np.convolve(a, b)]
