"""f and f' in float64 by forward-mode dual numbers, with IEEE inf and nan, never exceptions."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .nodes import Node

# f and df/d(argument) of each function
_DUAL: dict[str, Callable[[np.float64], tuple[np.float64, np.float64]]] = {
    "sin": lambda a: (np.sin(a), np.cos(a)),
    "cos": lambda a: (np.cos(a), -np.sin(a)),
    "tan": lambda a: (np.tan(a), 1 + np.tan(a) ** 2),
    "exp": lambda a: (np.exp(a), np.exp(a)),
    "log": lambda a: (np.log(a), 1 / a),
    "sqrt": lambda a: (np.sqrt(a), 0.5 / np.sqrt(a)),
    "abs": lambda a: (np.abs(a), np.sign(a)),
    "tanh": lambda a: (np.tanh(a), 1 - np.tanh(a) ** 2),
}
_ZERO = np.float64(0.0)


def dual(node: Node, x: np.float64) -> tuple[np.float64, np.float64]:
    """(f, df/dx) at x in float64; call it under np.errstate(all="ignore")."""
    if node.value is not None:
        return np.float64(node.value), _ZERO
    if node.op == "x":
        return x, np.float64(1.0)
    (a, da), *rest = [dual(n, x) for n in node.args]
    if node.op == "neg":
        return -a, -da
    if node.op in _DUAL:
        value, outer = _DUAL[node.op](a)
        return value, outer * da
    b, db = rest[0]
    if node.op in "+-":
        return (a + b, da + db) if node.op == "+" else (a - b, da - db)
    left, right = node.args[0].value is None, node.args[1].value is None
    if node.op == "*":  # like torch, a constant side contributes no gradient term
        return a * b, (da * b if left else _ZERO) + (a * db if right else _ZERO)
    if node.op == "/":
        return a / b, (da / b if left else _ZERO) - (db * a / (b * b) if right else _ZERO)
    value = a**b
    # torch's pow rules: slope 0 where the exponent is 0, and no log(0) term where 0^b, b >= 0
    by_base = (_ZERO if b == 0 else b * a ** (b - 1)) * da
    by_exponent = (_ZERO if a == 0 and b >= 0 else value * np.log(a)) * db
    return value, (by_base if left else _ZERO) + (by_exponent if right else _ZERO)
