"""Time the solver's pictures against a naive pyplot figure of the same three panels, and the
figure of a 100,000-step run against the one of a 100-step run.

Run as `python bench/bench_plots.py`. Everything happens in one process: a warmup, then
REPEAT timed renders of each; the tables give median milliseconds. The long-run timing is the
whole picture (reading the run, cutting it to pixel columns, the landscape, drawing, PNG),
the two sizes interleaved so that the machine's load hits both alike.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from solver import Settings, render_comparison, render_convergence, solve, solve_batch
from solver._run import Run

WARMUP = 5
REPEAT = 30
GOAL = 0.4
LONG_STEPS = 100_000
GOAL_LONG = 1.3


def naive_convergence(run: Run) -> bytes:
    """What one would write first: pyplot, a new figure each time, tight_layout."""
    ks = np.arange(len(run.iterations) + 1)
    xs = np.array([it.x for it in run.iterations] + [run.final_x])
    loss = np.array([it.loss for it in run.iterations])
    grid = np.linspace(xs.min() - 0.25, xs.max() + 0.25, 400)
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(12, 4), dpi=100)
    a.plot(ks, xs)
    if run.root is not None:
        a.axhline(run.root, ls="--", color="red")
    a.set_title("x per iteration")
    a.set_xlabel("iteration k")
    b.semilogy(ks[:-1], loss)
    b.set_title("loss per iteration")
    b.set_xlabel("iteration k")
    c.plot(grid, (grid**2 - 2) ** 2)
    c.plot(xs, (xs**2 - 2) ** 2, "o-", ms=3)
    c.plot([xs[0]], [(xs[0] ** 2 - 2) ** 2], "go")
    c.plot([xs[-1]], [(xs[-1] ** 2 - 2) ** 2], "bs")
    c.plot([2**0.5], [0], "o", mfc="none", mec="red", ms=12)
    c.set_title("loss L(x) = f(x)²")
    c.set_xlabel("x")
    fig.suptitle(f"f(x) = {run.settings.equation}, x0={run.settings.x0}, lr={run.settings.lr}")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def median_ms(render: Callable[[], bytes]) -> float:
    for _ in range(WARMUP):
        render()
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def interleaved_ms(a: Callable[[], bytes], b: Callable[[], bytes]) -> tuple[float, float]:
    """Median ms of `a` and of `b`, timed alternately."""
    for _ in range(WARMUP):
        a(), b()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEAT):
        for render, found in zip((a, b), times, strict=True):
            start = time.perf_counter()
            render()
            found.append(time.perf_counter() - start)
    return 1000 * statistics.median(times[0]), 1000 * statistics.median(times[1])


def main() -> None:
    run = solve(Settings(equation="x**2 - 2", x0=1.0, lr=0.01, steps=100))
    runs = solve_batch(Settings(equation="x**2 - 2"), [0.001, 0.01, 0.1, 0.5])
    naive = median_ms(lambda: naive_convergence(run))
    ours = median_ms(lambda: render_convergence(run))
    comparison = median_ms(lambda: render_comparison(runs))
    print("| picture | median ms | vs naive |")
    print("|---|---:|---:|")
    print(f"| naive pyplot, 3 panels (1200x400) | {naive:.1f} | 1.00 |")
    print(f"| render_convergence (1200x500) | {ours:.1f} | {ours / naive:.2f} |")
    print(f"| render_comparison, 4 lrs (1200x500) | {comparison:.1f} | {comparison / naive:.2f} |")
    verdict = "meets" if ours <= GOAL * naive else "misses"
    print(f"\nrender_convergence {verdict} the goal of <= {GOAL}x the naive figure.\n")
    long_run = solve(Settings(equation="x**2 - 2", x0=1.0, lr=0.01, steps=LONG_STEPS))
    short, long = interleaved_ms(
        lambda: render_convergence(run), lambda: render_convergence(long_run)
    )
    print("| figure | median ms | vs 100 steps | goal |")
    print("|---|---:|---:|---|")
    print(f"| render_convergence, 100 steps | {short:.1f} | 1.00 | |")
    ok = "✓" if long <= GOAL_LONG * short else "✗"
    print(
        f"| render_convergence, {LONG_STEPS:,} steps | {long:.1f} | {long / short:.2f} "
        f"| ≤ {GOAL_LONG} {ok} |"
    )


if __name__ == "__main__":
    main()
