"""β^t for Adam's bias corrections, the same bits on every machine.

torch computes `beta ** step` with the C library's pow, whose last bit differs between libraries
(and is not always the correctly rounded one). A stored prediction must be recomputed bit for
bit wherever the run is read, so this takes the power in double-double arithmetic (Dekker's
exact products, with only IEEE-rounded +, − and ×) and rounds once: the correctly rounded β^t,
which is glibc's pow for every t below about 2,900 (0.999) and 3,200 (0.9).
"""

from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]
Double = tuple[Array, Array]  # hi + lo, |lo| ≤ half an ulp of hi
_SPLIT = 134_217_729.0  # 2^27 + 1: splits a double into two 26-bit halves
_TABLE_STEPS = 1 << 17  # a run's steps are far fewer: one table per β serves every run
_tables: dict[float, Array] = {}


def power(beta: float, steps: Array) -> Array:
    """β^t for every positive whole t in `steps` (float64), each correctly rounded but rarely."""
    if not len(steps) or steps.max() > _TABLE_STEPS:
        return _power(beta, steps)
    table = _tables.get(beta, np.empty(0))
    if len(table) < steps.max():
        size = min(_TABLE_STEPS, 1 << int(steps.max() - 1).bit_length())
        _tables[beta] = table = _power(beta, np.arange(1, size + 1, dtype=np.float64))
    result: Array = table[steps.astype(np.int64) - 1]
    return result


def _power(beta: float, steps: Array) -> Array:
    exponents = steps.astype(np.int64)
    result: Double = (np.ones(len(steps)), np.zeros(len(steps)))
    square: Double = (np.full(len(steps), beta), np.zeros(len(steps)))
    while exponents.any():  # square and multiply, every t at once
        odd = (exponents & 1).astype(bool)
        product = _multiply(result, square)
        result = (np.where(odd, product[0], result[0]), np.where(odd, product[1], result[1]))
        square = _multiply(square, square)
        exponents >>= 1
    return result[0]


def _split(a: Array) -> Double:
    c = _SPLIT * a
    high = c - (c - a)
    return high, a - high


def _multiply(x: Double, y: Double) -> Double:
    """x·y in double-double: the exact product of the highs, plus the cross terms."""
    p = x[0] * y[0]
    (ah, al), (bh, bl) = _split(x[0]), _split(y[0])
    error = ((ah * bh - p) + ah * bl + al * bh) + al * bl  # p + error == x[0]·y[0] exactly
    error = error + (x[0] * y[1] + x[1] * y[0])
    high = p + error
    return high, error - (high - p)
