"""The loop against the article's printed output, every outcome, and batched against single."""

import math
from pathlib import Path

import pytest

from solver import Outcome, Settings, SettingsError, solve, solve_batch

GOLDEN = Path(__file__).parent / "golden" / "expected_output.txt"


def test_default_run_prints_the_article_output_to_the_last_digit():
    run = solve(Settings())
    assert "\n".join(run.lines()) + "\n" == GOLDEN.read_text()


def test_article_hand_checks():
    run = solve(Settings())
    assert run.iterations[0].grad == -4.0
    assert f"{run.iterations[1].x:.7f}" == "1.0400000"
    assert f"{run.iterations[1].grad:.7f}" == "-3.8205440"
    assert f"{run.final_x:.7f}" == "1.4142133"


def test_default_run_converges_to_sqrt2_within_float32():
    run = solve(Settings())
    assert run.outcome is Outcome.CONVERGED
    assert run.root == pytest.approx(math.sqrt(2), abs=1e-15)
    assert run.error == pytest.approx(abs(run.final_x - math.sqrt(2)))
    assert run.error < 4e-7
    assert run.hint is None


def test_student_forms_of_the_default_give_the_article_numbers():
    reference = solve(Settings()).lines()
    for text in ("x^2 - 2", "x^2 = 2", "x**2 = 2", "x² − 2", "x^2 − 2 = 0"):
        assert solve(Settings(equation=text)).lines() == reference, text


@pytest.mark.parametrize(
    ("kwargs", "outcome", "hint"),
    [
        ({"x0": 0.0}, Outcome.STUCK, "stuck_hump"),
        ({"lr": 0.001}, Outcome.STILL_MOVING, "more_steps_larger"),
        ({"lr": 0.2}, Outcome.STILL_MOVING, "oscillating"),
        ({"lr": 1.0}, Outcome.DIVERGED, "lr_too_large"),
        ({"equation": "log(x) = 1", "x0": -1.0}, Outcome.OUT_OF_DOMAIN, "out_of_domain"),
        ({"equation": "sqrt(x) = 1.5", "x0": -4.0}, Outcome.OUT_OF_DOMAIN, "out_of_domain"),
        ({"equation": "x^2 + 1"}, Outcome.STILL_MOVING, "no_real_root_polynomial"),
        ({"precision": "float64", "steps": 400}, Outcome.CONVERGED, None),
        ({"optimizer": "adam", "lr": 0.1, "steps": 500}, Outcome.CONVERGED, None),
        ({"optimizer": "momentum", "steps": 300}, Outcome.CONVERGED, None),
    ],
)
def test_each_outcome_with_its_hint(kwargs, outcome, hint):
    run = solve(Settings(**kwargs))
    assert run.outcome is outcome
    assert (run.hint.key if run.hint else None) == hint


def test_hint_names_the_sgd_stability_bound_at_sqrt2():
    run = solve(Settings(lr=0.2))
    assert run.hint is not None
    assert run.hint.lr_bound == pytest.approx(0.125)
    assert run.hint.lr_above_bound is True
    assert solve(Settings(lr=0.001)).hint.lr_above_bound is False


def test_divergence_stops_early_and_keeps_the_iterations():
    run = solve(Settings(lr=1e30))
    assert run.outcome is Outcome.DIVERGED
    assert 1 <= len(run.iterations) < 100
    assert run.final_x == run.iterations[-1].x


def test_a_run_takes_all_its_steps_unless_it_diverges():
    assert len(solve(Settings(steps=250)).iterations) == 250
    assert len(solve(Settings(x0=0.0)).iterations) == 100


def test_out_of_domain_stops_at_the_first_bad_value():
    run = solve(Settings(equation="log(x) = 1", x0=-1.0))
    assert len(run.iterations) == 1
    assert math.isnan(run.iterations[0].y)


def test_time_limit_stops_a_run_and_says_so():
    run = solve(Settings(steps=100_000), max_seconds=0.05)
    assert run.outcome is Outcome.TIMED_OUT
    assert 0 < len(run.iterations) < 100_000


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lr": 0.0},
        {"lr": -1.0},
        {"lr": math.nan},
        {"x0": math.inf},
        {"steps": 0},
        {"optimizer": "rmsprop"},
        {"precision": "float16"},
    ],
)
def test_bad_settings_raise_settings_error(kwargs):
    with pytest.raises(SettingsError):
        solve(Settings(**kwargs))


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"steps": math.nan}, "steps_not_integer"),
        ({"steps": 1.9}, "steps_not_integer"),  # never silently 1
        ({"steps": 100.0}, "steps_not_integer"),
        ({"steps": True}, "steps_not_integer"),  # bool is not an int here
        ({"steps": "100"}, "steps_not_integer"),
        ({"x0": 10**400}, "x0_not_finite"),  # not an OverflowError
        ({"x0": -(10**400)}, "x0_not_finite"),
        ({"x0": "1"}, "x0_not_finite"),
        ({"x0": True}, "x0_not_finite"),
        ({"lr": None}, "lr_not_positive"),
        ({"lr": False}, "lr_not_positive"),
        ({"equation": 2}, "equation_not_text"),
        ({"optimizer": ["sgd"]}, "unknown_optimizer"),
    ],
)
def test_settings_of_the_wrong_kind_raise_settings_error_not_type_or_overflow_error(kwargs, code):
    with pytest.raises(SettingsError) as info:
        Settings(**kwargs)
    assert info.value.code == code


