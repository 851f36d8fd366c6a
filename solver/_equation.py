"""The equation a student typed, as torch, sympy and float64 functions of x.

`parse_equation("x^2 = 2")` gives an Equation whose f(x) = lhs − rhs. Its torch graph is built
node by node with Python scalars for constants, so `x**2 - 2` is exactly the article's graph and
reproduces its float32 numbers; sympy gets the same tree, never the text.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import sympy  # type: ignore[import-untyped]
import torch
from sympy import Expr

from ._equation_parser import FUNCTIONS, EquationError, Node, parse_tree

__all__ = ["Equation", "EquationError", "parse_equation"]

X = sympy.Symbol("x", real=True)
MAX_POLY_DEGREE = 12
MAX_BITS = 3000  # of any exact sympy number, far below int's 4300-digit str() limit
MAX_TEXT = 400

_NAMES = ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh")
_TORCH = {name: getattr(torch, name) for name in (*_NAMES, "abs")}
_SYMPY = {name: getattr(sympy, name) for name in _NAMES} | {"abs": sympy.Abs}
_SYMPY_CONSTANTS = {"pi": sympy.pi, "e": sympy.E}
_BINARY: dict[str, Callable[[Any, Any], Any]] = {"+": operator.add, "-": operator.sub}
_BINARY |= {"*": operator.mul, "/": operator.truediv, "^": operator.pow}
# f and df/d(argument) in float64, for forward-mode derivatives
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


def _scalar(value: float) -> int | float:
    """Integer-valued constants stay Python ints, as in the article's `x**2 - 2`."""
    return int(value) if value.is_integer() and abs(value) <= 2**53 else value


TorchFn = Callable[[torch.Tensor], Any]


def _compile_torch(node: Node) -> TorchFn:
    """f as nested closures, built once: evaluating it then costs a call per node, no tree walk."""
    if node.value is not None:
        constant = _scalar(node.value)
        return lambda x: constant
    if node.op == "x":
        return lambda x: x
    parts = [_compile_torch(a) for a in node.args]
    if node.op == "neg":
        (inner,) = parts
        return lambda x: -inner(x)
    if node.op in _TORCH:
        fn, (inner,) = _TORCH[node.op], parts
        return lambda x: fn(inner(x))
    op, (left, right) = _BINARY[node.op], parts
    if node.args[1].value is not None:
        constant = _scalar(node.args[1].value)
        return lambda x: op(left(x), constant)
    return lambda x: op(left(x), right(x))


_ZERO = np.float64(0.0)


def _dual(node: Node, x: np.float64) -> tuple[np.float64, np.float64]:
    """(f, df/dx) at x in float64, with IEEE inf and nan instead of exceptions."""
    if node.value is not None:
        return np.float64(node.value), _ZERO
    if node.op == "x":
        return x, np.float64(1.0)
    (a, da), *rest = [_dual(n, x) for n in node.args]
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


def _sympy(node: Node) -> Expr:
    if node.op == "num":
        exact = node.text.isdigit() and len(node.text) <= 15  # no big ints from user digits
        return sympy.Integer(int(node.text)) if exact else sympy.Float(node.value)
    if node.op == "x":
        return X
    if node.op in _SYMPY_CONSTANTS:
        return _SYMPY_CONSTANTS[node.op]
    args = [_sympy(a) for a in node.args]
    if node.op == "neg":
        return -args[0]
    if node.op in _SYMPY:
        return _SYMPY[node.op](*args)
    return _BINARY[node.op](*args)


def _checked(expr: Expr) -> Expr:
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise EquationError("no_value")
    for number in expr.atoms(sympy.Rational):
        if max(int(number.p).bit_length(), int(number.q).bit_length()) > MAX_BITS:
            raise EquationError("result_too_large")
    return expr


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


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "^": 4}
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_INTEGER_POWER = re.compile(r"\*\*(?:(\d{1,3})(?![\d.])|\((-\d{1,3})\))")  # x**2, x**(-1)


def _is_integer_literal(node: Node) -> bool:
    inner = node.args[0] if node.op == "neg" else node
    return inner.op == "num" and inner.text.isdigit() and len(inner.text) <= 3


def _wrap(node: Node, precedence: int) -> str:
    text = _show(node)
    return f"({text})" if _PRECEDENCE.get(node.op, 5) < precedence else text


