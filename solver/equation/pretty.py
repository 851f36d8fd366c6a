"""Readable Unicode text of an equation: x² − 2, 2x + 1, sin(x), e^(−x)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sympy  # type: ignore[import-untyped]
from sympy import Expr

from .._numbers import superscript
from .tokens import FUNCTIONS

if TYPE_CHECKING:
    from .nodes import Node

MAX_TEXT = 400

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "^": 4}
_INTEGER_POWER = re.compile(r"\*\*(?:(\d{1,3})(?![\d.])|\((-\d{1,3})\))")  # x**2, x**(-1)


def tree_text(node: Node) -> str:
    """The tree as a student would write it by hand, keeping the numbers as typed."""
    op, args = node.op, node.args
    if op == "num":
        return node.text
    if op in ("x", "e"):
        return op
    if op == "pi":
        return "π"
    if op in FUNCTIONS:
        return f"{op}({tree_text(args[0])})"
    if op == "neg":
        return "−" + _wrap(args[0], 3)
    a, b = args
    if op == "^":
        if _is_integer_literal(b):
            return _wrap(a, 5) + superscript(tree_text(b).replace("−", "-"))
        return f"{_wrap(a, 5)}^{_wrap(b, 5)}"
    right = f"({tree_text(b)})" if b.op == "neg" else _wrap(b, 2 if op in "+-" else 4)
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


def sympy_text(expr: Expr) -> str:
    """sympy's text made readable: 3·x² − 2 rather than 3*x**2 - 2."""
    whole = [f for f in expr.atoms(sympy.Float) if abs(f) < 1e15 and float(f).is_integer()]
    text = sympy.sstr(expr.xreplace({f: sympy.Integer(int(f)) for f in whole}), full_prec=False)
    text = _INTEGER_POWER.sub(lambda m: superscript(m[1] or m[2]), text)
    text = text.replace("**", "^").replace("*", "·").replace("-", "−").replace("Abs(", "abs(")
    text = re.sub(r"\bpi\b", "π", re.sub(r"\bE\b", "e", text))
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)·(?=[a-zπ(])", r"\1", text)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _is_integer_literal(node: Node) -> bool:
    inner = node.args[0] if node.op == "neg" else node
    return inner.op == "num" and inner.text.isdigit() and len(inner.text) <= 3


def _wrap(node: Node, precedence: int) -> str:
    text = tree_text(node)
    return f"({text})" if _PRECEDENCE.get(node.op, 5) < precedence else text
