"""Long runs are drawn from one min/max pair per pixel column, and drawn the same; the drawing
side loads neither torch nor sympy."""

from __future__ import annotations

import dataclasses
import io
import math
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from solver import Settings, solve
from solver._run import Iteration, Outcome, Run
from solver.plots import data
from solver.plots.draw import draw_png
from solver.plots.prepare import comparison_picture, convergence_picture
from solver.plots.ranges import COLUMNS, min_max_columns

ROOT = Path(__file__).resolve().parents[1]


def wobbly_run(n: int = 100_000) -> Run:
    """x drifts towards √2 while it wobbles and takes a few lone spikes: every column differs."""
    rng = np.random.default_rng(12)
    k = np.arange(n)
    xs = 1.0 + 0.4 * (1 - np.exp(-k / 20_000)) + 0.05 * np.sin(k / 37.0) * rng.random(n)
    xs[[7_001, 55_555, 99_000]] = [2.5, 0.2, 1.9]
    losses = (xs * xs - 2) ** 2
    iterations = [
        Iteration(i, float(x), float(x * x - 2), float(loss), float(4 * x * (x * x - 2)))
        for i, x, loss in zip(k.tolist(), xs.tolist(), losses.tolist(), strict=True)
    ]
    settings = Settings(steps=n)
    return Run(settings, iterations, float(xs[-1]), Outcome.STILL_MOVING, math.sqrt(2))


def columns_of(ks: np.ndarray, span: tuple[float, float]) -> np.ndarray:
    width = (span[1] - span[0]) / COLUMNS
    return np.clip(((ks - span[0]) / width).astype(np.int64), 0, COLUMNS - 1)


def test_each_pixel_column_keeps_exactly_the_extremes_of_the_full_series() -> None:
    run = wobbly_run()
    ks, xs = data.x_series(run)
    span = (0.0, float(len(run.iterations)))
    cut_ks, cut_xs = min_max_columns(ks, xs, span)
    assert cut_xs.size <= 2 * COLUMNS
    assert np.all(np.diff(cut_ks) > 0)  # in the order they were visited
    full, cut = columns_of(ks, span), columns_of(cut_ks, span)
    assert set(cut.tolist()) == set(full.tolist())
    for c in np.unique(full)[:: COLUMNS // 100]:
        assert cut_xs[cut == c].min() == xs[full == c].min()
        assert cut_xs[cut == c].max() == xs[full == c].max()
    assert {2.5, 0.2, 1.9} <= set(cut_xs.tolist())  # the lone spikes survive


def test_a_long_runs_curves_draw_the_same_pixels_as_the_full_series() -> None:
    run = wobbly_run()
    cut = convergence_picture(run)
    ks, loss = data.loss_series(run)
    full = dataclasses.replace(
        cut,
        x_ks=data.x_series(run)[0],
        xs=data.x_series(run)[1],
        loss=dataclasses.replace(cut.loss, ks=ks, values=loss),
    )
    assert cut.xs.size <= 2 * COLUMNS and full.xs.size == len(run.iterations) + 1
    drawn_cut, drawn_full = (pixels(draw_png(p)) for p in (cut, full))
    # Panels (a) and (b), where the series are drawn: antialiased edges may differ by a shade.
    left = slice(0, 820)
    differ = np.abs(drawn_cut[:, left] - drawn_full[:, left]).max(axis=2)
    assert (differ > 64).mean() < 0.001, (differ > 64).sum()
    assert (differ > 0).mean() < 0.01


def test_the_figure_of_a_long_run_holds_no_more_points_than_a_pixel_can_show() -> None:
    run = solve(Settings(steps=20_000, lr=0.001))
    picture = convergence_picture(run)
    assert picture.xs.size <= 2 * COLUMNS and picture.loss.values.size <= 2 * COLUMNS
    assert picture.path_x.size <= data.MAX_POINTS
    batch = comparison_picture([run, solve(Settings(steps=20_000, lr=0.002))])
    assert all(line.loss.values.size <= 2 * COLUMNS for line in batch.lines)
    assert pixels(draw_png(picture)).shape == (500, 1200, 3)


def test_a_short_run_is_drawn_from_every_point() -> None:
    run = solve(Settings(steps=1_000))
    picture = convergence_picture(run)
    assert picture.xs.tolist() == [it.x for it in run.iterations] + [run.final_x]
    assert picture.path_x.size == len(run.iterations) + 1


def test_the_drawing_entry_point_draws_without_torch_or_sympy() -> None:
    picture = convergence_picture(solve(Settings()), "ja")
    batch = comparison_picture([solve(Settings(lr=lr)) for lr in (0.01, 0.1)])
    script = (
        "import pickle, sys\n"
        "from solver.plots.draw import draw_png\n"
        "pictures = pickle.loads(sys.stdin.buffer.read())\n"
        "sizes = [len(draw_png(p)) for p in pictures]\n"
        "assert 'torch' not in sys.modules and 'sympy' not in sys.modules, 'heavy import'\n"
        "print(*sizes)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=pickle.dumps([picture, batch]),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert all(int(size) > 10_000 for size in done.stdout.split())


def pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)
