"""Split a student's text into tokens, by a whitelist: anything not listed is refused.

Numbers are short ASCII digit strings; names are split into the known functions, constants
and x. Columns are 1-based positions in the text as typed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from .errors import EquationError

MAX_LITERAL_CHARS = 30

FUNCTIONS = {n: getattr(math, n) for n in ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh")}
FUNCTIONS["abs"] = abs
CONSTANTS = {"pi": math.pi, "e": math.e}
_ALIASES = {"ln": "log", "π": "pi"}
_NAMES = sorted([*FUNCTIONS, *CONSTANTS, *_ALIASES, "x"], key=len, reverse=True)

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


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind ("num", "name", "sup", one of + - * / ^ ( ) =, or "end")."""

    kind: str
    text: str
    column: int


def tokenize(text: str) -> list[Token]:
    """Split text into tokens, ending with an "end" token; raise EquationError on bad input."""
    plain, tokens, pos = text.translate(_PLAIN), [], 0
    while pos < len(plain):
        m = _TOKEN.match(plain, pos)
        if m is None:
            raise _bad_char(text[pos], plain[pos], pos + 1)
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


def _bad_char(ch: str, plain: str, column: int) -> EquationError:
    """Why `ch` is refused; `plain` is its ASCII twin, so ，｜［ get the hints , | [ get."""
    name = unicodedata.name(ch, "unnamed character")
    if ch in _LOOKALIKES:
        return EquationError("lookalike", column, char=ch, name=name, looks_like=_LOOKALIKES[ch])
    codepoint = f"U+{ord(ch):04X}"
    if unicodedata.category(ch)[0] in "CZM":  # invisible or combining: never echo it
        return EquationError("invisible_char", column, codepoint=codepoint, name=name)
    code = _CHAR_CODES.get(plain, "unexpected_char")
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
