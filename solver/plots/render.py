"""The pictures of a run: PNG bytes for Discord, in one call (prepare, then draw).

The bot splits the two: the worker prepares the plain picture (solver.plots.prepare, with
torch) and a lean drawing process draws it (solver.plots.draw).
"""

from __future__ import annotations

from matplotlib.figure import Figure

from .._race import Race
from .._run import Run
from .draw import draw_png, figure_of
from .prepare import comparison_picture, convergence_picture
from .race_prepare import race_picture


def convergence_figure(run: Run, lang: str = "en") -> Figure:
    """This thread's convergence figure, drawn for `run` (valid until its next use)."""
    return figure_of(convergence_picture(run, lang))


def comparison_figure(runs: list[Run], lang: str = "en") -> Figure:
    """This thread's comparison figure, drawn for `runs` (valid until its next use)."""
    if not runs:
        raise ValueError("render_comparison needs at least one run")
    return figure_of(comparison_picture(runs, lang))


def render_convergence(run: Run, lang: str = "en") -> bytes:
    """A 1200 x 500 PNG of one run: (a) x per iteration, (b) the loss per iteration on a log
    scale, (c) the loss curve L(x) = f(x)² with the path of the iterates and the real roots.

    `lang` is "en" or "ja" (Japanese needs a CJK font; without one the words stay English).
    """
    return draw_png(convergence_picture(run, lang))


def render_comparison(runs: list[Run], lang: str = "en") -> bytes:
    """A 1200 x 500 PNG of the loss per iteration of several runs, one line per learning rate;
    runs that diverged or left f's domain end in an ✕ and say so in the legend."""
    if not runs:
        raise ValueError("render_comparison needs at least one run")
    return draw_png(comparison_picture(runs, lang))


def render_race(race: Race, lang: str = "en") -> bytes:
    """A 1200 x 500 PNG of a race: (a) each method's loss per iteration on a log scale,
    (b) their paths on the loss curve L(x) = f(x)²."""
    return draw_png(race_picture(race, lang))
