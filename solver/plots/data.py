"""The numbers the pictures draw: a run's finite series, the loss landscape and its roots."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from .._roots import roots_among
from .._run import Outcome, Run
from ..equation import Equation, EquationError, parse_equation
from .axes import padded

MAX_POINTS = 3000  # per line; more cannot be seen in 1200 px and only slow the drawing
GRID_POINTS = 400
WINDOW_MARGIN = 0.25
STOPPED = (Outcome.DIVERGED, Outcome.OUT_OF_DOMAIN)


def equation_of(run: Run) -> Equation | None:
    """The run's equation, or None if its text no longer parses."""
    try:
        return parse_equation(run.settings.equation)
    except EquationError:
        return None


def x_series(run: Run) -> tuple[np.ndarray, np.ndarray]:
    """(k, x_k) for k = 0..n, the last being the final x; finite points only."""
    xs = np.array([it.x for it in run.iterations] + [run.final_x], dtype=np.float64)
    return finite(np.arange(xs.size, dtype=np.float64), xs)


def loss_series(run: Run) -> tuple[np.ndarray, np.ndarray]:
    """(k, loss_k) for every iteration with a finite loss."""
    loss = np.array([it.loss for it in run.iterations], dtype=np.float64)
    return finite(np.arange(loss.size, dtype=np.float64), loss)


def finite(ks: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points whose value is finite."""
    keep = np.isfinite(values)
    return ks[keep], values[keep]


def thin(
    ks: np.ndarray, values: np.ndarray, limit: int = MAX_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """At most about `limit` points, keeping each bucket's extremes so spikes stay visible."""
    if values.size <= limit:
        return ks, values
    buckets = np.array_split(np.arange(values.size), limit // 2)
    keep = {0, values.size - 1}
    for b in buckets:
        keep.update((int(b[np.argmin(values[b])]), int(b[np.argmax(values[b])])))
    index = np.array(sorted(keep))
    return ks[index], values[index]


def positive_range(*losses: np.ndarray) -> tuple[float, float] | None:
    """The smallest and largest positive loss, if there is one."""
    every = np.concatenate(losses)
    positive = every[every > 0]
    return (float(positive.min()), float(positive.max())) if positive.size else None


def on_log_axis(
    ks: np.ndarray, loss: np.ndarray, floor: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """The points a log axis can show, exact zeros moved to `floor`, thinned."""
    if floor is not None:
        loss = np.where(loss == 0, floor, loss)
    return thin(ks[loss > 0], loss[loss > 0])


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


def landscape(run: Run, eq: Equation | None) -> Landscape:
    """The loss curve over the range the run visited (with margins), and the path on it."""
    xs = np.array([it.x for it in run.iterations] + [run.final_x], dtype=np.float64)
    if eq is None:
        recorded = np.array([it.loss for it in run.iterations] + [np.nan], dtype=np.float64)
        px, pl = _finite_pairs(xs, recorded)
        return Landscape(np.empty(0), np.empty(0), *thin_path(px, pl), [], _window(px, run.root))
    path_loss = _loss(eq, xs)
    px, pl = _finite_pairs(xs, path_loss)
    lo, hi = _window(xs[np.isfinite(xs)], run.root)
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
    return Landscape(grid, loss, *thin_path(px, pl), sorted(roots), (lo, hi))


def thin_path(px: np.ndarray, pl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most MAX_POINTS points of the path, evenly strided, the first and last kept."""
    if px.size <= MAX_POINTS:
        return px, pl
    index = np.unique(np.linspace(0, px.size - 1, MAX_POINTS).astype(int))
    return px[index], pl[index]


def _finite_pairs(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = np.isfinite(xs) & np.isfinite(ys)
    return xs[keep], ys[keep]


def _window(xs: np.ndarray, root: float | None) -> tuple[float, float]:
    points = list(xs) + ([root] if root is not None and math.isfinite(root) else [])
    if not points:
        return -1.0, 1.0
    lo, hi = float(min(points)), float(max(points))
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


def _loss(eq: Equation, xs: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        values = _f(eq, xs)
        loss: np.ndarray = values * values
    return loss


def _roots(eq: Equation, grid: np.ndarray) -> list[float]:
    """The real roots of f the grid brackets, by the solver's root finder (poles rejected)."""
    return roots_among(eq, grid, float(grid[len(grid) // 2]), every=True)
