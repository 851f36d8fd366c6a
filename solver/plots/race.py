"""The race picture: (a) each method's loss per iteration on a log scale, (b) their paths on
the loss curve L(x) = f(x)². Drawn from a RacePicture with matplotlib only (no torch)."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from . import axes as pa
from . import style as st
from . import words as wd
from .pictures import RacePicture

# One colour per method, the same in both panels.
COLORS = {"sgd": st.BLUE, "momentum": "#8250df", "adam": "#bf3989", "newton": st.ORANGE}
HEADROOM = 2.0  # panel (b) reaches this many times the highest path point: the legend's room
# In panel (b), where most of the space above the curve is free ("best" finds it).
_LEGEND = {**st.LEGEND, "loc": "best"}
# Newton's path is drawn last and thinner, over the others it may hide.
WIDTHS = {"sgd": 2.6, "momentum": 2.2, "adam": 2.2, "newton": 2.0}


class RaceFigure:
    """Two panels whose lines are updated in place for each race."""

    def __init__(self) -> None:
        self.fig = fig = Figure(figsize=st.FIGSIZE, dpi=st.DPI, facecolor=st.CARD)
        FigureCanvasAgg(fig)
        self.title, self.subtitle = st.headings(fig)
        self.ax_loss = fig.add_axes((0, 0, 1, 1))
        self.ax_path = fig.add_axes((0, 0, 1, 1))
        for ax in (self.ax_loss, self.ax_path):
            pa.style_axes(ax)
        pa.log_axis(self.ax_loss)
        self.curve = self.ax_path.plot([], [], color=st.CURVE, lw=2.2)[0]
        self.roots = self.ax_path.plot(
            [], [], ls="none", marker="o", ms=16, mfc="none", mec=st.RED, mew=2.6
        )[0]
        self.start = self.ax_path.plot(
            [], [], ls="none", marker="o", ms=11, color=st.GREEN, mec=st.INK, mew=1.2, zorder=5
        )[0]
        self.losses: dict[str, Line2D] = {}
        self.stops: dict[str, Line2D] = {}
        self.paths: dict[str, Line2D] = {}
        for method, color in COLORS.items():
            lw = WIDTHS[method]
            self.losses[method] = self.ax_loss.plot([], [], color=color, lw=lw, ms=5)[0]
            self.stops[method] = self.ax_loss.plot([], [], ls="none", **st.STOP_MARK)[0]
            self.paths[method] = self.ax_path.plot(
                [], [], color=color, lw=lw * 0.6, marker="o", ms=5, mec="none", alpha=0.9
            )[0]
        self.legend: Legend | None = None

    def update(self, picture: RacePicture) -> None:
        """Redraw for `picture`; methods it lacks are hidden."""
        say = wd.show_headings(self.title, self.subtitle, picture.lang, picture.headings)
        family = say.families
        last_k = max(picture.steps, 1)
        klim = (-0.02 * last_k, 1.02 * last_k)
        loss_labels = pa.set_log_limits(self.ax_loss, klim, picture.positive, picture.floor)
        for artist in (*self.losses.values(), *self.stops.values(), *self.paths.values()):
            artist.set_data([], [])
            artist.set_visible(False)
        handles, labels, tops = [], [], []
        for line in picture.lines:
            loss, stop, path = (d[line.method] for d in (self.losses, self.stops, self.paths))
            loss.set_data(line.loss.ks, line.loss.values)
            loss.set_marker("o" if line.loss.values.size <= st.FEW_POINTS else "None")
            path.set_data(line.path_x, line.path_loss)
            loss.set_visible(True)
            path.set_visible(True)
            if line.stop is not None:
                k, value = line.stop
                stop.set_data([k], [pa.clamp_log(value, self.ax_loss)])
                stop.set_visible(True)
            inside = (line.path_x >= picture.window[0]) & (line.path_x <= picture.window[1])
            if np.any(inside):
                tops.append(float(line.path_loss[inside].max()))
            handles.append(loss)
            labels.append(line.labels[say.lang])
        first = picture.lines[0] if picture.lines else None
        if first is not None and first.path_x.size:  # every method starts at the same x0
            self.start.set_data(first.path_x[:1], first.path_loss[:1])
        else:
            self.start.set_data([], [])
        self.curve.set_data(picture.grid, picture.curve)
        self.roots.set_data(picture.roots, [0.0] * len(picture.roots))
        top = _top(picture, tops)
        path_labels = pa.set_limits(self.ax_path, picture.window, (-0.06 * top, top))
        if self.legend is not None:
            self.legend.remove()
        self.legend = self.ax_path.legend(
            handles, labels, prop={"family": family, "size": st.LEGEND_PT}, **_LEGEND
        )
        pa.panel_title(self.ax_loss, say("plot.race.loss_title"), family)
        pa.panel_title(self.ax_path, say("plot.race.paths_title"), family)
        pa.set_xlabel(self.ax_loss, say("plot.k"), family)
        pa.set_xlabel(self.ax_path, say("plot.x"), family)
        pa.place_panels(self.fig, [self.ax_loss, self.ax_path], [loss_labels, path_labels])


def _top(picture: RacePicture, tops: list[float]) -> float:
    """The height of panel (b): the highest point of a path inside it with room above for the
    legend, else most of L."""
    top = max((t for t in tops if np.isfinite(t)), default=0.0)
    if not top > 0:
        curve = picture.curve[np.isfinite(picture.curve)]
        top = float(np.percentile(curve, 90)) if curve.size else 0.0
    return min(HEADROOM * top, 1e300) if top > 0 else 1.0
