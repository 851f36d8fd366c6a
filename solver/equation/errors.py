"""EquationError and the English message of each of its codes."""

from __future__ import annotations

from typing import Any

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
    "too_deep": "the brackets at column {column} nest too deeply (at most {limit} inside each other)",
    "too_complex": "the equation is too complex at column {column} to differentiate",
    "too_large": "the value at column {column} is too large (over {limit:g})",
    "exponent_too_large": "the exponent at column {column} is too large (at most {limit})",
    "degree_too_high": "the power of x at column {column} is too high (over {limit})",
    "division_by_zero": "division by zero at column {column}",
    "undefined": "{expression} at column {column} is undefined",
    "no_value": "part of the equation has no value (it divides by zero)",
    "result_too_large": "the numbers in this equation grow too large",
    "no_variable": "the equation has no x",
    "x_has_no_effect": "x has no effect here (it cancels out, as in x − x, 0x or x⁰):"
    " the equation is the same for every x, so there is nothing to solve",
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
