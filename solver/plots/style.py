"""How the pictures look: size, colours, type sizes, markers, legends and the headings."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure
from matplotlib.text import Text

# 1200 x 500 px. Discord shows it about 500 px wide, so text is sized for a 0.42x view.
FIGSIZE = (12.0, 5.0)
DPI = 100
CARD = "#f3f4f6"  # an opaque light card: readable on Discord's dark and light themes
PANEL = "#ffffff"
INK = "#1f2328"
MUTED = "#57606a"
GRID = "#d8dee4"
BLUE = "#0969da"
ORANGE = "#d1570b"
GREEN = "#1a7f37"
RED = "#cf222e"
CURVE = "#6e7781"
PALETTE = (
    "#0969da",
    "#d1570b",
    "#1a7f37",
    "#8250df",
    "#bf3989",
    "#0e8a8a",
    "#9a6700",
    "#57606a",
    "#cf222e",
    "#3d6b00",
)

TITLE_PT = 22
SUBTITLE_PT = 17
PANEL_PT = 17
TICK_PT = 16
LABEL_PT = 15
LEGEND_PT = 15

STOP_MARK: dict[str, Any] = {"marker": "X", "ms": 15, "color": RED, "mec": INK, "mew": 1.2}
FEW_POINTS = 20  # lines this short also get a marker at each point
LEGEND: dict[str, Any] = {
    "loc": "best",
    "frameon": True,
    "framealpha": 0.9,
    "borderpad": 0.3,
    "handletextpad": 0.5,
    "labelspacing": 0.25,
    "borderaxespad": 0.3,
}


def headings(fig: Figure) -> tuple[Text, Text]:
    """The title (the equation) and the subtitle (the settings) at the top of the card."""
    title = fig.text(
        0.012,
        0.975,
        "",
        ha="left",
        va="top",
        fontsize=TITLE_PT,
        weight="bold",
        color=INK,
        parse_math=False,
    )
    subtitle = fig.text(
        0.012, 0.905, "", ha="left", va="top", fontsize=SUBTITLE_PT, color=MUTED, parse_math=False
    )
    return title, subtitle


def set_text(text: Text, value: str, family: list[str]) -> None:
    """Set a text artist's words and font families (a fallback list for Japanese)."""
    text.set_text(value)
    text.set_fontfamily(family)