FLOAT32_MAX = 3.4028234663852886e38
# The largest lr torch can take as a float32 step: Adam's first step is lr / (1 − 0.9).
LR_LIMITS = {"sgd": FLOAT32_MAX, "momentum": FLOAT32_MAX, "adam": FLOAT32_MAX * (1 - 0.9)}


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_an_lr_or_x0_past_float32_is_refused_as_a_setting_and_the_limit_itself_runs(optimizer):
    limit = LR_LIMITS[optimizer]
    for lr in (1e39, math.nextafter(limit, math.inf)):
        with pytest.raises(SettingsError) as info:
            solve(Settings(lr=lr, optimizer=optimizer))
        assert info.value.code == "lr_too_large" and info.value.params == {"limit": limit}
        with pytest.raises(SettingsError):
            solve_batch(Settings(optimizer=optimizer), [0.1, lr])
    for x0 in (1e39, -1e39, 1e308):
        with pytest.raises(SettingsError) as info:
            Settings(x0=x0, optimizer=optimizer)
        assert info.value.code == "x0_too_large"
    # At the limits torch computes (and diverges) instead of raising; float64 takes more.
    assert solve(Settings(lr=limit, optimizer=optimizer)).outcome is Outcome.DIVERGED
    assert solve(Settings(x0=-FLOAT32_MAX, optimizer=optimizer)).outcome is Outcome.DIVERGED
    assert solve(Settings(lr=1e39, optimizer=optimizer, precision="float64")).outcome in (
        Outcome.DIVERGED,
        Outcome.STILL_MOVING,
    )


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batched_rows_equal_single_runs(optimizer, dtype):
    x0s = [1.0, 1.0, 0.5, -2.0, 3.0]
    lrs = [0.01, 0.05, 0.001, 0.02, 0.2]
    batch = solve_batch(
        Settings(equation="x^2 - 2", steps=60, optimizer=optimizer, precision=dtype), lrs, x0s=x0s
    )
    for row, x0, lr in zip(batch, x0s, lrs, strict=True):
        single = solve(
            Settings(
                equation="x^2 - 2", x0=x0, lr=lr, steps=60, optimizer=optimizer, precision=dtype
            )
        )
        assert row.lines() == single.lines(), (x0, lr)
        assert row.outcome is single.outcome


def test_batched_divergent_row_stops_while_others_go_on():
    runs = solve_batch(Settings(equation="x**2 - 2", steps=100), [0.01, 5.0])
    assert runs[0].outcome is Outcome.CONVERGED and len(runs[0].iterations) == 100
    assert runs[1].outcome is Outcome.DIVERGED and len(runs[1].iterations) < 100
    assert runs[1].lines() == solve(Settings(equation="x**2 - 2", x0=1.0, lr=5.0)).lines()


def test_a_step_into_unresolvable_territory_is_not_called_converged():
    # From π/2 in float32 the first step lands near 2.4e20, where one ulp spans many periods
    # of tan: no sign change there says anything about a root.
    run = solve(Settings(equation="tan(x)", x0=math.pi / 2))
    assert abs(run.final_x) > 1e19
    assert run.outcome is not Outcome.CONVERGED
    assert run.root is None


def test_a_large_but_resolvable_root_still_converges():
    run = solve(Settings(equation="x^2 = 1e12", x0=999_000.0, lr=1e-13, steps=200))
    assert run.outcome is Outcome.CONVERGED
    assert run.root == pytest.approx(1e6)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batch_agrees_with_single_to_the_printed_digit_over_many_rates(optimizer, dtype):
    # lrs that are not exact in float32 (0.01, 0.0123, 0.3) are where a batched lr rounded to
    # float32 before lr / bias_correction1 used to drift from torch's Adam from k = 9 on.
    lrs = [1e-5, 0.001, 0.01, 0.0123, 0.03, 0.1, 0.3, 0.7]
    batch = solve_batch(
        Settings("x^2 - 2", steps=200, optimizer=optimizer, precision=dtype),
        lrs,
        x0s=[1.0] * len(lrs),
    )
    for row, lr in zip(batch, lrs, strict=True):
        single = solve(
            Settings("x^2 - 2", x0=1.0, lr=lr, steps=200, optimizer=optimizer, precision=dtype)
        )
        assert row.lines() == single.lines(), lr
        assert [it.state for it in row.iterations] == [it.state for it in single.iterations]
        assert (row.outcome, row.hint) == (single.outcome, single.hint)
