"""Hypothesis over random equations, starts, rates, optimizers and precisions: the outcome
and the root a run reports agree with what its iterations did."""

from __future__ import annotations

import math

import sympy  # type: ignore[import-untyped]
from equation_grammar import equations
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from root_reference import is_true_root

from solver import EquationError, Outcome, Run, Settings, parse_equation, solve
from solver.equation.to_sympy import X

RATES = st.floats(-5, 0).map(lambda e: 10.0**e)


def moved_lately(run: Run, steps: int = 5) -> bool:
    xs = [it.x for it in run.iterations[-steps:]] + [run.final_x]
    return any(x != xs[-1] for x in xs)


def check_agrees_with_the_iterations(run: Run) -> None:
    eq = parse_equation(run.settings.equation)
    last = run.iterations[-1] if run.iterations else None
    if run.root is not None:
        assert is_true_root(eq, run.root), run.root
    if run.outcome is Outcome.CONVERGED:
        assert run.root is not None
        # within what the precision can reach: a loose bound the diagnosis must not exceed
        reach = 1e-3 if run.settings.precision == "float32" else 1e-7
        assert abs(run.final_x - run.root) <= reach * max(1.0, abs(run.root))
    elif run.outcome is Outcome.STUCK:
        assert last is not None
        # stuck only where the true f stays away from 0 (in 30 digits: float64 underflows)
        exact = eq.sympy.xreplace({X: sympy.Rational(run.final_x)}).evalf(30)
        assert exact != 0
        if moved_lately(run):  # settling: the last steps are small beside what is left
            distance = math.inf if run.root is None else abs(run.final_x - run.root)
            assert abs(run.final_x - last.x) <= 1e-2 * distance
    elif run.outcome is Outcome.STILL_MOVING:
        assert moved_lately(run), "called still moving, but x has not changed for 5 steps"
    elif run.outcome is Outcome.DIVERGED:
        assert last is not None
        numbers = (last.x, last.y, last.loss, last.grad)
        assert not all(map(math.isfinite, numbers)) or abs(last.x) > 1e100 or last.loss > 1e30
    elif run.outcome is Outcome.OUT_OF_DOMAIN:
        assert last is not None and not (math.isfinite(last.y) and math.isfinite(last.grad))


@settings(max_examples=60, deadline=None)
@given(
    text=equations,
    x0=st.floats(-6, 6),
    lr=RATES,
    steps=st.integers(20, 400),
    optimizer=st.sampled_from(["sgd", "momentum", "adam"]),
    dtype=st.sampled_from(["float32", "float64"]),
)
def test_outcome_agrees_with_what_the_iterations_did(
    text: str, x0: float, lr: float, steps: int, optimizer: str, dtype: str
) -> None:
    try:
        run = solve(Settings(text, x0=x0, lr=lr, steps=steps, optimizer=optimizer, precision=dtype))
    except EquationError as error:  # x cancels out (−3x + 3x): refused, nothing to run
        assert error.code == "x_has_no_effect", error
        reject()
    check_agrees_with_the_iterations(run)


@settings(max_examples=30, deadline=None)
@given(
    root=st.floats(-4, 4),
    power=st.sampled_from([1, 3]),
    lr=RATES,
    optimizer=st.sampled_from(["sgd", "momentum", "adam"]),
    dtype=st.sampled_from(["float32", "float64"]),
)
def test_runs_that_approach_a_known_root_are_judged_truthfully(
    root: float, power: int, lr: float, optimizer: str, dtype: str
) -> None:
    text = f"(x - ({root!r}))^{power} + (x - ({root!r}))"
    check_agrees_with_the_iterations(
        solve(Settings(text, x0=root + 0.5, lr=lr, steps=300, optimizer=optimizer, precision=dtype))
    )
