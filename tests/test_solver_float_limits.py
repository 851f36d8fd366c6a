"""Runs the floats stop: each bound a hint states is run just below and just above it, and
each remedy it offers (or refuses) is tried on the numbers."""

import math
from dataclasses import replace

import pytest
import torch

from solver import Outcome, Settings, hint_text, solve
from solver._run import HUGE_X

FLOAT64_MAX = 1.7976931348623157e308
FROZEN_STEPS = 20


def key(settings: Settings) -> tuple[Outcome, str | None, str]:
    run = solve(settings)
    return run.outcome, None if run.hint is None else run.hint.key, hint_text(run, "en") or ""


def test_a_root_past_float64s_range_is_named_not_denied() -> None:
    # 1e-320x = 1 has its root at 1/1e-320 ≈ 1e320: it exists, but no float holds it.
    for precision in ("float32", "float64"):
        outcome, hint, text = key(Settings("1e-320x = 1", precision=precision))
        assert outcome is Outcome.STUCK and hint == "hint.range.float64"
        assert "has the real root 1e+320, but it lies beyond the range of float64" in text
        assert "no real root" not in text


def test_just_below_float64s_largest_the_root_is_found_just_above_it_is_beyond() -> None:
    below = solve(Settings("5.6e-309x = 1", precision="float64"))  # root 1.786e308
    assert below.root == pytest.approx(1 / 5.6e-309, rel=1e-12) and below.root < FLOAT64_MAX
    assert below.hint is not None and below.hint.key == "hint.range.cutoff"  # past 1e100, still
    _, hint, text = key(Settings("5.5e-309x = 1", precision="float64"))  # 1.818e308
    assert hint == "hint.range.float64" and "1.818e+308" in text
    assert math.isinf(float("1.818e308")) and math.isfinite(float("1.786e308"))


def test_just_below_the_x_cutoff_a_run_converges_just_above_it_cannot() -> None:
    # f' = 1e-80: lr = 1 / (2f'²) lands on the root in one step, wherever it is
    lr = 1 / (2 * 1e-80**2)
    below = solve(Settings("x*1e-80 = 9e19", x0=8.99999e99, lr=lr, precision="float64"))
    assert below.outcome is Outcome.CONVERGED and below.root == pytest.approx(9e99)
    assert below.root < HUGE_X
    above = solve(Settings("x*1e-80 = 1.1e20", x0=9.99999e99, lr=lr, precision="float64"))
    assert above.outcome is not Outcome.CONVERGED and above.root == pytest.approx(1.1e100)
    assert above.hint is not None and above.hint.key == "hint.range.cutoff"
    assert "once |x| passes 1e+100" in (hint_text(above, "en") or "")


def test_just_below_float32s_largest_a_run_converges_just_above_float64_must() -> None:
    lr = 5e37  # 1 / (2f'²) with f' = 1e-19: one step to the root
    below = solve(Settings("x*1e-19 = 3.3e19", x0=3.29999e38, lr=lr))
    assert below.outcome is Outcome.CONVERGED and below.root == pytest.approx(3.3e38)
    above = solve(Settings("x*1e-19 = 3.5e19", x0=3.4e38, lr=lr))
    assert above.outcome is not Outcome.CONVERGED and above.hint is not None
    assert above.hint.key == "hint.range.float32" and above.root == pytest.approx(3.5e38)
    assert "beyond the range of float32 (±3.4e+38)" in (hint_text(above, "en") or "")
    assert torch.isinf(torch.tensor(3.5e38, dtype=torch.float32))
    assert torch.isfinite(torch.tensor(3.4e38, dtype=torch.float32))
    wider = solve(Settings("x*1e-19 = 3.5e19", x0=3.49999e38, lr=lr, precision="float64"))
    assert wider.outcome is Outcome.CONVERGED  # what the hint advises does reach it


def test_a_constant_float32_cannot_hold_gets_no_advice_that_cannot_help() -> None:
    # 1e-320 is 0 in float32, so f = 0 there for every x; in float64 dL/dx = 2e-640·x is 0
    outcome, hint, text = key(Settings("x*1e-320"))
    assert outcome is Outcome.STUCK and hint == "f_rounds_to_zero_float32"
    assert "start nearer to it" not in text.lower() and "use float64" not in text.lower()
    assert "Neither a start nearer to the root nor float64 helps" in text
    for x0 in (0.5, 2.0**-30, 2.0**-120):  # what the hint says: nearer does not help
        assert solve(Settings("x*1e-320", x0=x0, steps=5)).iterations[-1].x == x0
    assert solve(Settings("x*1e-320", precision="float64", steps=5)).final_x == 1.0


