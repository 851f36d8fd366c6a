"""A run turned into what its animation draws (solver.plots.animation_picture), in the worker.

This side has torch: the loss curve and L at each shown x are computed here, in float64, so
the drawing process only moves a point along arrays it is given.
"""

from __future__ import annotations

import numpy as np

from .._run import Run
from . import data
from . import words as wd
from .animation_frames import choose_frames
from .animation_picture import AnimationFrame, AnimationPicture
from .prepare import drawn_languages


def animation_picture(run: Run, lang: str = "en") -> AnimationPicture:
    """The animation of `run`'s x along its loss curve, in `lang` (a catalogue's code).

    Raises ValueError when no iterate has a finite x and loss (nothing could be shown).
    """
    eq = data.equation_of(run)
    xs = data.path_xs(run)  # x_0 … x_n
    recorded = np.append(data.column(run, "loss"), np.nan)  # no loss was recorded at x_n
    land = data.landscape(run, eq, xs, recorded)
    on_curve = recorded if eq is None else data.loss_on_curve(eq, xs)
    ks = np.arange(xs.size)
    keep = np.isfinite(xs) & np.isfinite(on_curve)
    if not keep.any():
        raise ValueError("no iterate has a finite x and loss")
    ks, xs, on_curve = ks[keep], xs[keep], on_curve[keep]
    top = _top(on_curve, land.loss)
    trail = data.path_points(xs, on_curve, land.window)
    chosen = choose_frames(xs, on_curve, land.window, top)
    # Words give the loss the run recorded at step k (in its precision); L(x_n) for the last x.
    loss = np.where(np.isfinite(recorded[ks]), recorded[ks], on_curve)
    sayers = [wd.PlotWords(shown, []) for shown in drawn_languages(lang)]
    frames = [
        AnimationFrame(
            k=int(ks[i]),
            x=float(xs[i]),
            loss=float(on_curve[i]),
            labels={say.lang: _label(say, int(ks[i]), float(xs[i]), loss[i]) for say in sayers},
        )
        for i in chosen
    ]
    title = wd.equation_text(run, eq)
    return AnimationPicture(
        lang=lang,
        headings={
            say.lang: (say("plot.title", f=title), wd.settings_text(run, say)) for say in sayers
        },
        grid=land.grid,
        curve=land.loss,
        roots=land.roots,
        window=land.window,
        top=top,
        trail_k=ks[trail],
        trail_x=xs[trail],
        trail_loss=on_curve[trail],
        frames=frames,
    )


def _top(on_path: np.ndarray, curve: np.ndarray) -> float:
    # As in the still picture: the path sets the height; the curve may leave the top.
    top = float(on_path.max()) if on_path.size else 0.0
    if not top > 0:
        finite = curve[np.isfinite(curve)]
        top = float(np.percentile(finite, 90)) if finite.size else 0.0
    return min(1.08 * top, 1e300) if top > 0 else 1.0


def _label(say: wd.PlotWords, k: int, x: float, loss: float) -> str:
    return say("animate.frame", k=k, x=f"{x:.7g}", loss=f"{loss:.3e}")
