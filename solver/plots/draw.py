"""Pictures drawn from plain data: the entry point of a drawing process.

Imports matplotlib, numpy and PIL, never torch or sympy (tests/test_plots.py checks it in
a fresh interpreter), so a drawing process stays small. Each thread keeps its own figures and
only updates their artists: thread-safe without pyplot, and much faster than a new figure
per picture.
"""

from __future__ import annotations

import io
import threading

from matplotlib.figure import Figure
from PIL import Image

from .compare import ComparisonFigure
from .convergence import ConvergenceFigure
from .pictures import ConvergencePicture, Picture, RacePicture
from .race import RaceFigure

_local = threading.local()


def figure_of(picture: Picture) -> Figure:
    """This thread's figure of the picture's kind, drawn for it (valid until its next use)."""
    if isinstance(picture, ConvergencePicture):
        convergence = getattr(_local, "convergence", None)
        if convergence is None:
            convergence = _local.convergence = ConvergenceFigure()
        convergence.update(picture)
        return convergence.fig
    if isinstance(picture, RacePicture):
        race = getattr(_local, "race", None)
        if race is None:
            race = _local.race = RaceFigure()
        race.update(picture)
        return race.fig
    if not picture.lines:
        raise ValueError("a comparison needs at least one run")
    comparison = getattr(_local, "comparison", None)
    if comparison is None:
        comparison = _local.comparison = ComparisonFigure()
    comparison.update(picture)
    return comparison.fig


def draw_png(picture: Picture) -> bytes:
    """The picture as a 1200 x 500 opaque RGB PNG."""
    return png(figure_of(picture))


def png(fig: Figure) -> bytes:
    """The figure as an opaque RGB PNG (the card has no transparency to keep)."""
    raw = io.BytesIO()
    fig.savefig(raw, format="raw")  # the Agg canvas's RGBA pixels
    size = (round(fig.get_figwidth() * fig.dpi), round(fig.get_figheight() * fig.dpi))
    image = Image.frombytes("RGBA", size, raw.getvalue()).convert("RGB")
    buffer = io.BytesIO()
    # zlib level 1 is about 1.5x faster than the default 6, for a 10% larger file
    image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()
