"""f as a sympy expression, built from the tree (never from the text), and bounded."""

from __future__ import annotations

import sympy  # type: ignore[import-untyped]
from sympy import Expr

from .cost import EXACT_DIGITS
from .errors import EquationError
from .nodes import ARITHMETIC, Node
from .tokens import FUNCTIONS

X = sympy.Symbol("x", real=True)
MAX_BITS = 3000  # of any exact sympy number, far below int's 4300-digit str() limit

_SYMPY = {name: getattr(sympy, name) for name in FUNCTIONS if name != "abs"} | {"abs": sympy.Abs}
_CONSTANTS = {"pi": sympy.pi, "e": sympy.E}


def to_sympy(node: Node) -> Expr:
    """The tree as sympy; integers typed with up to 15 digits and plain constants stay exact,
    other constants (and parts where x cancels) are one number (see cost)."""
    if node.value is not None and not node.work.exact:
        return _number(node.value)
    if node.op == "num":
        exact = node.text.isdigit() and len(node.text) <= EXACT_DIGITS  # no big ints from users
        return sympy.Integer(int(node.text)) if exact else sympy.Float(node.value)
    if node.op == "x":
        return X
    if node.op in _CONSTANTS:
        return _CONSTANTS[node.op]
    args = [to_sympy(a) for a in node.args]
    if node.op == "neg":
        return -args[0]
    if node.op in _SYMPY:
        return _SYMPY[node.op](*args)
    return ARITHMETIC[node.op](*args)


def _number(value: float) -> Expr:
    return sympy.Integer(int(value)) if value.is_integer() else sympy.Float(value)


def checked(expr: Expr) -> Expr:
    """`expr` itself, or EquationError if it has no value or holds a huge exact number."""
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise EquationError("no_value")
    for number in expr.atoms(sympy.Rational):
        if max(int(number.p).bit_length(), int(number.q).bit_length()) > MAX_BITS:
            raise EquationError("result_too_large")
    return expr
