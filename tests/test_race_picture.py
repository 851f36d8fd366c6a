"""Issue 14, the /race picture: (a) the loss per iteration of each method on a log scale,
(b) their paths on L(x) = f(x)², read back from the PNG's pixels, in English and Japanese."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from PIL import Image

from solver import Race, Settings, race
from solver.plots import render_race
from solver.plots import words as plot_words
from solver.plots.draw import figure_of
from solver.plots.race import COLORS
from solver.plots.race_prepare import race_picture

SIZE = (1200, 500)
RED = "#cf222e"  # the roots' circles and the stop cross


@pytest.fixture(scope="module")
def default_race() -> Race:
    return race(Settings())


def decode(png: bytes) -> np.ndarray:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == SIZE and image.mode == "RGB"
    pixels = np.asarray(image).astype(int)
    assert pixels.std() > 20, "the picture is blank"
    return pixels


def near(pixels: np.ndarray, ax: Axes, x: float, y: float, color: object, radius: int = 3) -> int:
    """Pixels of `color` (within a small distance) around the data point (x, y) of `ax`."""
    px, py = ax.transData.transform((x, y))
    row, col = round(SIZE[1] - py), round(px)
    patch = pixels[row - radius : row + radius + 1, col - radius : col + radius + 1]
    rgb = np.array(to_rgb(color)) * 255  # type: ignore[arg-type]
    return int((np.abs(patch - rgb).sum(axis=2) < 60).sum())


def test_each_methods_loss_line_is_drawn_in_its_colour(default_race: Race) -> None:
    fig = figure_of(race_picture(default_race))
    ax_loss, ax_path = fig.axes[:2]
    pixels = decode(render_race(default_race))
    lanes = {lane.method: lane.run for lane in default_race.lanes}
    for method, k in (("sgd", 60), ("momentum", 3), ("adam", 80), ("newton", 2)):
        loss = lanes[method].iterations[k].loss
        assert near(pixels, ax_loss, k, loss, COLORS[method]) > 0, method
        # …and no method's colour where no line passes (far below every loss at k = 60)
    assert all(near(pixels, ax_loss, 60, 1e-11, c) == 0 for m, c in COLORS.items() if m != "sgd")
    # Panel (b): Newton's first step lands on (1.5, L(1.5) = 0.0625), the roots circled red.
    assert near(pixels, ax_path, 1.5, 0.0625, COLORS["newton"]) > 0
    assert near(pixels, ax_path, math.sqrt(2), 0.0, RED, radius=14) > 40
    assert near(pixels, ax_path, 1.0, 0.0, RED, radius=14) == 0
    assert ax_loss.get_yscale() == "log" and ax_path.get_yscale() == "linear"


def test_the_picture_says_what_raced_and_how_far_each_got(default_race: Race) -> None:
    fig = figure_of(race_picture(default_race))
    texts = [t.get_text() for t in fig.texts]
    assert texts[:2] == ["f(x) = x² − 2", "x₀ = 1 · lr = 0.01 · 100 steps · float32"]
    ax_loss, ax_path = fig.axes[:2]
    assert ax_loss.get_title(loc="left") == "(a) loss per iteration (log)"
    assert ax_path.get_title(loc="left") == "(b) the paths on L(x) = f(x)²"
    legend = [t.get_text() for t in ax_path.get_legend().get_texts()]
    assert legend == [
        "SGD: 78 steps",
        "Momentum: not within the steps",
        "Adam: not within the steps",
        "Newton: 4 steps",
    ]


def test_a_diverged_newton_ends_in_a_cross_and_a_flat_tangent_in_a_dot() -> None:
    away = race(Settings(equation="x/(1+x^2)", x0=2, steps=400, precision="float64"))
    fig = figure_of(race_picture(away))
    ax_loss = fig.axes[0]
    newton = away.lanes[-1].run
    last = newton.iterations[-1]
    pixels = decode(render_race(away))
    assert near(pixels, ax_loss, last.k, last.loss, RED, radius=8) > 10
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert labels[-1] == "Newton: diverged"
    flat = race(Settings(x0=0))
    labels = [t.get_text() for t in figure_of(race_picture(flat)).axes[1].get_legend().get_texts()]
    assert labels == [
        "SGD: stuck",
        "Momentum: stuck",
        "Adam: stuck",
        "Newton: f' = 0: flat tangent",
    ]
    decode(render_race(flat))


def test_japanese_words_or_english_when_no_font(
    default_race: Race, monkeypatch: pytest.MonkeyPatch
) -> None:
    if plot_words.font_family("ja") is not None:
        fig = figure_of(race_picture(default_race, "ja"))
        assert fig.axes[0].get_title(loc="left") == "(a) 反復ごとの損失（対数）"
        labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
        assert labels[-1] == "ニュートン法：4 ステップ"
        assert (
            decode(render_race(default_race, "ja")).tobytes()
            != decode(render_race(default_race)).tobytes()
        )
    monkeypatch.setattr(plot_words, "font_family", lambda lang: None)
    fig = figure_of(race_picture(default_race, "ja"))
    assert fig.axes[0].get_title(loc="left") == "(a) loss per iteration (log)"
