"""Read a student's equation into a small, bounded expression tree.

A whitelist tokenizer and a Pratt parser: user text never reaches eval, exec, compile or any of
sympy's string parsers, and numbers are read with float() on short ASCII digit strings only.
Every subtree without x is folded to a float64 as soon as it is built, so 9^9^9, 1e309 or
log(-1) are refused while parsing and later stages never meet an unbounded number.
"""

from __future__ import annotations

import math
import operator
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

MAX_LENGTH = 200
MAX_DEPTH = 20
MAX_NODES = 200
MAX_LITERAL_CHARS = 30
MAX_CONSTANT = 1e100
MAX_EXPONENT = 100
MAX_DEGREE = 100
MAX_COST = 600  # estimated nodes in the derivative; keeps sympy's work to milliseconds

FUNCTIONS = {n: getattr(math, n) for n in ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh")}
FUNCTIONS["abs"] = abs
CONSTANTS = {"pi": math.pi, "e": math.e}
_ALIASES = {"ln": "log", "π": "pi"}
_NAMES = sorted([*FUNCTIONS, *CONSTANTS, *_ALIASES, "x"], key=len, reverse=True)
_BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
_BINARY["^"] = math.pow

# What students type for - * / and spaces, and full-width ASCII, one char for one: columns stay.
# ー (U+30FC) is the minus a Japanese IME often gives.
_PLAIN = str.maketrans(
    "\u2212\u2013\u2010\u30fc\u00d7\u00b7\u22c5\u2219\u00f7\u00a0\u3000", "----****/  "
)
_PLAIN.update({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_LOOKALIKES = dict(zip("хХχⅹҳ𝑥еЕаАсСоОрРіѕ", "xxxxxxeeaaccooppis", strict=True))
_CHAR_CODES = {",": "decimal_comma", "[": "bracket", "]": "bracket", "{": "bracket"}
_CHAR_CODES.update({"}": "bracket", "|": "abs_bars"})
_TOKEN = re.compile(
    r"(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)|(?P<name>[A-Za-zπ]+)"
    r"|(?P<sup>⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|(?P<op>\*\*|[-+*/^()=])|(?P<space>[ \t\r\n]+)"
)

# English messages by stable code; `params` fill them, so the bot can translate by code.
MESSAGES = {
    "empty": "the equation is empty — type something like x^2 - 2",
    "too_long": "the equation is {length} characters long; at most {limit} are allowed",
    "unexpected_char": "unexpected character '{char}' ({codepoint}) at column {column}",
    "invisible_char": "invisible character {codepoint} ({name}) at column {column} — delete it",
    "lookalike": "'{char}' at column {column} is {name}, not the Latin letter {looks_like}"
    " — type {looks_like} with an English keyboard layout",
    "decimal_comma": "',' at column {column} — use '.' for decimals",
    "bracket": "'{char}' at column {column} — use round brackets ( )",
    "abs_bars": "'|' at column {column} — write abs(x) instead of |x|",
    "unknown_name": "unknown name '{name}' at column {column} — use x as the variable",
    "unknown_function": "unknown function '{name}' at column {column} — use one of {functions}",
    "needs_parentheses": "{name} at column {column} needs parentheses, like {name}(x)",
    "number_too_long": "the number at column {column} is too long (at most {limit} characters)",
    "bad_number": "the number at column {column} has two decimal points",
    "missing_operator": "a number at column {column} follows without an operator — add * or +",
    "unexpected_token": "unexpected '{found}' at column {column}",
    "unexpected_end": "the equation stops too early at column {column} — something is missing",
    "unbalanced": "unbalanced '{paren}' at column {column} — each '(' needs its ')'",
    "empty_side": "nothing on one side of '=' at column {column}",
    "too_many_equals": "a second '=' at column {column} — use one '=' at most",
    "too_deep": "the equation nests too deeply at column {column} (at most {limit} levels)",
    "too_complex": "the equation is too complex at column {column} to differentiate",
    "too_large": "the value at column {column} is too large (over {limit:g})",
    "exponent_too_large": "the exponent at column {column} is too large (at most {limit})",
    "degree_too_high": "the power of x at column {column} is too high (over {limit})",
    "division_by_zero": "division by zero at column {column}",
    "undefined": "{expression} at column {column} is undefined",
    "no_value": "part of the equation has no value (it divides by zero)",
    "result_too_large": "the numbers in this equation grow too large",
    "no_variable": "the equation has no x",
    "internal": "could not read this equation",
}


class EquationError(ValueError):
    """Why a text is not an equation this bot can solve.

    `code` is a key of MESSAGES, `column` is 1-based or None, and `params` (column included)
    fill the message, so the bot can translate it by code.
    """

    def __init__(self, code: str, column: int | None = None, **params: Any):
        self.code, self.column = code, column
        self.params: dict[str, Any] = {"column": column, **params}
        super().__init__(MESSAGES[code].format(**self.params))


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


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "num", "name", "sup", one of + - * / ^ ( ) =, or "end"
    text: str
    column: int


def _bad_char(ch: str, column: int) -> EquationError:
    name = unicodedata.name(ch, "unnamed character")
    if ch in _LOOKALIKES:
        return EquationError("lookalike", column, char=ch, name=name, looks_like=_LOOKALIKES[ch])
    codepoint = f"U+{ord(ch):04X}"
    if unicodedata.category(ch)[0] in "CZM":  # invisible or combining: never echo it
        return EquationError("invisible_char", column, codepoint=codepoint, name=name)
    code = _CHAR_CODES.get(ch, "unexpected_char")
    return EquationError(code, column, char=ch, codepoint=codepoint, name=name)


def _split_word(word: str, column: int, call: bool) -> list[Token]:
    """Split a run of letters into known names, longest first: `2xsin(x)` is 2·x·sin(x)."""
    found, i, lower = [], 0, word.lower()
    while i < len(word):
        name = next((n for n in _NAMES if lower.startswith(n, i)), None)
        if name is None and call:
            raise EquationError(
                "unknown_function", column, name=word, functions=", ".join(FUNCTIONS)
            )
        if name is None:
            raise EquationError("unknown_name", column, name=word)
        found.append(Token("name", _ALIASES.get(name, name), column + i))
        i += len(name)
    return found


def tokenize(text: str) -> list[Token]:
    """Split text into tokens; columns are 1-based positions in the text as typed."""
    plain, tokens, pos = text.translate(_PLAIN), [], 0
    while pos < len(plain):
        m = _TOKEN.match(plain, pos)
        if m is None:
            raise _bad_char(text[pos], pos + 1)
        kind, part, column, pos = m.lastgroup, m.group(), pos + 1, m.end()
        if kind == "num" and len(part) > MAX_LITERAL_CHARS:
            raise EquationError("number_too_long", column, limit=MAX_LITERAL_CHARS)
        if kind == "num" and plain[pos : pos + 1] == ".":
            raise EquationError("bad_number", column)
        if kind == "name":
            tokens += _split_word(part, column, call=plain[pos:].lstrip().startswith("("))
        elif kind == "sup":
            tokens.append(Token("sup", part.translate(_SUPERSCRIPT), column))
        elif kind == "op":
            tokens.append(Token("^" if part == "**" else part, part, column))
        elif kind == "num":
            tokens.append(Token("num", part, column))
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


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
            value = -values[0] if op == "neg" else _BINARY[op](*values)
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


_POWERS = {"+": 10, "-": 10, "*": 20, "/": 20, "name": 20, "(": 20, "^": 40, "sup": 40}


class _Parser:
    """Pratt parser: binding powers + - 10, * / and implicit · 20, unary sign 30, ^ 40."""

    def __init__(self, tokens: list[Token]):
        self.tokens, self.pos, self.depth, self.nodes = tokens, 0, 0, 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def node(self, op: str, args: tuple[Node, ...], column: int, text: str = "") -> Node:
        self.nodes += 1
        exponent = args[1].value if op == "^" else None
        if self.nodes > MAX_NODES:
            raise EquationError("too_complex", column)
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

    def expression(self, rbp: int = 0) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise EquationError("too_deep", self.peek().column, limit=MAX_DEPTH)
        left = self.prefix(self.take())
        while self.binding(self.peek()) > rbp:
            left = self.infix(left, self.peek())
        self.depth -= 1
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
        inner = self.expression(0)
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


def parse_tree(text: str) -> tuple[Node, Node | None]:
    """Parse `lhs` or `lhs = rhs` into trees; raise EquationError for anything else."""
    if len(text) > MAX_LENGTH:
        raise EquationError("too_long", None, length=len(text), limit=MAX_LENGTH)
    parser = _Parser(tokenize(text))
    if parser.peek().kind == "end":
        raise EquationError("empty")
    lhs, rhs = parser.expression(), None
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
    if lhs.value is not None and (rhs is None or rhs.value is not None):
        raise EquationError("no_variable")
    return lhs, rhs
