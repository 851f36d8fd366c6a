"""Issue 14, /race in the solver: Newton's method against a float64 reference, its outcomes
(converged, f' = 0, diverged), its explanation with the tangent line, and the race's lines
checked against the runs themselves."""

from __future__ import annotations

import itertools
import math

import pytest

from solver import (
    RACE_METHODS,
    TOLERANCE,
    Outcome,
    Settings,
    SettingsError,
    explain,
    hint_text,
    race,
    solve,
    solve_batch,
    steps_to_reach,
)

ROOT2 = math.sqrt(2.0)


def newton_reference(x: float, steps: int) -> list[float]:
    """x_0 … x_steps of Newton's method on x² − 2 in plain float64: x − (x² − 2) / 2x."""
    xs = [x]
    for _ in range(steps):
        x = x - (x * x - 2.0) / (2.0 * x)
        xs.append(x)
    return xs


def newton(**settings: object) -> object:
    return solve(Settings(optimizer="newton", **settings))  # type: ignore[arg-type]


def test_newton_on_x2_minus_2_from_1_follows_the_float64_reference_and_needs_4_steps():
    run = solve(Settings(optimizer="newton", precision="float64"))
    reference = newton_reference(1.0, 6)
    assert [it.x for it in run.iterations[:7]] == reference  # the same float64 operations
    assert reference[:5] == [1.0, 1.5, 1.4166666666666667, 1.4142156862745099, 1.4142135623746899]
    # x_3 is 2.1e-6 from √2, x_4 1.6e-12: within 1e-6 after 4 steps (x_0 … x_4: 5 iterates).
    assert abs(reference[3] - ROOT2) > TOLERANCE >= abs(reference[4] - ROOT2)
    assert steps_to_reach(run) == 4
    assert run.outcome is Outcome.CONVERGED and run.hint is None
    assert run.root is not None and abs(run.root - ROOT2) <= math.ulp(ROOT2)
    assert len(run.iterations) == 100  # the same steps as the others: Newton then stays put
    it = run.iterations[1]
    assert it.state == {"slope": 3.0} and it.y == 0.25 and it.grad == 2 * 0.25 * 3.0


def test_newton_in_float32_rounds_each_step_to_float32():
    run = solve(Settings(optimizer="newton"))
    lines = [it.line() for it in run.iterations[:5]]
    assert lines == [
        "0: x=1.0000000, y=-1.0000000, dL/dx=-4.0000000",
        "1: x=1.5000000, y=0.2500000, dL/dx=1.5000000",
        "2: x=1.4166666, y=0.0069444, dL/dx=0.0393517",
        "3: x=1.4142157, y=0.0000060, dL/dx=0.0000337",
        "4: x=1.4142135, y=-0.0000001, dL/dx=-0.0000007",
    ]
    reference = newton_reference(1.0, 4)
    for it, exact in zip(run.iterations, reference, strict=False):
        assert abs(it.x - exact) <= 4 * 2**-24 * abs(exact)
    assert steps_to_reach(run) == 4 and run.outcome is Outcome.CONVERGED


def test_a_flat_tangent_stops_newton_at_once_and_says_f_prime_is_0():
    run = solve(Settings(optimizer="newton", x0=0.0))
    assert [(it.x, it.y, it.state["slope"]) for it in run.iterations] == [(0.0, -2.0, 0.0)]
    assert run.final_x == 0.0 and run.outcome is Outcome.STUCK
    assert run.hint is not None and run.hint.key == "newton_zero_slope"
    assert "the tangent line is flat and never crosses 0" in (hint_text(run) or "")
    assert "接線が水平" in (hint_text(run, "ja") or "")
    text = explain(run, 0).text()
    assert "f'(x_0) = 0: the tangent is flat at height -2.0000000 and never crosses 0" in text
    assert explain(run, 0).x_next is None and explain(run, 0).predicted_x_next is None


def test_a_slope_that_only_rounds_to_0_is_told_apart_from_a_true_0():
    # tanh from 1.5: x jumps to −3.5, then 275.6, where f' = 1/cosh² ≈ 1e-239 rounds to 0
    # in float32 (and its square in float64's dL/dx); the true slope is not 0.
    run = solve(Settings(optimizer="newton", equation="tanh(x)", x0=1.5))
    assert run.outcome is Outcome.STUCK and run.iterations[-1].state["slope"] == 0.0
    assert run.hint is not None and run.hint.key == "newton_slope_rounds_to_zero"


