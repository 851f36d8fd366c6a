"""A race turned into its picture's plain data (RacePicture), in the worker that ran it."""

from __future__ import annotations

import math

import numpy as np

from .._numbers import given_number
from .._race import Lane, Race
from .._roots import roots_among
from ..equation import Equation
from . import data
from . import words as wd
from .pictures import LogSeries, RaceLine, RacePicture
from .prepare import drawn_languages
from .ranges import min_max_columns, padded


def race_picture(race: Race, lang: str = "en") -> RacePicture:
    """Everything the race picture draws, in `lang` (a catalogue's code)."""
    runs = [lane.run for lane in race.lanes]
    if not runs:
        raise ValueError("a race needs at least one lane")
    eq = data.equation_of(runs[0])
    series = [data.loss_series(run) for run in runs]
    floor = data.log_floor(*(loss for _, loss in series))
    positive = data.positive_range(*(loss for _, loss in series))
    steps = max(max(len(run.iterations) for run in runs), 1)
    window = _window(race)
    lines = []
    for lane, (ks, loss) in zip(race.lanes, series, strict=True):
        ks, loss = min_max_columns(*data.on_log_axis(ks, loss, floor), (0.0, float(steps)))
        run = lane.run
        stopped = run.outcome in data.STOPPED and bool(run.iterations)
        path_x, path_loss = _path(lane, eq, window)
        lines.append(
            RaceLine(
                method=lane.method,
                loss=LogSeries(ks, loss, None, floor),
                stop=(len(run.iterations) - 1, run.iterations[-1].loss) if stopped else None,
                path_x=path_x,
                path_loss=path_loss,
                labels={shown: _label(lane, shown) for shown in drawn_languages(lang)},
            )
        )
    grid = np.linspace(*window, data.GRID_POINTS)
    curve, roots = _curve(eq, grid)
    s = runs[0].settings
    title = wd.equation_text(runs[0], eq)
    headings = {}
    for shown in drawn_languages(lang):
        say = wd.PlotWords(shown, [])
        subtitle = say(
            "plot.race.settings",
            x0=given_number(s.x0),
            lr=given_number(s.lr),
            steps=say.count(s.steps, "plot.step", "plot.steps"),
            dtype=s.precision,
        )
        headings[shown] = (say("plot.title", f=title), subtitle)
    return RacePicture(
        lang=lang,
        headings=headings,
        steps=steps,
        lines=lines,
        positive=positive,
        floor=floor,
        grid=grid,
        curve=curve,
        roots=roots,
        window=window,
    )


def _label(lane: Lane, lang: str) -> str:
    say = wd.PlotWords(lang, [])
    method = say(f"race.method.{lane.method}")
    if lane.reached is None:
        return say("plot.race.missed", method=method, why=say(f"race.why.{lane.why}"))
    if lane.reached == 1:
        return say("plot.race.reached_one", method=method)
    return say("plot.race.reached", method=method, n=lane.reached)


def _window(race: Race) -> tuple[float, float]:
    """Where the paths are worth seeing: every x of the runs that did not run away, and their
    roots (a diverged path is cut off at the edge rather than squashing the rest)."""
    kept = [lane.run for lane in race.lanes if lane.run.outcome not in data.STOPPED]
    runs = kept or [lane.run for lane in race.lanes]
    points = [x for run in runs for x in data.path_xs(run).tolist() if math.isfinite(x)]
    points += [run.root for run in runs if run.root is not None and math.isfinite(run.root)]
    if not points:
        return -1.0, 1.0
    lo, hi = min(points), max(points)
    if hi - lo <= 1e-12 * max(1.0, abs(lo)):
        half = max(1.0, 0.5 * abs(lo))
        return lo - half, hi + half
    return padded(lo, hi, data.WINDOW_MARGIN)


def _path(lane: Lane, eq: Equation | None, window: tuple[float, float]) -> tuple[np.ndarray, ...]:
    """(x_k, L(x_k)) along the run, thinned to the points that move a pixel; the recorded
    losses, and L computed in float64 at the final x."""
    run = lane.run
    xs = data.path_xs(run)
    final = eq.value(run.final_x) ** 2 if eq is not None and math.isfinite(run.final_x) else np.nan
    loss = np.append(data.column(run, "loss"), final)
    if run.outcome in data.STOPPED:  # the final x is the last recorded one again
        xs, loss = xs[:-1], loss[:-1]
    keep = np.isfinite(xs) & np.isfinite(loss)
    xs, loss = xs[keep], loss[keep]
    index = data.path_points(xs, loss, window)
    return xs[index], loss[index]


def _curve(eq: Equation | None, grid: np.ndarray) -> tuple[np.ndarray, list[float]]:
    if eq is None:
        return np.full(grid.shape, np.nan), []
    with np.errstate(all="ignore"):
        values = np.array([eq.value(float(x)) for x in grid], dtype=np.float64)
        curve = values * values
    curve[~np.isfinite(curve)] = np.nan
    lo, hi = float(grid[0]), float(grid[-1])
    roots = roots_among(eq, grid, float(grid[len(grid) // 2]), every=True)
    return curve, sorted(r for r in roots if lo <= r <= hi)
