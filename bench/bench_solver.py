"""Solver speed against baselines measured in the same process.

1. `solve` per iteration against the article's bare loop (same torch ops, nothing recorded).
2. A batch of 64 (x0, lr) settings through `solve_batch` against one `solve`.

Prints medians and ratios as a markdown table; run with `python bench/bench_solver.py`.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import replace

import torch
from torch import nn, optim

from solver import Settings, solve, solve_batch

STEPS = 1000
REPEATS = 15


def article_loop(steps: int = STEPS) -> None:
    """The article's program without its print: zero_grad, f, MSELoss, backward, step."""
    x = torch.tensor([1.0], requires_grad=True)
    loss = nn.MSELoss()
    optimizer = optim.SGD([x], lr=0.01)
    target = torch.tensor([0.0])
    for _ in range(steps):
        optimizer.zero_grad()
        y = x**2 - 2
        loss(y, target).backward()
        optimizer.step()


def paired_medians(
    baseline: Callable[[], object], candidate: Callable[[], object], repeats: int = REPEATS
) -> tuple[float, float]:
    """Median wall times of both, measured alternately so that load drift hits both alike."""
    baseline(), candidate()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for fn, bucket in ((baseline, times[0]), (candidate, times[1])):
            start = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    """Measure and print the table."""
    torch.set_num_threads(1)
    settings = Settings(equation="x**2 - 2", steps=100)
    bare, ours = paired_medians(article_loop, lambda: solve(replace(settings, steps=STEPS)))
    x0s = [1.0 + 0.01 * i for i in range(64)]
    lrs = [0.001 * (1 + i % 8) for i in range(64)]
    one, batch = paired_medians(
        lambda: solve(settings), lambda: solve_batch(settings, lrs, x0s=x0s)
    )
    print("| benchmark | baseline | gd-tutor | ratio | goal |")
    print("|---|---|---|---|---|")
    print(
        f"| solve, per iteration ({STEPS} steps) | article's bare loop {bare / STEPS * 1e6:.1f} µs "
        f"| {ours / STEPS * 1e6:.1f} µs | {ours / bare:.2f}× | ≤ 1.10× |"
    )
    print(
        f"| 64 settings batched (100 steps) | one run {one * 1e3:.1f} ms "
        f"| {batch * 1e3:.1f} ms | {batch / one:.2f}× | ≤ 2× |"
    )


if __name__ == "__main__":
    main()
