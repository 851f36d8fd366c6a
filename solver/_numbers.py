"""How numbers are printed: settings as a student typed them, results as the article prints them,
exponents as superscripts."""

from __future__ import annotations

import math

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def typed_number(value: float, significant: int = 6, *, short_exponent: bool = True) -> str:
    """A setting as a student would type it: 1, 0.01, 1e-5 (at most `significant` digits).

    With short_exponent=False the exponent keeps Python's two digits: 1e-05.
    """
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.{significant}g}"
    if short_exponent and "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def article_number(value: float) -> str:
    """A computed number as the article prints it (7 decimals), in e-notation when tiny or huge."""
    if not math.isfinite(value):
        return str(value)
    if value == 0 or 1e-4 <= abs(value) < 1e7:
        return f"{value:.7f}"
    return f"{value:.7e}"


def superscript(digits: str) -> str:
    """An integer's digits and minus sign raised: "-12" gives "⁻¹²"."""
    return digits.translate(_SUPERSCRIPT)
