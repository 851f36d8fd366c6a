"""The cost model: how much symbolic work a subtree asks of sympy, constant parts included.

sympy is asked once to build f from the tree and once to differentiate it; its work grows with
the size of both, as long as no single part is costly on its own. So each node carries:

- `sym`: nodes of its sympy form;
- `cost`: an upper estimate of the nodes of its derivative (sum, product, quotient, chain rule);
- `bits`: for a constant, a bound on the bits of its exact value.

A subtree without x reaches sympy exactly (1/3, sqrt(2), π/2) only when it is *plain*: at most
PLAIN_SIZE nodes, at most one irrational step (a function or a non-integer power) and exact
numbers of at most PLAIN_BITS bits. Anything else becomes one Float atom of its float64 value.
Nested irrationals such as (1/3)^(1/7)^(1/11) are where sympy's exact powers and assumption
queries grow exponentially with the depth, so they never reach it; test_equation_cost checks
the model against the sizes sympy really builds, and bench/bench_parse.py against the time.
"""

from __future__ import annotations

from typing import NamedTuple

MAX_COST = 600  # estimated nodes of the derivative: keeps sympy's work to milliseconds
# sympy's assumption queries grow exponentially with these heights (bench/bench_parse.py):
MAX_TOWER = 2  # x^x^x
MAX_CHAIN = 5  # log(sqrt(abs(sin(exp(x))))); 6 took 0.6 s, 7 took 7 s with sympy's cache cold
PLAIN_SIZE = 12
PLAIN_BITS = 256
EXACT_DIGITS = 15  # integers typed with up to 15 digits stay exact in sympy


class Cost(NamedTuple):
    """What a subtree asks of sympy; `exact` says whether a constant is built exactly."""

    sym: int
    cost: int
    bits: int
    irrational: int  # irrational steps inside an exact constant
    exact: bool
    tower: int = 0  # powers with x in the exponent, one inside another: x^x^x is 2
    chain: int = 0  # functions and non-integer powers of x, one inside another


FLOAT_ATOM = Cost(sym=1, cost=0, bits=0, irrational=0, exact=False)


def leaf_cost(op: str, text: str) -> Cost:
    """A number, x, π or e."""
    if op == "x":
        return Cost(1, 1, 0, 0, True)
    if op == "num" and text.isdigit() and len(text) <= EXACT_DIGITS:
        return Cost(1, 0, int(text).bit_length(), 0, True)
    return Cost(1, 0, 0, 0, op != "num")  # other numbers are Floats already


def constant_cost(op: str, args: list[Cost], exponent: float | None) -> Cost:
    """A subtree without x: exact if plain, else one Float atom."""
    irrational = sum(a.irrational for a in args)
    irrational += op not in ("neg", "+", "-", "*", "/", "^") or (
        op == "^" and not _integral(exponent)
    )
    sym = 1 + sum(a.sym for a in args)
    bits = _bits(op, args, exponent)
    if irrational <= 1 and sym <= PLAIN_SIZE and bits <= PLAIN_BITS:
        return Cost(sym, 0, bits, irrational, True)
    return FLOAT_ATOM


def variable_cost(op: str, args: list[Cost], exponent: float | None) -> Cost:
    """A subtree with x: its sympy nodes and its derivative's nodes."""
    sym, cost = 1 + sum(a.sym for a in args), sum(a.cost for a in args)
    inner = sym - 1
    if op in ("+", "-"):
        cost += 1
    elif op == "*":
        cost += inner + 3
    elif op == "/":
        cost += inner + args[1].sym + 5
    else:  # neg, ^ and the functions, by the chain rule
        cost += (3 if op == "^" else 2) * inner + 4
    tower = max(a.tower for a in args) + (op == "^" and args[1].cost > 0)
    link = op not in ("neg", "+", "-", "*", "/", "^") or (op == "^" and not _integral(exponent))
    chain = max(a.chain for a in args) + link
    return Cost(sym, cost, 0, 0, True, tower, chain)


def _bits(op: str, args: list[Cost], exponent: float | None) -> int:
    """A bound on the bits of an exact constant: p/q + r/s = (ps + rq)/(qs), (p/q)ⁿ = pⁿ/qⁿ."""
    if op == "^" and _integral(exponent):
        return args[0].bits * int(abs(exponent or 0)) + args[1].bits
    if op in ("*", "/", "+", "-"):
        return sum(a.bits for a in args) + 1
    return max((a.bits for a in args), default=0)


def _integral(exponent: float | None) -> bool:
    return exponent is not None and exponent.is_integer()
