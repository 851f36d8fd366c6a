"""What a drawing process needs to draw a picture: plain arrays and strings, no Run.

The worker that solved the run fills these in (solver.plots.prepare, with torch); the
drawing side (solver.plots.draw) imports only matplotlib and numpy. Run-dependent words come
in every language the picture may be drawn in: Japanese falls back to English when the
drawing process has no Japanese font.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LogSeries:
    """Values for a log axis: exact zeros already moved to `floor`, cut to the pixel columns.

    `positive` is the smallest and largest positive value of the whole series (the axis
    limits), `floor` where zeros sit (None when there are none).
    """

    ks: np.ndarray
    values: np.ndarray
    positive: tuple[float, float] | None
    floor: float | None


@dataclass(frozen=True)
class ConvergencePicture:
    """The three panels of one run: x per iteration, the loss per iteration, L(x) and the path."""

    lang: str  # as asked: a catalogue's code, such as "en" or "ja"
    headings: dict[str, tuple[str, str]]  # title and subtitle by the language drawn
    steps: int  # iterations recorded: the k axis runs to it
    x_ks: np.ndarray
    xs: np.ndarray
    root: float | None
    loss: LogSeries
    stop_loss: float | None  # the last loss of a run that diverged or left f's domain
    grid: np.ndarray
    curve: np.ndarray  # L on the grid
    path_x: np.ndarray
    path_loss: np.ndarray
    roots: list[float]
    window: tuple[float, float]


@dataclass(frozen=True)
class ComparisonLine:
    """One run of a comparison: its learning rate, loss, and where it stopped (if it did)."""

    lr: float
    loss: LogSeries
    stop: tuple[int, float] | None  # (k, loss) of a run that diverged or left f's domain
    labels: dict[str, str]  # the legend's label by the language drawn


@dataclass(frozen=True)
class ComparisonPicture:
    """The loss per iteration of several runs of one problem, one line per learning rate."""

    lang: str
    headings: dict[str, tuple[str, str]]  # title and subtitle by the language drawn
    steps: int  # the longest run's iterations
    lines: list[ComparisonLine]
    positive: tuple[float, float] | None  # over every line
    floor: float | None


@dataclass(frozen=True)
class RaceLine:
    """One method of a race: its loss per iteration and its path on the loss curve."""

    method: str  # sgd, momentum, adam or newton: its colour
    loss: LogSeries
    stop: tuple[int, float] | None  # (k, loss) of a run that diverged or left f's domain
    path_x: np.ndarray
    path_loss: np.ndarray
    labels: dict[str, str]  # the legend's label by the language drawn


@dataclass(frozen=True)
class RacePicture:
    """Methods raced on one problem: (a) the loss per iteration, (b) the paths on L(x)."""

    lang: str
    headings: dict[str, tuple[str, str]]
    steps: int
    lines: list[RaceLine]
    positive: tuple[float, float] | None
    floor: float | None
    grid: np.ndarray
    curve: np.ndarray  # L on the grid
    roots: list[float]
    window: tuple[float, float]


Picture = ConvergencePicture | ComparisonPicture | RacePicture
