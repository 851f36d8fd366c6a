"""The worst parse time per input length, over adversarial generators, against `x**2 - 2`.

For each length bucket (20, 40, ... 400 characters) it parses inputs from each generator (power
towers, rational towers, nested functions, long products, towers of x, random text of the
language), each afresh (caches cleared), and keeps the slowest: parse_equation (tokens,
grammar, bounds, sympy's f and f') and check_equation (the cheap check the event loop runs).
Ratios are against parsing `x**2 - 2` in the same run. Run with `python bench/bench_parse.py`.
"""

from __future__ import annotations

import contextlib
import random
import statistics
import time
from collections.abc import Callable

import sympy

from solver import EquationError, check_equation
from solver.equation import parse_cached, parse_equation

LENGTHS = range(20, 401, 20)
PER_GENERATOR = 12
_ATOMS = ["x", "2", "1/3", "(1/7)", "0.5", "pi", "e", "sqrt(2)", "x^2", "(x+1)", "7"]
_FUNCTIONS = ["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh"]


def _fill(piece: Callable[[random.Random], str], length: int, rng: random.Random) -> str:
    text = ""
    while len(text) < length:
        text += piece(rng)
    return text[:length]


GENERATORS: dict[str, Callable[[int, random.Random], str]] = {
    "rational tower": lambda n, r: "x" + _fill(lambda r: f"^(1/{r.randint(2, 99)})", n - 1, r),
    "tower": lambda n, r: "x" + _fill(lambda r: "^" + r.choice(_ATOMS), n - 1, r),
    "x tower": lambda n, r: "x" + "^x" * ((n - 1) // 2),
    "nested functions": lambda n, r: _nest(n, r),
    "long product": lambda n, r: _fill(lambda r: f"({r.choice(_ATOMS)}+{r.choice(_ATOMS)})", n, r),
    "language": lambda n, r: _fill(lambda r: r.choice([*_ATOMS, *"+-*/^()", "sin("]), n, r),
}


def _nest(length: int, rng: random.Random) -> str:
    text = "x"
    while len(text) < length:
        text = f"{rng.choice(_FUNCTIONS)}({text}{rng.choice('+-*/^')}{rng.choice(_ATOMS)})"
    return text


def seconds(fn: Callable[[str], object], text: str) -> float:
    """One fresh call, caches cleared; a refusal counts like an answer."""
    parse_cached.cache_clear()
    sympy.core.cache.clear_cache()
    start = time.perf_counter()
    with contextlib.suppress(EquationError):
        fn(text)
    return time.perf_counter() - start


def main() -> None:
    rng = random.Random(11)
    baseline = statistics.median(seconds(parse_equation, "x**2 - 2") for _ in range(30))
    print(f"baseline: parse_equation('x**2 - 2') {baseline * 1e3:.2f} ms (caches cleared)\n")
    print("| length | worst parse ms | × baseline | worst check ms | × baseline | slowest input |")
    print("|---:|---:|---:|---:|---:|---|")
    for length in LENGTHS:
        texts = [g(length, rng) for g in GENERATORS.values() for _ in range(PER_GENERATOR)]
        parse, text = max((seconds(parse_equation, t), t) for t in texts)
        check = max(seconds(check_equation, t) for t in texts)
        shown = text if len(text) <= 40 else text[:37] + "…"
        print(
            f"| {length} | {parse * 1e3:.1f} | {parse / baseline:.0f} | {check * 1e3:.2f} "
            f"| {check / baseline:.2f} | `{shown}` |"
        )


if __name__ == "__main__":
    main()
