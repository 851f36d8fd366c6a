"""Time the solver's pictures against a naive pyplot figure of the same three panels, the
figure of a 100,000-step run against the one of a 100-step run, and the animation (the
Animate button's GIF) against the still figure.

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
from solver.plots.animation import draw_gif
from solver.plots.animation_prepare import animation_picture
from solver.plots.draw import draw_png
from solver.plots.prepare import convergence_picture

WARMUP = 5
REPEAT = 30
GOAL = 0.4
LONG_STEPS = 100_000
GOAL_LONG = 1.3
GOAL_ANIMATION_CPU = 1.5  # seconds of CPU for one GIF, drawn in a drawing process


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


def median_cpu_s(draw: Callable[[], bytes], repeat: int = 10) -> float:
    """Median CPU seconds of this process for one call (what a drawing process spends)."""
    draw()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        draw()
        times.append(time.process_time() - start)
    return statistics.median(times)


def animation_table() -> None:
    """The GIF of the default run and of a 100,000-step run against the still figure, as
    the drawing process spends CPU on them (the frames prepared beforehand, as the worker does)."""
    print("| drawn in the drawing process | frames | KiB | CPU s | vs still figure | goal |")
    print("|---|---:|---:|---:|---:|---|")
    still_picture = convergence_picture(solve(Settings()))
    still = median_cpu_s(lambda: draw_png(still_picture))
    print(f"| still figure (PNG, 1200x500), default run | | | {still:.3f} | 1.00 | |")
    for name, settings in (
        ("default run", Settings()),
        ("100,000 steps", Settings(steps=LONG_STEPS)),
    ):
        picture = animation_picture(solve(settings))
        size = len(draw_gif(picture)) / 1024
        cpu = median_cpu_s(lambda picture=picture: draw_gif(picture))
        ok = "✓" if cpu <= GOAL_ANIMATION_CPU else "✗"
        print(
            f"| animation (GIF, 800x500), {name} | {len(picture.frames)} | {size:.0f} "
            f"| {cpu:.3f} | {cpu / still:.1f} | ≤ {GOAL_ANIMATION_CPU} s {ok} |"
        )


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
    print()
    animation_table()


if __name__ == "__main__":
    main()
