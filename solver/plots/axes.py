"""Axes of the pictures: their look, limits, lean tick labels and a layout without tight_layout."""

from __future__ import annotations

import math
import unicodedata

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator
from matplotlib.transforms import ScaledTranslation

from . import style as st
from .ticks import linear_ticks, log_ticks

BOTTOM, TOP = 0.14, 0.76  # of the figure's height; the headings sit above
_PX_PER_PT = st.DPI / 72


def style_axes(ax: Axes) -> None:
    """White panel, light grid, no minor ticks, tick labels sized for a 500 px wide view."""
    ax.set_facecolor(st.PANEL)
    for spine in ax.spines.values():
        spine.set_color(st.MUTED)
    ax.tick_params(labelsize=st.TICK_PT, colors=st.INK, length=4, pad=3)
    ax.grid(True, color=st.GRID, lw=1.0)
    ax.set_axisbelow(True)
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_minor_locator(NullLocator())
    # Fixed places for the x label and the title: matplotlib would otherwise measure every
    # tick label on each draw to place them.
    below = ScaledTranslation(0, -(4 + 3 + 1.2 * st.TICK_PT + 1) / 72, ax.figure.dpi_scale_trans)
    ax.xaxis.set_label_coords(0.5, 0.0, transform=ax.transAxes + below)
    ax.yaxis.set_label_coords(0.0, 0.5)


def log_axis(ax: Axes) -> None:
    """A log-scaled y axis whose ticks we place ourselves (no minor ticks, no mathtext)."""
    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(NullLocator())


def panel_title(ax: Axes, text: str, family: list[str]) -> None:
    """The panel's title, left-aligned above it."""
    ax.set_title(
        text,
        loc="left",
        fontsize=st.PANEL_PT,
        color=st.INK,
        pad=8,
        y=1.0,
        fontfamily=family,
        parse_math=False,
    )


def set_xlabel(ax: Axes, text: str, family: list[str]) -> None:
    """The x axis label."""
    ax.set_xlabel(
        text, fontsize=st.LABEL_PT, color=st.INK, labelpad=2, fontfamily=family, parse_math=False
    )


Labels = tuple[list[str], list[str]]


def set_limits(
    ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float], integer_x: bool = False
) -> Labels:
    """Linear limits and round ticks on both axes; returns the x and y tick labels."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    xticks, xlabels = linear_ticks(*xlim, integer=integer_x)
    ax.set_xticks(xticks, xlabels)
    yticks, ylabels = linear_ticks(*ylim)
    ax.set_yticks(yticks, ylabels)
    return xlabels, ylabels


def set_log_limits(
    ax: Axes, xlim: tuple[float, float], positive: tuple[float, float] | None, floor: float | None
) -> Labels:
    """Log limits around the `positive` range with decade ticks; exact zeros sit at `floor`,
    whose tick reads 0. Returns the x and y tick labels."""
    ax.set_xlim(*xlim)
    xticks, xlabels = linear_ticks(*xlim, integer=True)
    ax.set_xticks(xticks, xlabels)
    if positive is None and floor is not None:  # every loss is 0
        bottom, top, ticks, labels = floor / 3, floor * 3, [floor], ["0"]
    else:
        bottom, top, ticks, labels = log_ticks(*(positive or (1.0, 1.0)))
        if floor is not None:
            bottom = min(bottom, floor / 2)
            kept = [(t, s) for t, s in zip(ticks, labels, strict=True) if t > floor * 1.5]
            ticks, labels = [floor] + [t for t, _ in kept], ["0"] + [s for _, s in kept]
    ax.set_ylim(bottom, top)
    ax.set_yticks(ticks, labels)
    return xlabels, labels


def clamp_log(value: float, ax: Axes) -> float:
    """`value` kept inside a log axis: non-finite or huge goes to the top, tiny to the bottom."""
    bottom, top = ax.get_ylim()
    if not math.isfinite(value) or value > top:
        return top / 10 ** (0.03 * math.log10(top / bottom))
    return max(value, bottom)


def text_px(text: str, points: float) -> float:
    """A generous guess of a text's width in pixels: DejaVu digits are 0.64 em, kanji 1 em."""
    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.64 for c in text)
    return ems * points * _PX_PER_PT


def place_panels(fig: Figure, axes: list[Axes], labels: list[Labels]) -> None:
    """Side-by-side panels, each leaving room on its left for its own y tick labels and the
    last one room on its right for half of its last x tick label."""
    width_px = fig.get_figwidth() * fig.dpi
    lefts = [
        14 + max((text_px(s, st.TICK_PT) for s in ylabels), default=10.0) for _, ylabels in labels
    ]
    last_x = labels[-1][0]
    right_px = 12 + (0.5 * text_px(last_x[-1], st.TICK_PT) if last_x else 0.0)
    gap_px = 16.0
    panel_px = (width_px - right_px - sum(lefts) - gap_px * (len(axes) - 1)) / len(axes)
    x = 0.0
    for ax, left in zip(axes, lefts, strict=True):
        x += left
        ax.set_position((x / width_px, BOTTOM, panel_px / width_px, TOP - BOTTOM))
        x += panel_px + gap_px
