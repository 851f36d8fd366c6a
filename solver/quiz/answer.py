"""A typed answer read as a number without eval, and the tolerance a right answer is within."""

from __future__ import annotations

import math
import re
import unicodedata

REL_TOL = 0.005  # 0.5 % of the true value
ABS_TOL = 1e-6  # near zero, where 0.5 % of the value is smaller than any answer can hit
MAX_LENGTH = 40
# What NFKC leaves alone but a student types for a minus: − (U+2212), – (en dash), ー, ｰ.
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u30fc": "-", "\uff70": "-"})
# ASCII digits only: Python's float() would also take 1_000 and Arabic-Indic digits.
_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_COMMA_DECIMAL = re.compile(r"[+-]?[0-9]*,[0-9]+(?:[eE][+-]?[0-9]+)?")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?")


class AnswerError(ValueError):
    """A typed answer that is not a plain number; `code` names why (quiz.answer_<code>)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_answer(text: str) -> float:
    """A student's number: `-3.82`, `−3,82`, `1,234.5`, `4.2e-3`, full-width digits.

    A single comma without a point is a decimal comma (3,82); commas with a point group
    thousands (1,234.5). Anything else (fractions, names, 1_000, nan, inf) is refused with
    AnswerError, never evaluated.
    """
    cleaned = unicodedata.normalize("NFKC", text).translate(_MINUS).strip().replace(" ", "")
    if not cleaned:
        raise AnswerError("empty")
    if len(cleaned) > MAX_LENGTH:
        raise AnswerError("too_long")
    if _THOUSANDS.fullmatch(cleaned) and "." in cleaned:
        cleaned = cleaned.replace(",", "")
    elif _COMMA_DECIMAL.fullmatch(cleaned):
        cleaned = cleaned.replace(",", ".")
    if not _PLAIN.fullmatch(cleaned):
        raise AnswerError("not_a_number")
    value = float(cleaned)
    if not math.isfinite(value):
        raise AnswerError("too_large")
    return value


def close_enough(given: float, truth: float) -> bool:
    """Within 0.5 % of the truth, or within 1e-6 of it near zero."""
    return abs(given - truth) <= max(REL_TOL * abs(truth), ABS_TOL)
