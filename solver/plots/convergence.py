"""The three-panel picture of one run, as a reusable figure whose artists are updated in place."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend

from .._numbers import readable_number
from . import axes as pa
from . import style as st
from . import words as wd
from .pictures import ConvergencePicture
from .ranges import padded


class ConvergenceFigure:
    """(a) x per iteration, (b) the loss per iteration (log), (c) L(x) with the path and roots."""

    def __init__(self) -> None:
        self.fig = fig = Figure(figsize=st.FIGSIZE, dpi=st.DPI, facecolor=st.CARD)
        FigureCanvasAgg(fig)
        self.title, self.subtitle = st.headings(fig)
        self.axes = [fig.add_axes((0, 0, 1, 1)) for _ in range(3)]
        self.ax_x, self.ax_loss, self.ax_curve = self.axes
        for ax in self.axes:
            pa.style_axes(ax)
        pa.log_axis(self.ax_loss)

        self.x_line = self.ax_x.plot([], [], color=st.BLUE, lw=2.4)[0]
        self.root_line = self.ax_x.axhline(0.0, color=st.RED, ls="--", lw=1.8)
        self.root_text = self.ax_x.text(
            0.97,
            0.0,
            "",
            transform=self.ax_x.get_yaxis_transform(),
            ha="right",
            va="bottom",
            color=st.RED,
            fontsize=st.LEGEND_PT,
            parse_math=False,
        )
        self.loss_line = self.ax_loss.plot([], [], color=st.ORANGE, lw=2.4)[0]
        self.loss_stop = self.ax_loss.plot([], [], ls="none", **st.STOP_MARK)[0]
        self.curve = self.ax_curve.plot([], [], color=st.CURVE, lw=2.2)[0]
        self.path = self.ax_curve.plot(
            [], [], color=st.ORANGE, lw=1.6, marker="o", ms=4.5, mec="none", alpha=0.9
        )[0]
        self.start = self.ax_curve.plot(
            [], [], ls="none", marker="o", ms=11, color=st.GREEN, mec=st.INK, mew=1.2
        )[0]
        self.end = self.ax_curve.plot(
            [], [], ls="none", marker="s", ms=10, color=st.BLUE, mec=st.INK, mew=1.2
        )[0]
        self.roots = self.ax_curve.plot(
            [], [], ls="none", marker="o", ms=16, mfc="none", mec=st.RED, mew=2.6
        )[0]
        self.legend: Legend | None = None

    def update(self, picture: ConvergencePicture) -> None:
        """Redraw every artist for `picture`, leaving nothing of the previous run behind."""
        say = wd.show_headings(self.title, self.subtitle, picture.lang, picture.headings)
        family = say.families
        last_k = max(picture.steps, 1)
        klim = (-0.03 * last_k, 1.03 * last_k)
        labels = [
            self._update_x(picture, say, klim),
            self._update_loss(picture, klim),
            self._update_curve(picture, say),
        ]
        titles = ("plot.x_title", "plot.loss_title", "plot.curve_title")
        for ax, key in zip(self.axes, titles, strict=True):
            pa.panel_title(ax, say(key), family)
        for ax, key in zip(self.axes, ("plot.k", "plot.k", "plot.x"), strict=True):
            pa.set_xlabel(ax, say(key), family)
        pa.place_panels(self.fig, self.axes, labels)

    def _update_x(
        self, picture: ConvergencePicture, say: wd.PlotWords, klim: tuple[float, float]
    ) -> pa.Labels:
        xs = picture.xs
        self.x_line.set_data(picture.x_ks, xs)
        self.x_line.set_marker("o" if xs.size <= st.FEW_POINTS else "None")
        root = picture.root if picture.root is not None and math.isfinite(picture.root) else None
        shown = [*xs.tolist(), *([root] if root is not None else [])]
        lo, hi = padded(min(shown), max(shown), 0.08) if shown else (-1.0, 1.0)
        self.root_line.set_visible(root is not None)
        self.root_text.set_visible(root is not None)
        if root is not None:
            self.root_line.set_ydata([root, root])
            self.root_text.set_position((0.97, root))
            st.set_text(self.root_text, say("plot.root", r=readable_number(root, 6)), say.families)
        return pa.set_limits(self.ax_x, klim, (lo, hi), integer_x=True)

    def _update_loss(self, picture: ConvergencePicture, klim: tuple[float, float]) -> pa.Labels:
        series = picture.loss
        labels = pa.set_log_limits(self.ax_loss, klim, series.positive, series.floor)
        self.loss_line.set_data(series.ks, series.values)
        self.loss_line.set_marker("o" if series.values.size <= st.FEW_POINTS else "None")
        stopped = picture.stop_loss is not None
        self.loss_stop.set_visible(stopped)
        if picture.stop_loss is not None:
            y = pa.clamp_log(picture.stop_loss, self.ax_loss)
            self.loss_stop.set_data([picture.steps - 1], [y])
        return labels

    def _update_curve(self, picture: ConvergencePicture, say: wd.PlotWords) -> pa.Labels:
        self.curve.set_data(picture.grid, picture.curve)
        self.path.set_data(picture.path_x, picture.path_loss)
        self.start.set_data(picture.path_x[:1], picture.path_loss[:1])
        self.end.set_data(picture.path_x[-1:], picture.path_loss[-1:])
        self.roots.set_data(picture.roots, [0.0] * len(picture.roots))
        # The path sets the height; the curve may leave the top (near a pole, or far out).
        top = float(picture.path_loss.max()) if picture.path_loss.size else 0.0
        if not top > 0:
            curve = picture.curve[np.isfinite(picture.curve)]
            top = float(np.percentile(curve, 90)) if curve.size else 0.0
        top = min(1.08 * top, 1e300) if top > 0 else 1.0

        if self.legend is not None:
            self.legend.remove()
        shown = [(self.start, "plot.start"), (self.end, "plot.end")] if picture.path_x.size else []
        shown += [(self.roots, "plot.roots")] if picture.roots else []
        self.legend = self.ax_curve.legend(
            [h for h, _ in shown],
            [say(k) for _, k in shown],
            prop={"family": say.families, "size": st.LEGEND_PT},
            **st.LEGEND,
        )
        self.legend.set_visible(bool(shown))
        return pa.set_limits(self.ax_curve, picture.window, (-0.06 * top, top))
