"""How numbers are printed, in one place.

Settings read as the student typed them, iteration lines and final x as the article prints
them (7 decimals), every other number in fixed point from 1e-4 to 1e7 and in scientific
notation outside, where fixed point would hide the digits that matter. Never "-0".
"""

from __future__ import annotations

import math

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
SMALL, LARGE = 1e-4, 1e7  # fixed point for 1e-4 <= |x| < 1e7, scientific notation outside


def typed_number(value: float, significant: int = 6, *, short_exponent: bool = True) -> str:
    """A setting as a student would type it: 1, 0.01, 1e-5 (at most `significant` digits).

    With short_exponent=False the exponent keeps Python's two digits: 1e-05.
    """
    if not math.isfinite(value):
        return str(value)
    text = f"{value + 0.0:.{significant}g}"  # + 0.0 turns -0.0 into 0.0
    if short_exponent and "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def given_number(value: float) -> str:
    """A setting exactly as given: the shortest text that reads back as the same float
    (0.01, 1e-07, 0.1234567891234), without a trailing ".0"."""
    if not math.isfinite(value):
        return str(value)
    text = repr(float(value) + 0.0)
    return text[:-2] if text.endswith(".0") else text


def seed_number(value: float) -> str:
    """A number of an iteration line or a final x as the article prints it: 7 decimals.

    Past 1e7 (only a diverging run gets there) fixed point would print 21 digits of float
    noise, so scientific notation; what rounds to 0 prints without a minus sign.
    """
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= LARGE:
        return f"{value:.7e}"
    text = f"{value:.7f}"
    return text[1:] if text == "-0.0000000" else text


def article_number(value: float) -> str:
    """A computed number as the article prints it (7 decimals), in e-notation when tiny or huge."""
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0.0000000"
    if SMALL <= abs(value) < LARGE:
        return f"{value:.7f}"
    return f"{value:.7e}"


def factor(value: float) -> str:
    """article_number in brackets when negative, to stand beside a · or −: (-0.9190000)."""
    text = article_number(value)
    return f"({text})" if text.startswith("-") else text


def readable_number(value: float | None, significant: int = 4) -> str:
    """A number in a sentence: `significant` digits without trailing zeros, in fixed point
    from 1e-4 to 1e7 (0.7391, 10000) and scientific notation outside (1e-12, 1.457e+20)."""
    if value is None:
        return "?"
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{significant - 1}e}".split("e")
    power = int(exponent)  # of the rounded value: 9999999 at 4 digits is 1e+07
    if math.log10(SMALL) <= power < math.log10(LARGE):
        text = f"{value:.{max(0, significant - 1 - power)}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa}e{exponent}"


def superscript(digits: str) -> str:
    """An integer's digits and minus sign raised: "-12" gives "⁻¹²"."""
    return digits.translate(_SUPERSCRIPT)
