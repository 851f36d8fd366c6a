"""The loss per iteration of several runs (one per learning rate) on one log-scaled panel."""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from . import axes as pa
from . import style as st
from . import words as wd
from .pictures import ComparisonLine, ComparisonPicture

MAX_LEGEND = 12
_LEGEND = {**st.LEGEND, "loc": "upper left", "bbox_to_anchor": (1.01, 1.0)}


class ComparisonFigure:
    """One line per run, labelled by its learning rate; stopped runs end in an ✕."""

    def __init__(self) -> None:
        self.fig = fig = Figure(figsize=st.FIGSIZE, dpi=st.DPI, facecolor=st.CARD)
        FigureCanvasAgg(fig)
        self.title, self.subtitle = st.headings(fig)
        self.ax = fig.add_axes((0, 0, 1, 1))
        pa.style_axes(self.ax)
        pa.log_axis(self.ax)
        self.lines: list[Line2D] = []
        self.stops: list[Line2D] = []
        self.legend: Legend | None = None

    def update(self, picture: ComparisonPicture) -> None:
        """Redraw for `picture`; lines left from an earlier, larger batch are emptied and hidden."""
        say = wd.show_headings(self.title, self.subtitle, picture.lang, picture.headings)
        family = say.families
        runs = picture.lines
        while len(self.lines) < len(runs):
            self.lines.append(self.ax.plot([], [], lw=2.4, ms=5)[0])
            self.stops.append(self.ax.plot([], [], ls="none", **st.STOP_MARK)[0])
        for line in self.lines[len(runs) :] + self.stops[len(runs) :]:
            line.set_data([], [])
            line.set_visible(False)

        last_k = picture.steps
        xlim = (-0.02 * last_k, 1.02 * last_k)
        _, ylabels = pa.set_log_limits(self.ax, xlim, picture.positive, picture.floor)

        labels = []
        for run, line, stop, color in zip(
            runs, self.lines, self.stops, _colors(runs), strict=False
        ):
            line.set_data(run.loss.ks, run.loss.values)
            line.set_marker("o" if run.loss.values.size <= st.FEW_POINTS else "None")
            line.set_color(color)
            line.set_visible(True)
            stop.set_visible(run.stop is not None)
            if run.stop is not None:
                k, loss = run.stop
                stop.set_data([k], [pa.clamp_log(loss, self.ax)])
                stop.set_color(color)
            labels.append(run.labels[say.lang])
        pa.panel_title(self.ax, say("plot.compare_title"), family)
        pa.set_xlabel(self.ax, say("plot.k"), family)
        self._place(ylabels, self._legend(runs, labels, family))

    def _legend(
        self, runs: list[ComparisonLine], labels: list[str], family: list[str]
    ) -> list[str]:
        if self.legend is not None:
            self.legend.remove()
        order = sorted(range(len(runs)), key=lambda i: runs[i].lr)
        if len(order) > MAX_LEGEND:  # evenly spaced lrs, the smallest and largest among them
            order = [
                order[round(j * (len(order) - 1) / (MAX_LEGEND - 1))] for j in range(MAX_LEGEND)
            ]
        shown = [labels[i] for i in order]
        self.legend = self.ax.legend(
            [self.lines[i] for i in order],
            shown,
            prop={"family": family, "size": st.LEGEND_PT},
            **_LEGEND,
        )
        return shown

    def _place(self, ylabels: list[str], legend_labels: list[str]) -> None:
        width = self.fig.get_figwidth() * self.fig.dpi
        left = 14 + max((pa.text_px(s, st.TICK_PT) for s in ylabels), default=10.0)
        legend = 70 + max(pa.text_px(s, st.LEGEND_PT) * 0.9 for s in legend_labels)
        right = width - min(legend, 0.45 * width)
        self.ax.set_position((left / width, pa.BOTTOM, (right - left) / width, pa.TOP - pa.BOTTOM))


def _colors(runs: list[ComparisonLine]) -> list[str]:
    if len(runs) <= len(st.PALETTE):
        return list(st.PALETTE[: len(runs)])
    ranks = np.argsort(np.argsort([r.lr for r in runs]))
    cmap = colormaps["viridis"]
    return [to_hex(cmap(0.9 * rank / (len(runs) - 1))) for rank in ranks]
