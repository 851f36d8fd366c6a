"""Which iterations an animation shows: at most a few dozen, denser where x moves most.

numpy only. Each step is weighed by how far its point travels on the picture (x across the
window, L up the axis), plus a little for every step so that a long crawl still gets frames;
frames are then taken at equal shares of the total weight. The first and last always stay.
"""

from __future__ import annotations

import numpy as np

MAX_FRAMES = 60
EVEN_SHARE = 0.2  # of the weight spread evenly over the steps, whatever they move


def choose_frames(
    xs: np.ndarray,
    loss: np.ndarray,
    window: tuple[float, float],
    top: float,
    limit: int = MAX_FRAMES,
) -> np.ndarray:
    """Rising indices into `xs` (finite points of the path, in order), at most `limit`,
    always the first and the last."""
    n = xs.size
    if n <= limit:
        return np.arange(n)
    width = max(window[1] - window[0], 1e-300)
    height = max(top, 1e-300)
    with np.errstate(all="ignore"):
        sx = (xs - window[0]) / width
        sy = np.clip(loss / height, 0.0, 1.0)
        moved = np.hypot(np.diff(sx), np.diff(sy))
    moved[~np.isfinite(moved)] = 1.0
    total = float(moved.sum())
    even = np.full(n - 1, 1.0 / (n - 1))
    weight = even if total <= 0 else (1 - EVEN_SHARE) * moved / total + EVEN_SHARE * even
    reached = np.concatenate(([0.0], np.cumsum(weight)))
    reached /= reached[-1]
    # A big jump reaches several equal shares at once, so ask for more shares until `limit`
    # distinct frames are found (the count grows with the shares asked: bisect on it).
    lo, hi = limit, 4 * n
    best = _at_shares(reached, limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        found = _at_shares(reached, mid)
        if found.size <= limit:
            best, lo = found, mid
        else:
            hi = mid - 1
    return best


def _at_shares(reached: np.ndarray, shares: int) -> np.ndarray:
    """The first step reaching each of `shares` equal shares of the weight, first and last kept."""
    index = np.searchsorted(reached, np.linspace(0.0, 1.0, shares), side="left")
    return np.unique(np.concatenate(([0], index.clip(0, reached.size - 1), [reached.size - 1])))
