"""The one number formatter: each caller's style, printed exactly as before."""

from __future__ import annotations

import math

from bot.text import number as bot_number
from solver import article_number, typed_number

VALUES = (1.0, 0.01, 1e-5, -3.0, 1e30, 0.1234567891234, 2.5e-7, 0.0, math.nan, -math.inf)


def test_settings_read_as_typed_in_the_pictures() -> None:
    assert [typed_number(v) for v in VALUES] == [
        "1", "0.01", "1e-5", "-3", "1e30", "0.123457", "2.5e-7", "0", "nan", "-inf",
    ]  # fmt: skip


def test_settings_keep_ten_digits_in_the_bot() -> None:
    assert [bot_number(v) for v in VALUES] == [
        "1", "0.01", "1e-05", "-3", "1e+30", "0.1234567891", "2.5e-07", "0", "nan", "-inf",
    ]  # fmt: skip


def test_results_print_as_the_article_does() -> None:
    assert [article_number(v) for v in VALUES] == [
        "1.0000000", "0.0100000", "1.0000000e-05", "-3.0000000", "1.0000000e+30",
        "0.1234568", "2.5000000e-07", "0.0000000", "nan", "-inf",
    ]  # fmt: skip
