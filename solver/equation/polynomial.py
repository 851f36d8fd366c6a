"""The coefficients of f when it is a polynomial of low degree (for numpy.roots).

Each node combines its children's coefficients as it is built (see nodes), so a polynomial
subtree whose x terms are all exactly 0 (x − x, 0x, x⁰) is known to be a constant.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .nodes import Node

MAX_POLY_DEGREE = 12

Coeffs = tuple[float, ...]  # lowest degree first


def polynomial_coeffs(node: Node) -> tuple[float, ...] | None:
    """Finite coefficients, highest degree first, if f is a polynomial of degree <= 12."""
    if node.value is not None:
        return (node.value,)
    coeffs = node.coeffs
    if coeffs is None or not all(np.isfinite(coeffs)):
        return None
    return tuple(reversed(coeffs))


def combine(op: str, parts: list[Coeffs | None], exponent: float | None) -> Coeffs | None:
    """The coefficients of `op` applied to parts (each a constant, x or a polynomial), or None
    when the result is not a polynomial of degree <= 12."""
    if op == "x":
        return (0.0, 1.0)
    if None in parts or op not in ("neg", "+", "-", "*", "/", "^"):
        return None
    if op == "neg":
        return tuple(-c for c in parts[0])  # type: ignore[union-attr]
    a, b = parts
    assert a is not None and b is not None
    if op in "+-":
        sign = 1.0 if op == "+" else -1.0
        return _trim([p + sign * q for p, q in itertools.zip_longest(a, b, fillvalue=0.0)])
    if op == "/":
        return tuple(c / b[0] for c in a) if len(b) == 1 else None
    if op == "^":
        if exponent is None or not exponent.is_integer() or not 0 <= exponent <= MAX_POLY_DEGREE:
            return None
        result: Coeffs | None = (1.0,)
        for _ in range(int(exponent)):
            result = _times(result, a) if result is not None else None
        return result
    return _times(a, b)


def _times(a: Coeffs, b: Coeffs) -> Coeffs | None:
    if len(a) + len(b) - 1 > MAX_POLY_DEGREE + 1:
        return None
    with np.errstate(all="ignore"):
        return _trim([float(c) for c in np.convolve(a, b)])


def _trim(coeffs: list[float]) -> Coeffs:
    """Without zero coefficients at the top: x² + x − x² has degree 1."""
    while len(coeffs) > 1 and coeffs[-1] == 0:
        coeffs.pop()
    return tuple(coeffs)
