"""The equation language: a student's text parsed into f(x) = lhs − rhs, safely.

tokens → grammar (a bounded Node tree, see nodes) → one module per view of f: to_torch,
to_float64, to_sympy, polynomial and pretty; equation ties them into Equation.
"""

from .equation import CheckedEquation, Equation, check_equation, parse_cached, parse_equation
from .errors import EquationError

__all__ = [
    "CheckedEquation",
    "Equation",
    "EquationError",
    "check_equation",
    "parse_cached",
    "parse_equation",
]
