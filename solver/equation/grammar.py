"""The grammar: a Pratt parser from tokens to a bounded Node tree, `lhs` or `lhs = rhs`.

User text never reaches eval, exec, compile or any of sympy's string parsers.
"""

from __future__ import annotations

from typing import NamedTuple

from .errors import EquationError
from .nodes import Node, bounded_node
from .tokens import FUNCTIONS, Token, tokenize

MAX_LENGTH = 200
MAX_DEPTH = 20  # brackets inside brackets, as the user counts them
MAX_NESTING = 3 * MAX_DEPTH  # the parser's own levels: brackets, signs and powers
MAX_NODES = 200

_POWERS = {"+": 10, "-": 10, "*": 20, "/": 20, "name": 20, "(": 20, "^": 40, "sup": 40}


class Tree(NamedTuple):
    """f = lhs − rhs (lhs itself when there is no rhs or it is 0), and the sides as typed."""

    f: Node
    lhs: Node
    rhs: Node | None


def parse_tree(text: str) -> Tree:
    """Parse `lhs` or `lhs = rhs` into trees, with every bound checked and no sympy.

    Raises EquationError for anything else, including an equation where x has no effect
    (x − x = 1, 0x = 1, x⁰ = 2): f is then the same for every x, and there is nothing to solve.
    """
    if len(text) > MAX_LENGTH:
        raise EquationError("too_long", None, length=len(text), limit=MAX_LENGTH)
    parser = _Parser(tokenize(text))
    if parser.peek().kind == "end":
        raise EquationError("empty")
    lhs, rhs, column = parser.expression(), None, 0
    if parser.peek().kind == "=":
        column = parser.take().column
        if parser.peek().kind == "=":
            raise EquationError("too_many_equals", parser.peek().column)
        if parser.peek().kind == "end":
            raise EquationError("empty_side", column)
        rhs = parser.expression()
    tok = parser.peek()
    if tok.kind == "=":
        raise EquationError("too_many_equals", tok.column)
    if tok.kind == ")":
        raise EquationError("unbalanced", tok.column, paren=")")
    f = lhs if rhs is None or rhs.value == 0 else bounded_node("-", (lhs, rhs), column)
    if not f.has_x:
        raise EquationError("no_variable")
    if f.value is not None:
        raise EquationError("x_has_no_effect")
    return Tree(f, lhs, rhs)


class _Parser:
    """Pratt parser: binding powers + - 10, * / and implicit · 20, unary sign 30, ^ 40."""

    def __init__(self, tokens: list[Token]):
        self.tokens, self.pos, self.nodes = tokens, 0, 0
        self.nesting = self.brackets = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def node(self, op: str, args: tuple[Node, ...], column: int, text: str = "") -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise EquationError("too_complex", column)
        return bounded_node(op, args, column, text)

    def expression(self, rbp: int = 0) -> Node:
        self.nesting += 1
        if self.nesting > MAX_NESTING:  # e.g. - - - … x or x^x^…^x: no bracket to count
            raise EquationError("too_complex", self.peek().column)
        left = self.prefix(self.take())
        while self.binding(self.peek()) > rbp:
            left = self.infix(left, self.peek())
        self.nesting -= 1
        return left

    def binding(self, tok: Token) -> int:
        if tok.kind == "num":
            raise EquationError("missing_operator", tok.column)
        return _POWERS.get(tok.kind, 0)

    def prefix(self, tok: Token) -> Node:
        kind, column = tok.kind, tok.column
        if kind == "num":
            return self.node("num", (), column, tok.text)
        if kind == "name" and tok.text in FUNCTIONS:
            if self.peek().kind != "(":
                raise EquationError("needs_parentheses", column, name=tok.text)
            return self.node(tok.text, (self.group(self.take()),), column)
        if kind == "name":
            return self.node(tok.text, (), column)
        if kind == "(":
            return self.group(tok)
        if kind in ("+", "-"):
            operand = self.expression(30)
            return operand if kind == "+" else self.node("neg", (operand,), column)
        if kind == "end":
            raise EquationError("unexpected_end", column)
        if kind == "=":
            raise EquationError("empty_side", column)
        raise EquationError("unexpected_token", column, found=tok.text)

    def group(self, opening: Token) -> Node:
        self.brackets += 1
        if self.brackets > MAX_DEPTH:
            raise EquationError("too_deep", opening.column, limit=MAX_DEPTH)
        inner = self.expression(0)
        self.brackets -= 1
        tok = self.take()
        if tok.kind == "end":
            raise EquationError("unbalanced", opening.column, paren="(")
        if tok.kind != ")":
            raise EquationError("unexpected_token", tok.column, found=tok.text)
        return inner

    def infix(self, left: Node, tok: Token) -> Node:
        if tok.kind == "sup":  # x², x⁻¹
            self.take()
            exponent = self.node("num", (), tok.column, tok.text.lstrip("-"))
            if tok.text.startswith("-"):
                exponent = self.node("neg", (exponent,), tok.column)
            return self.node("^", (left, exponent), tok.column)
        if tok.kind in ("name", "("):  # implicit multiplication: 2x, x(x+1), (x-1)(x+3)
            return self.node("*", (left, self.expression(20)), tok.column)
        self.take()
        right = self.expression(39 if tok.kind == "^" else self.binding(tok))
        return self.node(tok.kind, (left, right), tok.column)
