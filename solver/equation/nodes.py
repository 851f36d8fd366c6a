"""The expression tree, and the bounds every node is checked against as it is built.

Every subtree without x is folded to a float64 as soon as it is built, so 9^9^9, 1e309 or
log(-1) are refused while parsing and later stages never meet an unbounded number.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import EquationError
from .tokens import CONSTANTS, FUNCTIONS

MAX_CONSTANT = 1e100
MAX_EXPONENT = 100
MAX_DEGREE = 100
MAX_COST = 600  # estimated nodes in the derivative; keeps sympy's work to milliseconds

ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {"+": operator.add, "-": operator.sub}
ARITHMETIC |= {"*": operator.mul, "/": operator.truediv, "^": operator.pow}
_FOLD = ARITHMETIC | {"^": math.pow}  # math.pow raises where operator.pow goes complex


@dataclass(frozen=True, slots=True)
class Node:
    """One node: op is "num", "x", "pi", "e", "neg", "+", "-", "*", "/", "^" or a function."""

    op: str
    args: tuple[Node, ...] = ()
    column: int = 0
    text: str = ""  # a number as typed
    value: float | None = None  # float64 value of a subtree without x
    degree: int = 0  # bound on the power of x, which keeps sympy's integers small
    size: int = 1  # nodes in this subtree
    cost: int = 0  # estimated nodes in its derivative


def bounded_node(op: str, args: tuple[Node, ...], column: int, text: str = "") -> Node:
    """A node with its value, degree and cost, or EquationError if one is out of bounds."""
    exponent = args[1].value if op == "^" else None
    if op == "/" and args[1].value == 0:
        raise EquationError("division_by_zero", column)
    if exponent is not None and abs(exponent) > MAX_EXPONENT:
        raise EquationError("exponent_too_large", column, limit=MAX_EXPONENT)
    value = float(text) if op == "num" else _fold(op, args, column)
    if value is not None and not abs(value) <= MAX_CONSTANT:
        raise EquationError("too_large", column, limit=MAX_CONSTANT)
    if (degree := _degree(op, args)) > MAX_DEGREE:
        raise EquationError("degree_too_high", column, limit=MAX_DEGREE)
    if (cost := _cost(op, args)) > MAX_COST:
        raise EquationError("too_complex", column)
    size = 1 + sum(a.size for a in args)
    return Node(op, args, column, text, value, degree, size, cost)


def _fold(op: str, args: tuple[Node, ...], column: int) -> float | None:
    """The float64 value of a subtree without x; refuse what has no finite, modest value."""
    values: list[Any] = [a.value for a in args]
    if op in CONSTANTS:
        return CONSTANTS[op]
    if op == "x" or None in values:
        return None
    try:
        if op in FUNCTIONS:
            value = FUNCTIONS[op](values[0])
        else:
            value = -values[0] if op == "neg" else _FOLD[op](*values)
    except ZeroDivisionError:
        raise EquationError("division_by_zero", column) from None
    except ValueError:
        shown = f"{op}({values[0]:g})" if op in FUNCTIONS else f"{values[0]:g}^{values[1]:g}"
        raise EquationError("undefined", column, expression=shown) from None
    except OverflowError:
        value = math.inf
    if not math.isfinite(value) or abs(value) > MAX_CONSTANT:
        raise EquationError("too_large", column, limit=MAX_CONSTANT)
    return float(value)


def _degree(op: str, args: tuple[Node, ...]) -> int:
    """A bound on the power of x: sympy expands (2x)^n into 2^n·x^n, so n must stay small."""
    degrees = [a.degree for a in args]
    if op == "x":
        return 1
    if op in ("*", "/"):
        return sum(degrees)
    if op == "^" and args[1].value is not None:
        return degrees[0] * math.ceil(abs(args[1].value))
    return min(1, degrees[0]) if op in FUNCTIONS else max(degrees, default=0)


def _cost(op: str, args: tuple[Node, ...]) -> int:
    """Estimated nodes in the derivative, by the product, quotient and chain rules."""
    if op == "x":
        return 1
    if all(a.value is not None for a in args):
        return 0
    size, cost = sum(a.size for a in args), sum(a.cost for a in args)
    if op in ("+", "-"):
        return cost + 1
    if op == "*":
        return size + cost + 3
    if op == "/":
        return size + args[1].size + cost + 5
    return (3 if op == "^" else 2) * size + cost + 4
