"""The Equation a student typed, parsed once and cached: f(x) = lhs − rhs as torch, sympy and
float64 functions of x, with its readable text.

Each view is built from the same tree (see the modules named to_*); sympy never sees the text.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import sympy  # type: ignore[import-untyped]
import torch
from sympy import Expr

from .canonical import canonical_text
from .errors import EquationError
from .grammar import parse_tree
from .nodes import Node
from .polynomial import MAX_POLY_DEGREE, polynomial_coeffs
from .pretty import sympy_text, tree_text
from .to_float64 import dual
from .to_sympy import X, checked, to_sympy
from .to_torch import TorchFn, compile_torch


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
        return sympy_text(self.sympy) if "=" in self.pretty else self.pretty

    @property
    def canonical(self) -> str:
        """The parsed tree as exact text: equal texts compute the same f (numbers as float.hex)."""
        return canonical_text(self._tree)

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

    def derivative_at(self, x: float) -> float:
        """f'(x) by the derivative's formula, also where f itself has no value: 1/x at x < 0
        for log(x). nan where the formula has none either (1/(2√x) at x < 0)."""
        return self._dual(x)[1]

    def _dual(self, x: float) -> tuple[float, float]:
        try:
            at = np.float64(x)
        except (OverflowError, TypeError, ValueError):  # e.g. an int beyond float64
            return math.nan, math.nan
        with np.errstate(all="ignore"):
            value, slope = dual(self._tree, at)
        return float(value), float(slope)

    def polynomial_coeffs(self) -> list[float]:
        """Coefficients of f, highest degree first (for numpy.roots); degree <= 12."""
        if self._coeffs is None:
            raise ValueError(f"{self.text!r} is not a polynomial of degree <= {MAX_POLY_DEGREE}")
        return list(self._coeffs)


@dataclass(frozen=True)
class CheckedEquation:
    """What the event loop may know of an equation without symbolic work: its readable text
    and its canonical text (the parsed tree with numbers as float.hex)."""

    pretty: str
    canonical: str


def check_equation(text: str) -> CheckedEquation:
    """Refuse what parse_equation would refuse, cheaply enough for the event loop.

    Tokens, grammar and every bound (length, nesting, size, powers, constants, the cost of the
    symbolic work): at most about a millisecond, and no sympy. parse_equation, which builds the
    symbolic form, then refuses only what needs exact arithmetic to see: "no_value" (x/sin(π)),
    "result_too_large" ((99999999999999x)^99) and "x_has_no_effect" (3·sin(x) − 3·sin(x)). Raises EquationError, and nothing else.
    """
    if not isinstance(text, str):
        raise EquationError("empty")
    try:
        tree, lhs, rhs = parse_tree(text)
        return CheckedEquation(_pretty(lhs, rhs), canonical_text(tree))
    except EquationError:
        raise
    except Exception as exc:  # a bug here must still reach the student as an EquationError
        raise EquationError("internal") from exc


def _pretty(lhs: Node, rhs: Node | None) -> str:
    return tree_text(lhs) if rhs is None else f"{tree_text(lhs)} = {tree_text(rhs)}"


def parse_equation(text: str) -> Equation:
    """Parse what a student typed (`x^2 = 2`, `2x + 1 = 0`, `sin(x) = 0.5`, ...).

    Raises EquationError, and nothing else, when the text is not such an equation. Its symbolic
    work is bounded by the cost model (see cost): milliseconds, but run it off the event loop;
    check_equation is the cheap check for there.
    """
    if not isinstance(text, str):
        raise EquationError("empty")
    return parse_cached(text)


@functools.lru_cache(maxsize=256)
def parse_cached(text: str) -> Equation:
    """parse_equation's cache (`parse_cached.cache_clear()` empties it)."""
    try:
        return _build(text)
    except EquationError:
        raise
    except Exception as exc:  # a bug here must still reach the student as an EquationError
        raise EquationError("internal") from exc


def _build(text: str) -> Equation:
    tree, lhs, rhs = parse_tree(text)
    f = checked(to_sympy(tree))
    if not f.free_symbols:  # x cancels only in exact arithmetic: 3·sin(x) − 3·sin(x)
        raise EquationError("x_has_no_effect")
    derivative = checked(sympy.diff(f, X))
    coeffs = polynomial_coeffs(tree)
    return Equation(
        text,
        _pretty(lhs, rhs),
        f,
        derivative,
        sympy_text(derivative),
        coeffs is not None,
        tree,
        coeffs,
        compile_torch(tree),
    )
