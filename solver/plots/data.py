"""The numbers the pictures draw: a run's finite series, the loss landscape and its roots."""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
import torch

from .._roots import roots_among
from .._run import Iteration, Outcome, Run
from ..equation import Equation, EquationError, parse_equation
from .ranges import COLUMNS, padded

MAX_POINTS = 3000  # on the path of (c), where steps that move a pixel or more are kept
GRID_POINTS = 400
WINDOW_MARGIN = 0.25
STOPPED = (Outcome.DIVERGED, Outcome.OUT_OF_DOMAIN)


def equation_of(run: Run) -> Equation | None:
    """The run's equation, or None if its text no longer parses."""
    try:
        return parse_equation(run.settings.equation)
    except EquationError:
        return None


def column(run: Run, field: str) -> np.ndarray:
    """One field of every iteration ("x", "loss", …) as float64, in one pass at C speed."""
    index = Iteration._fields.index(field)
    its = run.iterations
    return np.fromiter(map(itemgetter(index), its), dtype=np.float64, count=len(its))


def path_xs(run: Run) -> np.ndarray:
    """x_0 … x_{n−1} and the final x."""
    return np.append(column(run, "x"), run.final_x)


def x_series(run: Run) -> tuple[np.ndarray, np.ndarray]:
    """(k, x_k) for k = 0..n, the last being the final x; finite points only."""
    xs = path_xs(run)
    return finite(np.arange(xs.size, dtype=np.float64), xs)


def loss_series(run: Run) -> tuple[np.ndarray, np.ndarray]:
    """(k, loss_k) for every iteration with a finite loss."""
    loss = column(run, "loss")
    return finite(np.arange(loss.size, dtype=np.float64), loss)


def finite(ks: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points whose value is finite."""
    keep = np.isfinite(values)
    return ks[keep], values[keep]


def positive_range(*losses: np.ndarray) -> tuple[float, float] | None:
    """The smallest and largest positive loss, if there is one."""
    every = np.concatenate(losses)
    positive = every[every > 0]
    return (float(positive.min()), float(positive.max())) if positive.size else None


def on_log_axis(
    ks: np.ndarray, loss: np.ndarray, floor: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """The points a log axis can show, exact zeros moved to `floor`."""
    if floor is not None:
        loss = np.where(loss == 0, floor, loss)
    return ks[loss > 0], loss[loss > 0]


def log_floor(*losses: np.ndarray) -> float | None:
    """Where exact zeros go on a log axis: a decade below the smallest positive loss."""
    if not any(np.any(loss == 0) for loss in losses):
        return None
    positive = positive_range(*losses)
    if positive is None:
        return 1.0
    return 10.0 ** (math.floor(math.log10(positive[0])) - 1)


@dataclass(frozen=True)
class Landscape:
    """L(x) = f(x)² on a grid over the window, the path on it and the real roots in it."""

    grid: np.ndarray
    loss: np.ndarray
    path_x: np.ndarray
    path_loss: np.ndarray
    roots: list[float]
    window: tuple[float, float]


def landscape(
    run: Run, eq: Equation | None, xs: np.ndarray | None = None, recorded: np.ndarray | None = None
) -> Landscape:
    """The loss curve over the range the run visited (with margins), and the path on it.

    `xs` (x_0 … x_n, see path_xs) and `recorded` (the run's loss at each, nan at x_n) may be
    passed when the caller has them already.
    """
    xs = path_xs(run) if xs is None else xs
    recorded = np.append(column(run, "loss"), np.nan) if recorded is None else recorded
    if eq is None:
        px, pl = _finite_pairs(xs, recorded)
        window = _window(px, run.root)
        index = path_points(px, pl, window)
        return Landscape(np.empty(0), np.empty(0), px[index], pl[index], [], window)
    lo, hi = _window(xs[np.isfinite(xs)], run.root)
    # Thinned on the run's own losses, then L is computed in float64 where it is drawn.
    shown = xs[path_points(xs, recorded, (lo, hi))]
    px, pl = _finite_pairs(shown, _loss(eq, shown))
    grid = np.linspace(lo, hi, GRID_POINTS)
    with np.errstate(all="ignore"):
        values = _f(eq, grid)
    roots = [r for r in _roots(eq, grid) if lo <= r <= hi]
    if (
        run.root is not None
        and lo <= run.root <= hi
        and all(abs(run.root - r) > 1e-9 * max(1.0, abs(r)) for r in roots)
    ):
        roots.append(run.root)  # a double root (L touches 0 without a sign change of f)
    with np.errstate(all="ignore"):
        loss = values * values
    loss[~np.isfinite(loss)] = np.nan
    return Landscape(grid, loss, px, pl, sorted(roots), (lo, hi))


def path_points(xs: np.ndarray, loss: np.ndarray, window: tuple[float, float]) -> np.ndarray:
    """Indices of the path worth drawing: every one for a short path; else the steps that
    leave the pixel of the step before (a converging run's mostly do not), the first, the last
    and any without a finite value, then at most MAX_POINTS of those evenly strided."""
    if xs.size <= COLUMNS:
        return np.arange(xs.size)
    finite_loss = loss[np.isfinite(loss)]
    top = 1.08 * float(finite_loss.max()) if finite_loss.size else 1.0
    # Cells no larger than the panel's pixels: its L axis spans 1.06·top over < 500 px.
    with np.errstate(all="ignore"):
        cx = np.floor((xs - window[0]) * (COLUMNS / max(window[1] - window[0], 1e-300)))
        cy = np.floor(loss * (500 / max(1.06 * top, 1e-300)))
    odd = ~(np.isfinite(cx) & np.isfinite(cy))
    moved = (cx[1:] != cx[:-1]) | (cy[1:] != cy[:-1]) | odd[1:] | odd[:-1]
    index: np.ndarray = np.unique(np.concatenate(([0], np.flatnonzero(moved) + 1, [xs.size - 1])))
    if index.size > MAX_POINTS:
        index = index[np.unique(np.linspace(0, index.size - 1, MAX_POINTS).astype(int))]
    return index


def _finite_pairs(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = np.isfinite(xs) & np.isfinite(ys)
    return xs[keep], ys[keep]


def _window(xs: np.ndarray, root: float | None) -> tuple[float, float]:
    points = np.append(xs, [root] if root is not None and math.isfinite(root) else [])
    if not points.size:
        return -1.0, 1.0
    lo, hi = float(points.min()), float(points.max())
    if hi - lo <= 1e-12 * max(1.0, abs(lo)):  # one point: a window around it
        half = max(1.0, 0.5 * abs(lo))
        lo, hi = lo - half, hi + half
        return (max(lo, -1e300), min(hi, 1e300))
    return padded(lo, hi, WINDOW_MARGIN)


def _f(eq: Equation, xs: np.ndarray) -> np.ndarray:
    """f at each x in float64; nan where torch has no value."""
    out = eq.torch(torch.from_numpy(xs))
    values = torch.broadcast_to(torch.as_tensor(out, dtype=torch.float64), xs.shape)
    result: np.ndarray = values.numpy().astype(np.float64)
    return result


def loss_on_curve(eq: Equation, xs: np.ndarray) -> np.ndarray:
    """L(x) = f(x)² at each x in float64; nan or inf where f has no finite value."""
    return _loss(eq, xs)


def _loss(eq: Equation, xs: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        values = _f(eq, xs)
        loss: np.ndarray = values * values
    return loss


def _roots(eq: Equation, grid: np.ndarray) -> list[float]:
    """The real roots of f the grid brackets, by the solver's root finder (poles rejected)."""
    return roots_among(eq, grid, float(grid[len(grid) // 2]), every=True)
