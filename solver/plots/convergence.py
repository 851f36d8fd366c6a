"""The three-panel picture of one run, as a reusable figure whose artists are updated in place."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend

from .._run import Run
from ..equation import Equation
from . import axes as pa
from . import data
from . import style as st
from . import words as wd


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

    def update(self, run: Run, lang: str) -> None:
        """Redraw every artist for `run`, leaving nothing of the previous run behind."""
        say = wd.words(lang)
        family = say.families
        eq = data.equation_of(run)
        st.set_text(self.title, say("plot.title", f=wd.equation_text(run, eq)), [wd.BASE_FAMILY])
        st.set_text(self.subtitle, wd.settings_text(run, say), family)
        last_k = max(len(run.iterations), 1)
        klim = (-0.03 * last_k, 1.03 * last_k)
        labels = [
            self._update_x(run, say, klim),
            self._update_loss(run, klim),
            self._update_curve(run, eq, say),
        ]
        titles = ("plot.x_title", "plot.loss_title", "plot.curve_title")
        for ax, key in zip(self.axes, titles, strict=True):
            pa.panel_title(ax, say(key), family)
        for ax, key in zip(self.axes, ("plot.k", "plot.k", "plot.x"), strict=True):
            pa.set_xlabel(ax, say(key), family)
        pa.place_panels(self.fig, self.axes, labels)

    def _update_x(self, run: Run, say: wd.PlotWords, klim: tuple[float, float]) -> pa.Labels:
        ks, xs = data.thin(*data.x_series(run))
        self.x_line.set_data(ks, xs)
        self.x_line.set_marker("o" if xs.size <= st.FEW_POINTS else "None")
        root = run.root if run.root is not None and math.isfinite(run.root) else None
        shown = [*xs.tolist(), *([root] if root is not None else [])]
        lo, hi = pa.padded(min(shown), max(shown), 0.08) if shown else (-1.0, 1.0)
        self.root_line.set_visible(root is not None)
        self.root_text.set_visible(root is not None)
        if root is not None:
            self.root_line.set_ydata([root, root])
            self.root_text.set_position((0.97, root))
            st.set_text(self.root_text, say("plot.root", r=f"{root:.6g}"), say.families)
        return pa.set_limits(self.ax_x, klim, (lo, hi), integer_x=True)

    def _update_loss(self, run: Run, klim: tuple[float, float]) -> pa.Labels:
        ks, loss = data.loss_series(run)
        floor = data.log_floor(loss)
        labels = pa.set_log_limits(self.ax_loss, klim, data.positive_range(loss), floor)
        ks, loss = data.on_log_axis(ks, loss, floor)
        self.loss_line.set_data(ks, loss)
        self.loss_line.set_marker("o" if loss.size <= st.FEW_POINTS else "None")
        stopped = run.outcome in data.STOPPED and bool(run.iterations)
        self.loss_stop.set_visible(stopped)
        if stopped:
            y = pa.clamp_log(run.iterations[-1].loss, self.ax_loss)
            self.loss_stop.set_data([len(run.iterations) - 1], [y])
        return labels

    def _update_curve(self, run: Run, eq: Equation | None, say: wd.PlotWords) -> pa.Labels:
        land = data.landscape(run, eq)
        self.curve.set_data(land.grid, land.loss)
        self.path.set_data(land.path_x, land.path_loss)
        self.start.set_data(land.path_x[:1], land.path_loss[:1])
        self.end.set_data(land.path_x[-1:], land.path_loss[-1:])
        self.roots.set_data(land.roots, [0.0] * len(land.roots))
        # The path sets the height; the curve may leave the top (near a pole, or far out).
        top = float(land.path_loss.max()) if land.path_loss.size else 0.0
        if not top > 0:
            curve = land.loss[np.isfinite(land.loss)]
            top = float(np.percentile(curve, 90)) if curve.size else 0.0
        top = min(1.08 * top, 1e300) if top > 0 else 1.0

        if self.legend is not None:
            self.legend.remove()
        shown = [(self.start, "plot.start"), (self.end, "plot.end")] if land.path_x.size else []
        shown += [(self.roots, "plot.roots")] if land.roots else []
        self.legend = self.ax_curve.legend(
            [h for h, _ in shown],
            [say(k) for _, k in shown],
            prop={"family": say.families, "size": st.LEGEND_PT},
            **st.LEGEND,
        )
        self.legend.set_visible(bool(shown))
        return pa.set_limits(self.ax_curve, land.window, (-0.06 * top, top))