def test_newton_diverging_runs_away_until_the_x_cutoff():
    # f = x/(1 + x²): far from the root 0 the tangent crosses 0 about twice as far out.
    run = solve(
        Settings(optimizer="newton", equation="x/(1+x^2)", x0=2, steps=400, precision="float64")
    )
    xs = [it.x for it in run.iterations]
    assert all(abs(b) > 1.9 * abs(a) for a, b in itertools.pairwise(xs[3:]))
    assert run.outcome is Outcome.DIVERGED and run.root == 0.0 and abs(run.final_x) > 1e100
    assert run.hint is not None and run.hint.key == "newton_diverged"
    assert run.hint.cause == "x_cutoff"
    assert "The run stopped when |x| passed 1e+100. Newton's method ran away" in (
        hint_text(run) or ""
    )
    assert steps_to_reach(run) is None


def test_newton_at_a_double_root_only_halves_the_distance():
    run = solve(Settings(optimizer="newton", equation="x^2", x0=1, steps=30, precision="float64"))
    assert [it.x for it in run.iterations[:4]] == [1.0, 0.5, 0.25, 0.125]
    assert run.outcome is Outcome.STILL_MOVING and run.hint is not None
    assert run.hint.key == "newton_double_root" and run.hint.distance == 2.0**-30


def test_explaining_a_newton_step_shows_its_tangent_and_where_it_crosses_0():
    run = solve(Settings(optimizer="newton"))
    explanation = explain(run, 1)
    text = explanation.text()
    assert "y = f(x_1) + f'(x_1) · (x − x_1) = 0.2500000 + (3.0000000) · (x − 1.5000000)" in text
    assert (
        "x_2 = x_1 − f(x_1) / f'(x_1) = 1.5000000 − (0.2500000) / (3.0000000) = 1.4166666" in text
    )
    assert "autograd found f'(x_k) = 3.0000000: the same." in text
    assert explanation.predicted_x_next == explanation.x_next == run.iterations[2].x
    ja = explain(run, 1, "ja").text()
    assert "③ x_1 での接線" in ja and "ニュートン法の一歩" in ja


def test_newton_is_a_race_method_not_a_batched_one():
    with pytest.raises(SettingsError):
        solve_batch(Settings(optimizer="newton"), [0.01, 0.1])
    with pytest.raises(SettingsError) as refused:
        Settings(optimizer="gauss")
    assert refused.value.code == "unknown_optimizer"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (Settings(), {"sgd": 78, "momentum": "not_within", "adam": "not_within", "newton": 4}),
        (
            Settings(x0=0.0),
            {"sgd": "stuck", "momentum": "stuck", "adam": "stuck", "newton": "zero_slope"},
        ),
        (
            Settings(equation="x/(1+x^2)", x0=2, steps=400, precision="float64"),
            {"sgd": "not_within", "momentum": "not_within", "adam": "not_within"}
            | {"newton": "diverged"},
        ),
    ],
)
def test_the_race_lines_are_true_of_the_runs(settings: Settings, expected: dict[str, object]):
    result = race(settings)
    assert [lane.method for lane in result.lanes] == list(RACE_METHODS)
    for lane in result.lanes:
        # Each lane is the very run /solve (or Newton's loop) makes of these settings.
        alone = solve(Settings(**{**settings.__dict__, "optimizer": lane.method}))
        assert lane.run.iterations == alone.iterations and lane.run.final_x == alone.final_x
        assert (lane.reached if lane.reached is not None else lane.why) == expected[lane.method]
        xs = [it.x for it in lane.run.iterations] + [lane.run.final_x]
        if lane.reached is not None:
            assert lane.run.root is not None
            assert all(abs(x - lane.run.root) <= TOLERANCE for x in xs[lane.reached :])
            assert lane.reached == 0 or abs(xs[lane.reached - 1] - lane.run.root) > TOLERANCE
        elif lane.why == "not_within":
            assert lane.run.root is not None and abs(xs[-1] - lane.run.root) > TOLERANCE
