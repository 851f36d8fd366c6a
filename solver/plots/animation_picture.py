"""What a drawing process needs to animate a run: the loss curve and the frames, no Run.

Made by solver.plots.animation_prepare in the worker (with torch), drawn into a GIF by
solver.plots.animation (matplotlib, numpy and PIL only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AnimationFrame:
    """One frame: x_k on the loss curve, and the words that name it in each language drawn."""

    k: int
    x: float
    loss: float  # L(x_k) in float64, where the point sits on the curve
    labels: dict[str, str]  # "iteration k · x = … · loss = …" by the language drawn


@dataclass(frozen=True)
class AnimationPicture:
    """The loss curve L(x) over the window, the roots, the path's trail and the chosen frames."""

    lang: str
    headings: dict[str, tuple[str, str]]  # title and subtitle by the language drawn
    grid: np.ndarray
    curve: np.ndarray  # L on the grid
    roots: list[float]
    window: tuple[float, float]
    top: float  # the upper limit of the L axis
    trail_k: np.ndarray  # the iteration of each point of the trail, rising
    trail_x: np.ndarray
    trail_loss: np.ndarray
    frames: list[AnimationFrame]
