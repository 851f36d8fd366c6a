"""Outcomes and hints against the numbers: the issue's cases by name, and every stated bound
checked by running just below and just above it."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import pytest

from solver import Outcome, Run, Settings, hint_text, parse_equation, solve
from solver._run import Hint


def key(run: Run) -> str | None:
    return run.hint.key if run.hint else None


def test_adam_gets_its_own_advice_and_no_sgd_bound() -> None:
    run = solve(Settings("cos(x) = x", x0=1, lr=0.5, steps=100, optimizer="adam"))
    assert run.outcome is Outcome.STILL_MOVING and key(run) == "adam_hovering"
    assert run.hint is not None and run.hint.lr_bound is None
    assert "2 / L''" not in (hint_text(run) or "")
    # the hint says more steps do not settle it, a smaller lr does: both hold
    longer = solve(Settings("cos(x) = x", x0=1, lr=0.5, steps=10_000, optimizer="adam"))
    assert longer.error is not None and run.error is not None and longer.error > run.error / 2
    assert (
        solve(Settings("cos(x) = x", x0=1, lr=0.05, steps=3000, optimizer="adam")).outcome
        is Outcome.CONVERGED
    )
    far = solve(Settings("exp(x) = 1e6", x0=0, lr=0.01, steps=100, optimizer="adam"))
    assert key(far) == "adam_far" and far.hint is not None and far.hint.lr_bound is None


def test_momentum_bound_is_two_times_one_plus_beta_over_curvature() -> None:
    run = solve(Settings("x**2 - 2", x0=1, lr=0.001, steps=10, optimizer="momentum"))
    assert run.hint is not None and run.hint.bound_kind == "momentum"
    assert run.hint.lr_bound == pytest.approx(1.9 / 8)  # 2(1 + 0.9) / L'', L'' = 2·(2√2)²


def test_a_valley_where_f_is_not_zero_is_stuck_with_where_and_f() -> None:
    run = solve(
        Settings("x^3 - 2x - 5", x0=-1, lr=0.01, steps=1000, optimizer="sgd", precision="float64")
    )
    assert run.outcome is Outcome.STUCK and key(run) == "stuck_valley"
    assert run.hint is not None and run.hint.at_x == pytest.approx(-math.sqrt(2 / 3))
    assert run.hint.f_at == pytest.approx(-(math.sqrt(2 / 3) ** 3) + 2 * math.sqrt(2 / 3) - 5)
    assert run.root == pytest.approx(2.0945514815423265)


def test_cos_from_1000_is_stuck_on_a_flat_spot_not_heading_for_the_root() -> None:
    run = solve(Settings("cos(x) = x", x0=1000, lr=0.1, steps=100))
    assert run.outcome is Outcome.STUCK and key(run) == "stuck_flat"
    # f' = −sin(x) − 1 = 0 at x = 2kπ − π/2: here k = 25
    assert run.final_x == pytest.approx(49.5 * math.pi, abs=1e-3)


def test_the_hump_at_zero_is_stuck() -> None:
    assert key(solve(Settings(x0=0.0))) == "stuck_hump"


@pytest.mark.parametrize(
    ("args", "root"),
    [
        (("sqrt(x) = 100", 1, 1), 10000.0),
        (("1/x = 0.001", 1, 0.01), 1000.0),
        (("exp(x) = 1e6", 0, 0.01), math.log(1e6)),
    ],
)
def test_far_roots_are_reported(args: tuple[str, float, float], root: float) -> None:
    assert solve(Settings(*args)).root == pytest.approx(root, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "x0"),
    [("exp(x)", 88.0), ("(x-1)^99", 2.0), ("x^99", 0.5), ("x^99", 1.0), ("x^2 + 1", 1.0)],
)
def test_no_false_roots(text: str, x0: float) -> None:
    run = solve(Settings(text, x0=x0))
    true_roots = {"exp(x)": None, "(x-1)^99": 1.0, "x^99": 0.0, "x^2 + 1": None}
    assert run.root == true_roots[text]


def test_no_real_root_says_no_start_can_help_and_gives_the_least_loss() -> None:
    run = solve(Settings("x^2 + 1", x0=1, lr=0.01, steps=100))
    assert key(run) == "no_real_root_polynomial"
    assert run.hint is not None and run.hint.f_at == pytest.approx(1.0)
    assert run.hint.at_x == pytest.approx(0.0, abs=1e-12)
    assert "no x0 can help" in (hint_text(run) or "")
    assert "start from another x0" not in (hint_text(run) or "").lower()
    tail = solve(Settings("exp(x)", x0=88.0))
    assert key(tail) == "no_root_tends" and "−∞" in (hint_text(tail) or "")


def test_a_step_below_half_an_ulp_is_stuck_and_names_precision_and_sizes() -> None:
    run = solve(Settings("x**2 - 2", x0=1.4, lr=1e-7, steps=10000))
    assert run.outcome is Outcome.STUCK and key(run) == "below_resolution_float32"
    assert run.hint is not None and run.hint.step is not None and run.hint.spacing is not None
    assert run.hint.step < run.hint.spacing == pytest.approx(2.0**-24)  # half an ulp at 1.4
    assert all(it.x == run.iterations[0].x for it in run.iterations)  # it really never moved
    assert "more steps" not in (hint_text(run) or "")


def test_never_leaving_x0_is_not_converged() -> None:
    run = solve(Settings("x**2 - 2", x0=1.414, lr=1e-6, steps=100))
    assert run.final_x == run.iterations[0].x
    assert run.outcome is Outcome.STUCK


def test_float64_at_full_precision_is_converged() -> None:
    run = solve(Settings("log(x) = 1", x0=1, lr=1, steps=100, optimizer="sgd", precision="float64"))
    assert run.error is not None and run.error < 1e-14
    assert run.outcome is Outcome.CONVERGED


@pytest.mark.parametrize("text", ["x^2 = 0", "sin(x)^2 = 0"])
def test_double_roots_say_sublinear_and_state_no_bound(text: str) -> None:
    run = solve(Settings(text, x0=1, lr=0.01, steps=100))
    assert run.outcome is Outcome.STILL_MOVING and key(run) == "double_root"
    assert run.hint is not None and run.hint.lr_bound is None
    words = hint_text(run) or ""
    assert "sublinear" in words and "?" not in words and "e+29" not in words


def test_divergence_with_lr_below_the_bound_blames_the_start_not_the_lr() -> None:
    run = solve(Settings("x^3 - 2x - 5", x0=1e4, lr=1e-7))
    assert run.outcome is Outcome.DIVERGED and key(run) == "diverged_far_start"
    assert run.hint is not None and run.hint.lr_bound is not None
    assert run.settings.lr < run.hint.lr_bound
    assert "smaller lr" not in (hint_text(run) or "")


def test_a_loss_cutoff_is_not_called_an_overflow() -> None:
    run = solve(Settings(lr=1.0))
    assert run.outcome is Outcome.DIVERGED and run.hint is not None
    assert run.hint.cause == "loss_cutoff"
    assert "overflow" not in (hint_text(run) or "")
    overflow = solve(Settings("exp(x) = 1e6", x0=0, lr=0.01))
    assert overflow.outcome is Outcome.DIVERGED  # exp overflowed float32: not "out of domain"
    assert overflow.hint is not None and overflow.hint.cause == "overflow"


def test_a_timed_out_run_that_had_converged_says_so() -> None:
    run = solve(
        Settings("x**2 - 2", x0=1, lr=0.1, steps=100_000, optimizer="sgd", precision="float64"),
        max_seconds=0.3,
    )
    assert run.outcome is Outcome.TIMED_OUT and key(run) == "timed_out_converged"
    assert "fewer steps" not in (hint_text(run) or "")


def test_old_stored_hints_still_load_and_read() -> None:
    old = {"key": "lr_too_small", "lr_bound": 0.5, "lr_above_bound": False, "gone": 1}
    hint = Hint.from_dict(old)
    assert hint.key == "lr_too_small"
    run = solve(Settings(lr=0.2))
    run.hint = hint
    assert hint_text(run) and hint_text(run, "ja")


# --- every stated bound, run at 0.9× and 1.1× it ------------------------------------------


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
@pytest.mark.parametrize("text", ["x**2 - 2", "x^3 - 2x - 5", "cos(x) = x", "exp(x) = 2"])
def test_stated_bound_separates_settling_from_bouncing(text: str, optimizer: str) -> None:
    root = solve(
        Settings(text, x0=1.0, lr=1e-9, steps=1, optimizer=optimizer, precision="float64")
    ).root
    assert root is not None
    x0 = root + 1e-3 * max(1.0, abs(root))
    probe = solve(Settings(text, x0=x0, lr=1e-6, steps=1, optimizer=optimizer, precision="float64"))
    assert probe.hint is not None and probe.hint.lr_bound is not None
    bound = probe.hint.lr_bound
    slope = parse_equation(text).slope(root)
    expected = 2 * (1.9 if optimizer == "momentum" else 1.0) / (2 * slope * slope)
    assert bound == pytest.approx(expected)
    below = solve(
        Settings(text, x0=x0, lr=0.9 * bound, steps=3000, optimizer=optimizer, precision="float64")
    )
    assert below.outcome is Outcome.CONVERGED
    above = solve(
        Settings(text, x0=x0, lr=1.1 * bound, steps=3000, optimizer=optimizer, precision="float64")
    )
    assert above.outcome is not Outcome.CONVERGED
    assert above.error is None or above.error > 1e-6
    assert key(above) in {
        "oscillating",
        "lr_too_large",
        "stuck_valley",
        "stuck_flat",
        "hint.stuck.tail",
    }


def test_f_that_rounds_to_zero_far_from_the_root_is_stuck_not_converged():
    # Found by the property test: in float32, −3x − 3x² + 3x² at x = −7.8e8 rounds to 0 (3x² is
    # so large that 3x falls below its rounding), so x stops there; the root is 0, far away.
    run = solve(Settings("-3*x - 3*x^2 + 3*x^2", x0=1.0, lr=1.0, steps=20))
    assert run.iterations[-1].y == 0 and run.final_x == -781556160.0
    assert run.outcome is Outcome.STUCK and run.root == 0.0
    assert run.hint is not None and run.hint.key == "f_rounds_to_zero_float32"
    text = hint_text(run, "en")
    assert "float32 computes f as 0" in text and "The root is 0" in text


@pytest.mark.parametrize("precision", ["float32", "float64"])
@pytest.mark.parametrize(
    ("equation", "root"),
    [("1e-300x - 1", 1e300), ("x*1e-320", 0.0), ("1e-310x", 0.0), ("(x+sqrt(2))^99 = 0", None)],
)
def test_tiny_or_huge_coefficients_end_in_an_outcome_not_a_crash(equation, root, precision):
    # Issue 11: these raised ZeroDivisionError in the lr bound (f'(x*)² underflows to 0).
    run = solve(Settings(equation, precision=precision))
    assert run.outcome in (Outcome.STUCK, Outcome.DIVERGED)
    if root is not None:
        assert run.root == root
    assert hint_text(run, "en")


def test_a_polynomial_whose_companion_matrix_overflows_still_gets_an_answer():
    # Issue 11: 1e-320x = 1 raised LinAlgError in numpy's polynomial roots (1 / 1e-320 = inf);
    # its root, 1e320, lies beyond float64, so no float x can reach it.
    run = solve(Settings("1e-320x = 1"))
    assert run.outcome is Outcome.STUCK and run.root is None and hint_text(run, "en")


def test_an_overflow_is_called_an_overflow_not_out_of_domain():
    # Issue 11: exp(1000x) = 1 and x/1e-320 = 1 were reported as "log or sqrt of a negative".
    for equation in ("exp(1000x)=1", "x/1e-320=1"):
        run = solve(Settings(equation))
        assert run.outcome is Outcome.DIVERGED, equation
        assert run.hint is not None and run.hint.cause == "overflow"
        assert "overflowed float32" in (hint_text(run, "en") or "")


def test_x_thrown_onto_a_tail_is_not_told_f_prime_is_zero_or_to_start_beyond_it():
    # 1/x = 0.001 from 1 with lr 1e6: the first step throws x to 2e6, where f → −0.001 and
    # f' = −1/x² only fades farther out: no flat spot, nothing "beyond" to start from.
    run = solve(Settings("1/x = 0.001", x0=1, lr=1e6, steps=100))
    assert run.outcome is Outcome.STUCK and key(run) == "hint.stuck.tail"
    text = hint_text(run, "en") or ""
    assert "f' = 0" not in text and "beyond" not in text and "root 1000" in text
    assert run.iterations[1].x > 1e6 and run.final_x == pytest.approx(1998001.0)


def test_a_frozen_x_whose_moving_lr_is_past_the_bound_is_not_told_to_take_it() -> None:
    """tanh(x) = 0.5 from 9 in float32: only an lr of about 8 would move x, but the bound at
    the root is 1.78. The hint says so instead of "take an lr of at least 8 (below 1.78)", and
    both halves of its claim hold: lr 8 moves x yet does not settle at the root, and float64
    moves x at the same lr."""
    run = solve(Settings("tanh(x) = 0.5", x0=9, lr=0.1, steps=200))
    assert key(run) == "below_resolution_unstable_float32"
    hint = run.hint
    assert hint is not None and hint.lr_bound is not None and hint.step and hint.spacing
    needed = run.settings.lr * 2 * hint.spacing / hint.step
    assert needed > hint.lr_bound
    text = hint_text(run) or ""
    assert "at least" not in text and "float64" in text
    moved = solve(Settings("tanh(x) = 0.5", x0=9, lr=needed * 1.1, steps=2000))
    assert moved.iterations[1].x != moved.iterations[0].x
    assert moved.outcome is not Outcome.CONVERGED
    wider = solve(Settings("tanh(x) = 0.5", x0=9, lr=0.1, steps=200, precision="float64"))
    assert wider.final_x < 9


def test_a_frozen_x_whose_moving_lr_is_below_the_bound_is_told_to_take_it() -> None:
    """x² − 2 from 1.4 at lr 1e-7 in float32: the lr that moves x is far below the bound 0.125,
    so the hint advises it, and that lr (1.1 times it) does move x."""
    run = solve(Settings("x**2 - 2", x0=1.4, lr=1e-7, steps=100))
    assert key(run) == "below_resolution_float32"
    hint = run.hint
    assert hint is not None and hint.lr_bound is not None and hint.step and hint.spacing
    needed = run.settings.lr * 2 * hint.spacing / hint.step
    assert needed < hint.lr_bound and "at least" in (hint_text(run) or "")
    moved = solve(Settings("x**2 - 2", x0=1.4, lr=needed * 1.1, steps=3))
    assert moved.iterations[1].x != moved.iterations[0].x


# A start where the loss (x² − 2)² is 1.05e30, just past the 1e30 cutoff, or 9.2e29, inside it;
# tanh(x) − 0.5 keeps the loss small, so only |x| > 1e100 stops it; 1e10 overflows float32.
@pytest.mark.parametrize(
    ("past", "inside", "cause"),
    [
        (Settings(x0=3.2e7, precision="float64"), 3.1e7, "loss_cutoff"),
        (Settings("tanh(x) - 0.5", x0=1.1e100, precision="float64"), 0.9e100, "x_cutoff"),
        (Settings(x0=1e10), 3.1e7, "overflow"),
    ],
)
def test_a_start_already_past_a_limit_says_no_step_was_taken(
    past: Settings, inside: float, cause: str
) -> None:
    run = solve(past)
    assert run.outcome is Outcome.DIVERGED and len(run.iterations) == 1
    assert run.hint is not None and (run.hint.key, run.hint.cause) == ("diverged_at_start", cause)
    assert run.root is not None and run.root > 0  # the root nearest a far positive x0
    words = hint_text(run) or ""
    assert "before any step" in words and "ran away" not in words and "one step" not in words
    assert "出発点" in (hint_text(run, "ja") or "")
    # Just inside the limits, the same problem takes steps and is judged by them.
    took_steps = solve(replace(past, x0=inside))
    assert len(took_steps.iterations) > 1 and key(took_steps) != "diverged_at_start"


def distance_after(lr: float, steps: int = 4) -> float:
    run = solve(Settings(x0=1.0, lr=lr, steps=steps, precision="float64"))
    assert run.root is not None
    return abs(run.final_x - run.root)


# x² − 2 at its root √2: L''(x*) = 2·f'(x*)² = 16, the bound 2/16 = 0.125, the fastest 1/16.
@pytest.mark.parametrize(
    ("lr", "key"),
    [
        (0.03, "more_steps_larger"),
        (0.0625 * 0.9, "more_steps_larger"),  # just below the fastest lr
        (0.0625 * 1.02, "more_steps"),  # within 5 % of it: no advice on lr
        (0.0625 * 1.1, "more_steps_smaller"),  # just above it
        (0.1, "more_steps_smaller"),
        (0.12, "more_steps_smaller"),
    ],
)
def test_the_more_steps_hint_points_lr_the_way_that_closes_in_faster(lr: float, key: str) -> None:
    run = solve(Settings(x0=1.0, lr=lr, steps=4, precision="float64"))
    assert run.outcome is Outcome.STILL_MOVING and run.hint is not None
    assert run.hint.key == key and run.hint.lr_bound == pytest.approx(0.125)
    words = hint_text(run) or ""
    here = distance_after(lr)
    if (
        key == "more_steps_larger"
    ):  # "a larger lr, up to 0.0625": that is closer after as many steps
        assert "a larger lr, up to 0.0625" in words
        assert distance_after(min(2 * lr, 0.0625)) < here and distance_after(0.0625) < here
    elif key == "more_steps_smaller":  # "an lr nearer 0.0625; a larger one would be slower"
        assert "nearer 0.0625" in words and "near it each step overshoots" in words
        assert distance_after(0.0625) < here
        assert distance_after(lr + (0.125 - lr) / 2) > here  # larger, still below the bound
        longer = solve(Settings(x0=1.0, lr=lr, steps=40, precision="float64"))
        tail = [it.x for it in longer.iterations if 1e-9 < abs(it.x - run.root) < 0.05]
        assert len(tail) >= 3, tail
        sides = [x > run.root for x in tail]  # near it, x alternates sides of the root
        assert all(a != b for a, b in itertools.pairwise(sides)), tail
    else:
        assert "larger" not in words and "nearer" not in words
