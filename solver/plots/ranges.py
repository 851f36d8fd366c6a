"""Ranges of the pictures, with numpy only: an axis range with margins, and long series cut
to what a pixel can show.

Per pixel column only the points with the least and the greatest value are kept. Drawn, they
cover exactly the heights the whole series covers there, so the line looks the same while
drawing costs the same at 100 or 100,000 steps.
"""

from __future__ import annotations

import numpy as np

COLUMNS = 1200  # the picture's width in pixels: every panel is narrower


def padded(lo: float, hi: float, frac: float) -> tuple[float, float]:
    """[lo, hi] widened by `frac` of its width on each side, never zero-wide or infinite."""
    big = 1e300
    lo, hi = max(lo, -big), min(hi, big)
    pad = frac * hi - frac * lo  # no overflow from hi - lo
    if not pad > 0:
        pad = max(0.5 * abs(lo), 1e-3)
    return max(lo - pad, -big), min(hi + pad, big)


def min_max_columns(
    ks: np.ndarray, values: np.ndarray, span: tuple[float, float], columns: int = COLUMNS
) -> tuple[np.ndarray, np.ndarray]:
    """The points of (ks, values) holding each column's extremes, in their order.

    `ks` rises; `span` is the range of k cut into `columns` equal columns. A series no
    longer than `columns` is returned whole.
    """
    if values.size <= columns:
        return ks, values
    lo, hi = span
    width = (hi - lo) / columns if hi > lo else 1.0
    column = np.clip(((ks - lo) / width).astype(np.int64), 0, columns - 1)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(column)) + 1))
    counts = np.diff(np.append(starts, values.size))
    keep = np.union1d(
        _first_in_group(values == np.repeat(np.minimum.reduceat(values, starts), counts), column),
        _first_in_group(values == np.repeat(np.maximum.reduceat(values, starts), counts), column),
    )
    return ks[keep], values[keep]


def _first_in_group(hit: np.ndarray, group: np.ndarray) -> np.ndarray:
    """The first index of each run of equal `group` values where `hit` is true."""
    index = np.flatnonzero(hit)
    found = group[index]
    first: np.ndarray = index[np.concatenate(([True], found[1:] != found[:-1]))]
    return first
