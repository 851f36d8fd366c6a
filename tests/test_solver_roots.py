"""The root finder: the issue's cases by name, and agreement with a brute-force scan."""

from __future__ import annotations

import math

import pytest
from equation_grammar import equations
from hypothesis import given, settings
from hypothesis import strategies as st
from root_reference import is_true_root, scan_roots

from solver import Settings, hint_text, parse_equation, solve
from solver._roots import nearest, real_roots_near


def root_of(text: str, near: float) -> float | None:
    found = nearest(parse_equation(text), near)
    return None if found is None else found.x


@pytest.mark.parametrize(
    ("text", "near", "expected"),
    [
        ("sqrt(x) = 100", 1.0, 10000.0),
        ("1/x = 0.001", 1.0, 1000.0),
        ("exp(x) = 1e6", 0.0, math.log(1e6)),
        ("cos(x) = x", 1.0, 0.7390851332151607),
        ("cos(x) = x", 1000.0, 0.7390851332151607),
        ("x^3 - 2x - 5", -1.0, 2.0945514815423265),
        ("(x-1)^99", 2.0, 1.0),
        ("x^99", 0.5, 0.0),
        # x^99 is 0.0 in float64 for |x| < 0.005: no sample is exactly 0, the sign change
        # spans the underflowed stretch (the final x of x^99 from 1 in float32)
        ("x^99", -0.9414355158805847, 0.0),
        ("x^12 - 1e100", 1e8, 1e100 ** (1 / 12)),
    ],
)
def test_nearest_root_is_found_wherever_it_is(text: str, near: float, expected: float) -> None:
    assert root_of(text, near) == pytest.approx(expected, rel=1e-14, abs=1e-300)


@pytest.mark.parametrize(
    ("text", "near"),
    [
        ("exp(x)", 88.0),  # tends to 0 as x → −∞, never 0
        ("exp(-x)", 1000.0),  # underflows to 0.0 in float64 from x ≈ 745: still no root
        ("x^2 + 1", 1.0),
        ("1/x", 0.5),  # a pole at 0 is a sign change, not a root; 1/x → 0 at ∞
        ("x^2 + 1e-20", 0.0),  # touches 1e-20, not 0
        ("3 - 3*tanh(x)", 0.0),  # rounds to 0.0 in float64 past x = 19.06, yet never 0
    ],
)
def test_no_root_is_reported_where_f_only_tends_to_zero_or_has_a_pole(
    text: str, near: float
) -> None:
    assert real_roots_near(parse_equation(text), near) == []


def test_double_roots_are_found_and_marked_multiple() -> None:
    square = nearest(parse_equation("x^2"), 0.33)
    assert square is not None and square.x == 0.0 and square.multiple
    for near, k in ((0.39, 0), (3.0, 1), (6.5, 2), (-3.5, -1)):
        found = nearest(parse_equation("sin(x)^2"), near)
        assert found is not None and found.multiple
        assert found.x == pytest.approx(k * math.pi, abs=1e-15)
    simple = nearest(parse_equation("x^2 - 2"), 1.0)
    assert simple is not None and not simple.multiple


@settings(max_examples=40, deadline=None)
@given(text=equations, near=st.floats(-6, 6))
def test_nearest_root_agrees_with_a_dense_scan_and_bisection(text: str, near: float) -> None:
    eq = parse_equation(text)
    found = nearest(eq, near)
    reference = scan_roots(eq, near - 20, near + 20)
    if found is not None:
        assert is_true_root(eq, found.x), (text, found)
    if reference:
        closest = min(reference, key=lambda r: abs(r - near))
        assert found is not None, (text, near, closest)
        assert abs(found.x - near) <= abs(closest - near) + 1e-9 * max(1.0, abs(closest))


def test_a_root_between_the_domain_edge_and_the_first_sample_is_found():
    # Found by the hypothesis search below: log's domain starts at 0 and the root, 0.00244, lies
    # before the first grid point inside it, so no sampled sign change brackets it.
    found = nearest(parse_equation("-3*exp(x) - 0.5*log(x)"), -1.6598607191092247)
    assert found is not None and found.x == pytest.approx(0.0024426450632592, rel=1e-12)


@pytest.mark.parametrize("near", [1e20, 9e99, 1.1e100, 1e300, -1e300, 1.7976931348623157e308])
def test_a_root_far_from_the_start_is_found_across_any_span_of_floats(near: float) -> None:
    # Halving [−2e98, 4e99] as reals leaves a bracket 1e39 wide after 200 steps: the root of
    # tanh(x) − 0.5 was missed and the tutor said f had none. Halving the floats closes it.
    eq = parse_equation("tanh(x) - 0.5")
    found = nearest(eq, near)
    assert found is not None and is_true_root(eq, found.x)
    assert found.x == pytest.approx(math.atanh(0.5), rel=1e-15)
    run = solve(Settings("tanh(x) - 0.5", x0=near, precision="float64"))
    assert run.root == found.x and "no real root" not in (hint_text(run) or "")


@pytest.mark.parametrize(("text", "near"), [("-3*sqrt(x) + (0)", 0.875), ("sqrt(x)", 2.0)])
def test_a_root_on_the_edge_of_the_domain_is_found(text: str, near: float) -> None:
    # Found by the hypothesis search above: f = 0 only at the edge, where no sample fell and
    # f keeps its sign on the one side it has.
    found = nearest(parse_equation(text), near)
    assert found is not None and found.x == 0.0 and is_true_root(parse_equation(text), 0.0)


def test_a_decimal_constant_counts_with_its_own_bits() -> None:
    # 1/x − 0.001 is 0.0 in float64 at both 999.9999999999999 and 1000: as a 15-digit Float the
    # constant made both exact zeros, and the root came out one float short.
    eq = parse_equation("1/x = 0.001")
    found = nearest(eq, 1.0)
    assert found is not None and found.x == 1000.0
    assert solve(Settings("1/x = 0.001", x0=990.0, precision="float64")).root == 1000.0
