"""The loss per iteration of several runs (one per learning rate) on one log-scaled panel."""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from .._numbers import typed_number
from .._outcome_text import outcome_words
from .._run import Run
from . import axes as pa
from . import data
from . import style as st
from . import words as wd

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

    def update(self, runs: list[Run], lang: str) -> None:
        """Redraw for `runs`; lines left from an earlier, larger batch are emptied and hidden."""
        say = wd.words(lang)
        family = say.families
        eq = data.equation_of(runs[0])
        title = say("plot.title", f=wd.equation_text(runs[0], eq))
        st.set_text(self.title, title, [wd.BASE_FAMILY])
        st.set_text(self.subtitle, _batch_text(runs, say), family)
        while len(self.lines) < len(runs):
            self.lines.append(self.ax.plot([], [], lw=2.4, ms=5)[0])
            self.stops.append(self.ax.plot([], [], ls="none", **st.STOP_MARK)[0])
        for line in self.lines[len(runs) :] + self.stops[len(runs) :]:
            line.set_data([], [])
            line.set_visible(False)

        series = [data.loss_series(run) for run in runs]
        floor = data.log_floor(*(loss for _, loss in series))
        last_k = max(max(len(r.iterations) for r in runs), 1)
        xlim = (-0.02 * last_k, 1.02 * last_k)
        positive = data.positive_range(*(loss for _, loss in series))
        _, ylabels = pa.set_log_limits(self.ax, xlim, positive, floor)

        labels = []
        for run, (ks, loss), line, stop, color in zip(
            runs, series, self.lines, self.stops, _colors(runs), strict=False
        ):
            ks, loss = data.on_log_axis(ks, loss, floor)
            line.set_data(ks, loss)
            line.set_marker("o" if loss.size <= st.FEW_POINTS else "None")
            line.set_color(color)
            line.set_visible(True)
            stopped = run.outcome in data.STOPPED and bool(run.iterations)
            stop.set_visible(stopped)
            if stopped:
                stop.set_data(
                    [len(run.iterations) - 1], [pa.clamp_log(run.iterations[-1].loss, self.ax)]
                )
                stop.set_color(color)
            after = f" ({outcome_words(run, say.lang)})" if stopped else ""
            labels.append(_label(run, runs) + after)
        pa.panel_title(self.ax, say("plot.compare_title"), family)
        pa.set_xlabel(self.ax, say("plot.k"), family)
        self._place(ylabels, self._legend(runs, labels, family))

    def _legend(self, runs: list[Run], labels: list[str], family: list[str]) -> list[str]:
        if self.legend is not None:
            self.legend.remove()
        order = sorted(range(len(runs)), key=lambda i: runs[i].settings.lr)
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


def _label(run: Run, runs: list[Run]) -> str:
    lr = f"lr={typed_number(run.settings.lr)}"
    if len({r.settings.x0 for r in runs}) > 1:
        return f"x₀={typed_number(run.settings.x0)}, {lr}"
    return lr


def _colors(runs: list[Run]) -> list[str]:
    if len(runs) <= len(st.PALETTE):
        return list(st.PALETTE[: len(runs)])
    ranks = np.argsort(np.argsort([r.settings.lr for r in runs]))
    cmap = colormaps["viridis"]
    return [to_hex(cmap(0.9 * rank / (len(runs) - 1))) for rank in ranks]


def _batch_text(runs: list[Run], say: wd.PlotWords) -> str:
    s = runs[0].settings
    x0 = typed_number(s.x0) if len({r.settings.x0 for r in runs}) == 1 else "…"
    return say(
        "plot.batch",
        x0=x0,
        steps=say.count(s.steps, "plot.step", "plot.steps"),
        dtype=s.precision,
        runs=say.count(len(runs), "plot.run", "plot.runs"),
        opt=wd.optimizer_name(say, s.optimizer),
    )