def test_cancellation_far_out_is_told_to_start_nearer_and_nearer_works() -> None:
    # −3x − 3x² + 3x² at −7.8e8 in float32: 3x² swallows 3x, so f rounds to 0
    outcome, hint, text = key(Settings("-3x - 3x^2 + 3x^2", x0=-7.8e8))
    assert outcome is Outcome.STUCK and hint == "f_rounds_to_zero_float32"
    assert text.endswith("Start nearer to it, or use float64.")
    nearer = solve(Settings("-3x - 3x^2 + 3x^2", x0=-1.0, lr=0.05, steps=5))
    assert abs(nearer.final_x) < 1e-3 * abs(nearer.settings.x0)  # 1 − lr·L'' = 0.1 per step
    wider = solve(Settings("-3x - 3x^2 + 3x^2", x0=-7.8e8, precision="float64", steps=3))
    assert wider.iterations[1].x != wider.iterations[0].x


def test_float64_advised_only_where_it_moves_x() -> None:
    # f = x·1e-30: dL/dx = 2e-60·x underflows float32; in float64 the step 2e-62 is far
    # below half an ulp at 1, so float64 is not advised either.
    outcome, hint, text = key(Settings("x*1e-30"))
    assert outcome is Outcome.STUCK
    assert hint == "gradient_underflow_float32" and "Neither a start nearer" in text
    assert solve(Settings("x*1e-30", precision="float64", steps=5)).final_x == 1.0
    # f = x·1e-20: dL/dx = 2e-40·x underflows float32 to 0 only when x is small enough
    _, hint, text = key(Settings("x*1e-20", x0=1e-6, lr=1e30))
    assert hint == "gradient_underflow_float32" and text.endswith(
        "Use float64: from this x it takes a step that moves x."
    )
    moved = solve(Settings("x*1e-20", x0=1e-6, lr=1e30, precision="float64", steps=3))
    assert moved.iterations[1].x != moved.iterations[0].x


def test_the_stated_freezing_distance_is_where_x_stops() -> None:
    # f = x − 1e6 in float32: half the spacing there is 1/32, and lr·L'' = 0.02 per step,
    # so x stops (1/32) / 0.02 = 1.56 short of the root; 2000 steps get it there.
    settings = Settings("x = 1e6", x0=1e6 + 1000, lr=0.01, steps=100)
    short = solve(settings)
    assert short.hint is not None and short.hint.key == "will_freeze_float32"
    stated = short.hint.distance
    assert stated == pytest.approx(1.5625)
    assert "will stop about 1.562 short of it" in (hint_text(short, "en") or "")
    long = solve(replace(settings, steps=2000))
    assert long.outcome is Outcome.STUCK and long.error is not None
    assert 0.5 * stated <= long.error <= 1.01 * stated
    wider = solve(replace(settings, steps=2000, precision="float64"))  # what the hint advises
    assert wider.error is not None and wider.error < 1e-6 * stated


def test_x_that_stops_long_before_the_root_is_told_where() -> None:
    # 1/x = 0.001 from 1: dL/dx ≈ −2/x³ fades so fast that a step falls below half a float32
    # spacing near x = 28, far from the root 1000 (not 1.5e9 "short" of it, as the picture
    # near the root would say). Just below that x the steps still move x, just above not.
    run = solve(Settings("1/x = 0.001", x0=1, lr=0.01, steps=100))
    assert run.hint is not None and run.hint.key == "hint.freeze.far_float32"
    at = run.hint.at_x
    assert at is not None and 25 < at < 30 and run.hint.distance == pytest.approx(1000 - at)
    for x0, moves in ((0.9 * at, True), (1.1 * at, False)):
        tried = solve(Settings("1/x = 0.001", x0=x0, lr=0.01, steps=FROZEN_STEPS))
        assert (tried.final_x != tried.iterations[0].x) is moves, x0


def test_a_multiple_root_says_where_the_floats_stop_x_and_that_is_where_it_stops() -> None:
    # x^99 from 1: dL/dx = 198·x^197 fades so fast that float32 stops x near 0.91, long
    # before the root 0; "more steps help, slowly" holds only up to there.
    run = solve(Settings("x^99"))
    assert run.root == 0.0 and run.hint is not None and run.hint.key == "double_root"
    at = run.hint.at_x
    assert at is not None and 0.9 < abs(at) < 0.92
    assert "But only until x is near -0.912" in (hint_text(run, "en") or "")
    for x0, moves in ((1.1 * abs(at), True), (0.9 * abs(at), False)):
        tried = solve(Settings("x^99", x0=x0, steps=FROZEN_STEPS))
        assert (tried.final_x != tried.iterations[0].x) is moves, x0
