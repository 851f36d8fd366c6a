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

from .cost import (
    FLOAT_ATOM,
    MAX_CHAIN,
    MAX_COST,
    MAX_TOWER,
    Cost,
    constant_cost,
    leaf_cost,
    variable_cost,
)
from .errors import EquationError
from .polynomial import Coeffs, combine
from .pretty import tree_text
from .tokens import CONSTANTS, FUNCTIONS

MAX_CONSTANT = 1e100
MAX_EXPONENT = 100
MAX_DEGREE = 100

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
    value: float | None = None  # float64 value of a subtree without x, or where x cancels
    degree: int = 0  # bound on the power of x, which keeps sympy's integers small
    has_x: bool = False  # x appears in it, even where it cancels (x − x)
    coeffs: Coeffs | None = None  # lowest degree first, if a polynomial of degree <= 12
    work: Cost = FLOAT_ATOM  # what it asks of sympy (see cost)

    @property
    def cost(self) -> int:
        """Estimated nodes of its derivative."""
        return self.work.cost


def bounded_node(op: str, args: tuple[Node, ...], column: int, text: str = "") -> Node:
    """A node with its value, degree and cost, or EquationError if one is out of bounds.

    A part where x cancels is a constant, folded like any other, so sqrt(x − x) + x is x and
    x − x = 1 is known to have no x: a polynomial whose x terms are all exactly 0 (x − x, 0x,
    x⁰), or a − a and a/a for subtrees written alike (sin(x) − sin(x)).
    """
    exponent = args[1].value if op == "^" else None
    if op == "/" and args[1].value == 0:
        raise EquationError("division_by_zero", column)
    if exponent is not None and abs(exponent) > MAX_EXPONENT:
        raise EquationError("exponent_too_large", column, limit=MAX_EXPONENT)
    value = float(text) if op == "num" else _fold(op, args, column)
    has_x = op == "x" or any(a.has_x for a in args)
    coeffs = (value,) if value is not None else combine(op, [a.coeffs for a in args], exponent)
    if value is None and coeffs is not None and len(coeffs) == 1 and math.isfinite(coeffs[0]):
        value = coeffs[0]  # x cancels out
    elif value is None and op in ("-", "/") and _same(*args):
        value = 0.0 if op == "-" else 1.0  # sin(x) − sin(x), exp(x)/exp(x)
    if value is not None and not abs(value) <= MAX_CONSTANT:
        raise EquationError("too_large", column, limit=MAX_CONSTANT)
    degree = 0 if value is not None else _degree(op, args)
    if degree > MAX_DEGREE:
        raise EquationError("degree_too_high", column, limit=MAX_DEGREE)
    work = _work(op, args, text, value, exponent, has_x)
    if work.cost > MAX_COST or work.tower > MAX_TOWER or work.chain > MAX_CHAIN:
        raise EquationError("too_complex", column)
    return Node(op, args, column, text, value, degree, has_x, coeffs, work)


def _work(
    op: str, args: tuple[Node, ...], text: str, value: float | None, exponent: float | None,
    has_x: bool,
) -> Cost:  # fmt: skip
    if not args:
        return leaf_cost(op, text)
    if value is None:
        return variable_cost(op, [a.work for a in args], exponent)
    if has_x:  # x cancelled: sympy gets the constant, not the cancellation
        return FLOAT_ATOM
    return constant_cost(op, [a.work for a in args], exponent)


def _same(a: Node, b: Node) -> bool:
    """Whether two subtrees are written alike, wherever they stand."""
    if (a.op, a.text, a.value, a.work, len(a.args)) != (b.op, b.text, b.value, b.work, len(b.args)):
        return False
    return all(_same(p, q) for p, q in zip(a.args, b.args, strict=True))


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
    except ValueError:  # shown as typed: (−8)^(1/3), not −8^0.333333, which reads as −(8^⅓)
        shown = tree_text(Node(op, args))
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
