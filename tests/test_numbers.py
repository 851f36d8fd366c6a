"""The one number formatter: each caller's style, printed exactly as before."""

from __future__ import annotations

import math

from bot.text import number as bot_number
from bot.tutor.layout import clip_between_words
from solver import (
    Iteration,
    article_number,
    given_number,
    readable_number,
    seed_number,
    typed_number,
)
from solver._numbers import factor

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


def test_iteration_numbers_keep_seven_decimals_below_1e7_and_turn_scientific_above() -> None:
    values = (1.4142133, -0.0000007, 9999999.0, 1e7, 145671472018182111232.0, -3e-8, -0.0)
    assert [seed_number(v) for v in values] == [
        "1.4142133", "-0.0000007", "9999999.0000000", "1.0000000e+07", "1.4567147e+20",
        "0.0000000", "0.0000000",
    ]  # fmt: skip


def test_diverged_iteration_lines_print_in_scientific_notation() -> None:
    line = Iteration(7, 145671472018182111232.0, -8.65e63, 7.5e127, 8.65e63).line()
    assert line == "7: x=1.4567147e+20, y=-8.6500000e+63, dL/dx=8.6500000e+63"


def test_a_sentence_number_is_fixed_from_1e_4_to_1e7_and_scientific_outside() -> None:
    values = (10000.0, 0.7390851, 9999999.0, 9.99999e-5, 1e-4, 1e-12, 1.526e9, -0.0, None, math.inf)
    assert [readable_number(v) for v in values] == [
        "10000", "0.7391", "1e+07", "0.0001", "0.0001", "1e-12", "1.526e+09", "0", "?", "inf",
    ]  # fmt: skip


def test_a_setting_reads_exactly_as_given() -> None:
    values = (0.01, 1.0, 1e-07, 0.1234567891234, 1e16, -0.0, 2.5)
    assert [given_number(v) for v in values] == [
        "0.01", "1", "1e-07", "0.1234567891234", "1e+16", "0", "2.5",
    ]  # fmt: skip


def test_negative_factors_are_bracketed_and_zero_has_no_sign() -> None:
    assert [factor(v) for v in (-0.919, 1.841, -0.0, -2e-9)] == [
        "(-0.9190000)", "1.8410000", "0.0000000", "(-2.0000000e-09)",
    ]  # fmt: skip
    assert article_number(-0.0) == "0.0000000"


def test_a_long_line_is_cut_between_words_never_inside_a_number() -> None:
    # the seed's fixed point for 8.65e63: cut at 120 characters it read as 8.65 · 10^37
    line = f"7: x=1.0000000, y=-{9.3e31:.7f}, dL/dx={8.65e63:.7f}"
    cut = clip_between_words(line, 120)
    assert cut == f"7: x=1.0000000, y=-{9.3e31:.7f},…"
    assert clip_between_words("a" * 200, 120) == "a" * 119 + "…"
    assert clip_between_words(line, 1000) == line