def _show(node: Node) -> str:
    """Readable Unicode text of a tree: x² − 2, 2x + 1, sin(x), e^(−x)."""
    op, args = node.op, node.args
    if op == "num":
        return node.text
    if op in ("x", "e"):
        return op
    if op == "pi":
        return "π"
    if op in FUNCTIONS:
        return f"{op}({_show(args[0])})"
    if op == "neg":
        return "−" + _wrap(args[0], 3)
    a, b = args
    if op == "^":
        if _is_integer_literal(b):
            return _wrap(a, 5) + _show(b).replace("−", "-").translate(_SUPERSCRIPT)
        return f"{_wrap(a, 5)}^{_wrap(b, 5)}"
    right = f"({_show(b)})" if b.op == "neg" else _wrap(b, 2 if op in "+-" else 4)
    if op in "+-":
        return f"{_wrap(a, 1)} {'+' if op == '+' else '−'} {right}"
    left = _wrap(a, 2)
    if op == "/":
        return f"{left}/{right}"
    number = a.args[0] if a.op == "neg" else a
    if (
        number.op == "num" and "e" not in number.text.lower() and not right[0].isdigit()
    ) or right.startswith("("):
        return left + right
    return f"{left}·{right}"


def _sympy_text(expr: Expr) -> str:
    """sympy's text made readable: 3·x² − 2 rather than 3*x**2 - 2."""
    whole = [f for f in expr.atoms(sympy.Float) if abs(f) < 1e15 and float(f).is_integer()]
    text = sympy.sstr(expr.xreplace({f: sympy.Integer(int(f)) for f in whole}), full_prec=False)
    text = _INTEGER_POWER.sub(lambda m: (m[1] or m[2]).translate(_SUPERSCRIPT), text)
    text = text.replace("**", "^").replace("*", "·").replace("-", "−").replace("Abs(", "abs(")
    text = re.sub(r"\bpi\b", "π", re.sub(r"\bE\b", "e", text))
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)·(?=[a-zπ(])", r"\1", text)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


@dataclass(frozen=True)
class Equation:
    """f(x) = lhs − rhs of the text a student typed; equal when their texts are equal."""

    text: str
    pretty: str = field(compare=False)
    sympy: Expr = field(compare=False)
    derivative: Expr = field(compare=False)
    derivative_text: str = field(compare=False)
    is_polynomial: bool = field(compare=False)
    _tree: Node = field(repr=False, compare=False)
    _coeffs: tuple[float, ...] | None = field(repr=False, compare=False)
    _torch_fn: TorchFn = field(repr=False, compare=False)

    @property
    def f_text(self) -> str:
        """f(x) = lhs − rhs as readable text: x² − 2 for both `x**2 - 2` and `x^2 = 2`."""
        return _sympy_text(self.sympy) if "=" in self.pretty else self.pretty

    def torch(self, x: torch.Tensor) -> torch.Tensor:
        """f(x) elementwise with torch ops, any shape and dtype, differentiable."""
        return cast(torch.Tensor, self._torch_fn(x))

    def value(self, x: float) -> float:
        """f(x) in float64; nan or inf outside the domain, never an exception."""
        return self._dual(x)[0]

    def slope(self, x: float) -> float:
        """f'(x) in float64 by forward-mode differentiation; nan outside the domain."""
        value, slope = self._dual(x)
        return math.nan if math.isnan(value) else slope

    def _dual(self, x: float) -> tuple[float, float]:
        try:
            at = np.float64(x)
        except (OverflowError, TypeError, ValueError):  # e.g. an int beyond float64
            return math.nan, math.nan
        with np.errstate(all="ignore"):
            value, slope = _dual(self._tree, at)
        return float(value), float(slope)

    def polynomial_coeffs(self) -> list[float]:
        """Coefficients of f, highest degree first (for numpy.roots); degree <= 12."""
        if self._coeffs is None:
            raise ValueError(f"{self.text!r} is not a polynomial of degree <= {MAX_POLY_DEGREE}")
        return list(self._coeffs)


def _build(text: str) -> Equation:
    lhs, rhs = parse_tree(text)
    tree = lhs if rhs is None or rhs.value == 0 else Node("-", (lhs, rhs), degree=lhs.degree)
    f = _checked(_sympy(tree))
    derivative = _checked(sympy.diff(f, X))
    coeffs = _poly(tree)
    if coeffs is not None:
        while len(coeffs) > 1 and coeffs[-1] == 0:
            coeffs.pop()
        if not all(np.isfinite(coeffs)):
            coeffs = None
    pretty = _show(lhs) if rhs is None else f"{_show(lhs)} = {_show(rhs)}"
    return Equation(
        text,
        pretty,
        f,
        derivative,
        _sympy_text(derivative),
        coeffs is not None,
        tree,
        None if coeffs is None else tuple(reversed(coeffs)),
        _compile_torch(tree),
    )


@functools.lru_cache(maxsize=256)
def _parse_cached(text: str) -> Equation:
    try:
        return _build(text)
    except EquationError:
        raise
    except Exception as exc:  # a bug here must still reach the student as an EquationError
        raise EquationError("internal") from exc


def parse_equation(text: str) -> Equation:
    """Parse what a student typed (`x^2 = 2`, `2x + 1 = 0`, `sin(x) = 0.5`, ...).

    Raises EquationError, and nothing else, when the text is not such an equation.
    """
    if not isinstance(text, str):
        raise EquationError("empty")
    return _parse_cached(text)
