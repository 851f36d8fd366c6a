"""Explanations: the article's hand checks, and every optimizer against autograd and torch's step."""

import math

import pytest

from solver import IterationOutOfRange, Outcome, Run, Settings, explain, solve


def test_iteration_0_is_the_articles_first_hand_check():
    e = explain(solve(Settings()), 0)
    assert e.dl_dy == -2.0 and e.dy_dx == 2.0 and e.chain == -4.0 and e.autograd == -4.0
    assert e.agrees
    assert e.x_next == pytest.approx(1.04, abs=1e-7)
    text = e.text()
    assert "dL/dx = dL/dy · dy/dx = (-2.0000000) · 2.0000000 = -4.0000000" in text
    assert "1.0000000 − 0.01 · (-4.0000000) = 1.0400000" in text


def test_iteration_1_shows_the_articles_second_line_and_the_next_x():
    text = explain(solve(Settings()), 1).text()
    assert "x_1 = 1.0400000" in text
    assert "autograd found dL/dx = -3.8205440" in text
    assert "x_2 = 1.0782053" in text
    assert "dy/dx = 2x = " in text


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_every_step_agrees_with_autograd_and_with_the_next_recorded_x(optimizer, dtype):
    run = solve(
        Settings(
            equation="x^3 - 2x - 5",
            x0=2.5,
            lr=0.002,
            steps=40,
            optimizer=optimizer,
            precision=dtype,
        )
    )
    for k in range(len(run.iterations)):
        e = explain(run, k)
        assert e.agrees, (k, e.chain, e.autograd)
        assert e.predicted_x_next == e.x_next == run.next_x(k), k


def test_momentum_explanation_shows_the_recorded_velocity():
    run = solve(Settings(optimizer="momentum"))
    text = explain(run, 5).text()
    assert f"{run.iterations[5].state['momentum_buffer']:.7f}" in text
    assert (
        "④ The update (SGD with momentum 0.9)" in text and "v ← 0.9 · v + dL/dx = 0.9 · (" in text
    )


def test_adam_explanation_shows_moments_and_bias_corrections():
    run = solve(Settings(optimizer="adam", lr=0.1))
    e = explain(run, 2)
    text = e.text()
    assert "t = 3" in text
    assert f"{run.iterations[2].state['exp_avg']:.7f}" in text
    assert f"{run.iterations[2].state['exp_avg_sq']:.7f}" in text
    # torch's constants, printed from the solver's one copy of them
    assert "m ← 0.9 · m + 0.1 · g = 0.9 · (" in text
    assert "v ← 0.999 · v + 0.001 · g² = 0.999 · " in text
    assert "m̂ = m / (1 − 0.9^3) = " in text and "v̂ = v / (1 − 0.999^3) = " in text
    assert "x ← x − lr · m̂ / (√v̂ + 1e-8) = " in text


def test_japanese_explanation_has_the_same_numbers():
    en, ja = explain(solve(Settings()), 1), explain(solve(Settings()), 1, lang="ja")
    assert (en.chain, en.x_next) == (ja.chain, ja.x_next)
    assert "連鎖律" in ja.text() and "-3.8205440" in ja.text() and "1.0782053" in ja.text()


def test_the_last_iteration_of_a_diverged_run_has_no_update():
    run = solve(Settings(lr=1e30))
    assert run.outcome is Outcome.DIVERGED
    e = explain(run, len(run.iterations) - 1)
    assert e.x_next is None
    assert "no step was taken" in e.text()


@pytest.mark.parametrize("k", [-1, 100, 10**9])
def test_out_of_range_iteration_names_the_range(k):
    with pytest.raises(IterationOutOfRange) as info:
        explain(solve(Settings()), k)
    assert info.value.last == 99


@pytest.mark.parametrize("k", [True, False, 2.5, 1.0, "1", None])
def test_an_iteration_that_is_not_an_int_is_out_of_range_never_iteration_true(k):
    with pytest.raises(IterationOutOfRange) as info:
        explain(solve(Settings(steps=5)), k)
    assert info.value.last == 4
    assert "Iteration True" not in str(info.value)


def test_a_run_with_no_iterations_says_it_has_none():
    empty = Run(Settings(), [], final_x=1.0, outcome=Outcome.TIMED_OUT)
    with pytest.raises(IterationOutOfRange) as info:
        explain(empty, 0)
    assert info.value.last == -1
    assert str(info.value) == "iteration 0 is out of range: this run has no iterations"


def test_negative_factors_of_the_chain_rule_stand_in_brackets():
    # x0 = -1: dL/dy = 2·(1 − 2) = −2 and dy/dx = 2x = −2, both negative
    text = explain(solve(Settings(x0=-1.0)), 0).text()
    assert "dL/dx = dL/dy · dy/dx = (-2.0000000) · (-2.0000000) = 4.0000000" in text


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("lr", [0.01, 1e-07, 0.1234567891234, 3.0])
def test_lr_reads_exactly_as_given_in_every_update(optimizer, lr):
    text = explain(solve(Settings(lr=lr, steps=3, optimizer=optimizer)), 1).text()
    given = {0.01: "0.01", 1e-07: "1e-07", 0.1234567891234: "0.1234567891234", 3.0: "3"}[lr]
    update = [line for line in text.splitlines() if line.startswith("  x ← x − lr")]
    assert len(update) == 1 and f" − {given} · " in update[0]


def test_no_negative_zero_in_an_explanation():
    # f = −x at x = 0 computes y = −0.0, and so dL/dy = −0.0: both print as 0
    run = solve(Settings(equation="-x", x0=0.0, steps=3))
    assert math.copysign(1, run.iterations[0].y) == -1
    text = explain(run, 0).text() + "\n".join(run.lines())
    assert "-0.0000000" not in text and "y_0 = f(x_0) = −x = 0.0000000" in text


def test_outside_the_domain_the_derivative_shows_its_value_and_f_has_none():
    run = solve(Settings(equation="log(x) = 1", x0=-0.906, steps=5))
    assert run.outcome is Outcome.OUT_OF_DOMAIN
    e = explain(run, 0)
    text = e.text()
    assert "dy/dx = 1/x = -1.1037527   (at x = -0.9060000)" in text
    assert "log(x) − 1 has no real value at x = -0.9060000: x is outside the domain of f." in text
    assert "autograd gives dL/dx = nan too" in text
    assert "differ" not in text and "nan (at" not in text
    assert e.agrees


def test_outside_the_domain_a_derivative_without_value_says_so():
    run = solve(Settings(equation="sqrt(x) = 1", x0=-4.0, steps=5))
    text = explain(run, 0, "ja").text()
    assert "dy/dx = 1/(2sqrt(x)) も x = -4.0000000 では実数値を持ちません。" in text
    assert "食い違って" not in text
