"""Random equations for property tests, built as text from a small grammar: a sum of one to
three scaled terms (polynomial, exp, sin, cos, sqrt, log, 1/x, tanh) and an integer."""

from __future__ import annotations

from hypothesis import strategies as st

TERMS = ["x", "x^2", "x^3", "exp(x)", "sin(x)", "cos(x)", "sqrt(x)", "log(x)", "1/x", "tanh(x)"]
coefficient = st.sampled_from([-3, -2, -1, -0.5, 0.5, 1, 2, 3])
term = st.tuples(coefficient, st.sampled_from(TERMS)).map(lambda ct: f"{ct[0]}*{ct[1]}")
# Each function at most once: c·T − c·T would make f ≡ 0, which parse_equation refuses.
distinct_terms = st.lists(term, min_size=1, max_size=3, unique_by=lambda ct: ct.split("*", 1)[1])
equations = st.tuples(distinct_terms, st.integers(-5, 5)).map(
    lambda tc: " + ".join(tc[0]) + f" + ({tc[1]})"
)
