"""The pictures of a run: PNG bytes for Discord, drawn with matplotlib's object API.

Each worker thread keeps its own figures and only updates their artists, which is both
thread-safe (pyplot is not used) and much faster than building a figure per picture.
"""

from __future__ import annotations

import io
import threading

from matplotlib.figure import Figure
from PIL import Image

from .._run import Run
from .compare import ComparisonFigure
from .convergence import ConvergenceFigure

_local = threading.local()


def convergence_figure(run: Run, lang: str = "en") -> Figure:
    """This thread's convergence figure, drawn for `run` (valid until its next use)."""
    figure = getattr(_local, "convergence", None)
    if figure is None:
        figure = _local.convergence = ConvergenceFigure()
    figure.update(run, lang)
    return figure.fig


def comparison_figure(runs: list[Run], lang: str = "en") -> Figure:
    """This thread's comparison figure, drawn for `runs` (valid until its next use)."""
    if not runs:
        raise ValueError("render_comparison needs at least one run")
    figure = getattr(_local, "comparison", None)
    if figure is None:
        figure = _local.comparison = ComparisonFigure()
    figure.update(runs, lang)
    return figure.fig


def render_convergence(run: Run, lang: str = "en") -> bytes:
    """A 1200 x 500 PNG of one run: (a) x per iteration, (b) the loss per iteration on a log
    scale, (c) the loss curve L(x) = f(x)² with the path of the iterates and the real roots.

    `lang` is "en" or "ja" (Japanese needs a CJK font; without one the words stay English).
    """
    return _png(convergence_figure(run, lang))


def render_comparison(runs: list[Run], lang: str = "en") -> bytes:
    """A 1200 x 500 PNG of the loss per iteration of several runs, one line per learning rate;
    runs that diverged or left f's domain end in an ✕ and say so in the legend."""
    return _png(comparison_figure(runs, lang))


def _png(fig: Figure) -> bytes:
    """The figure as an opaque RGB PNG (the card has no transparency to keep)."""
    raw = io.BytesIO()
    fig.savefig(raw, format="raw")  # the Agg canvas's RGBA pixels
    size = (round(fig.get_figwidth() * fig.dpi), round(fig.get_figheight() * fig.dpi))
    image = Image.frombytes("RGBA", size, raw.getvalue()).convert("RGB")
    buffer = io.BytesIO()
    # zlib level 1 is about 1.5x faster than the default 6, for a 10% larger file
    image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()
