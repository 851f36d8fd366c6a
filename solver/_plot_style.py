"""How the pictures look: size, colours, fonts, and their words in English and Japanese."""

from __future__ import annotations

import logging
import threading
from typing import Any

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text

from ._equation import Equation
from ._outcome_text import outcome_words
from ._run import Run

log = logging.getLogger(__name__)

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

BASE_FAMILY = "DejaVu Sans"
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
MAX_TITLE = 64
OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "SGD + momentum", "adam": "Adam"}

TEXT = {
    "en": {
        "x_title": "(a) x per iteration",
        "loss_title": "(b) loss per iteration (log)",
        "curve_title": "(c) loss L(x) = f(x)²",
        "k": "iteration k",
        "x": "x",
        "root": "root {r}",
        "start": "start",
        "end": "end",
        "roots": "roots (L = 0)",
        "title": "f(x) = {f}",
        "settings": "x₀ = {x0} · lr = {lr} · {steps} · {opt} · {dtype}",
        "batch": "x₀ = {x0} · {steps} · {opt} · {dtype} · {runs}",
        "steps": "{n} steps",
        "step": "1 step",
        "runs": "{n} runs",
        "run": "1 run",
        "compare_title": "loss per iteration for each learning rate (log scale)",
        "stopped": "✕ = stopped",
    },
    "ja": {
        "x_title": "(a) 反復ごとの x",
        "loss_title": "(b) 反復ごとの損失（対数）",
        "curve_title": "(c) 損失 L(x) = f(x)²",
        "k": "反復回数 k",
        "x": "x",
        "root": "解 {r}",
        "start": "開始",
        "end": "終了",
        "roots": "解 (L = 0)",
        "title": "f(x) = {f}",
        "settings": "x₀ = {x0} · 学習率 lr = {lr} · {steps} · {opt} · {dtype}",
        "batch": "x₀ = {x0} · {steps} · {opt} · {dtype} · {runs}",
        "steps": "{n} ステップ",
        "step": "1 ステップ",
        "runs": "{n} 回の実行",
        "run": "1 回の実行",
        "compare_title": "学習率ごとの反復ごとの損失（対数目盛）",
        "stopped": "✕ = 停止",
    },
}

# Japanese fonts matplotlib can use, smallest package first (fonts-ipafont-gothic is 3.5 MB).
_CJK_FAMILIES = (
    "IPAGothic",
    "IPAexGothic",
    "IPAPGothic",
    "VL Gothic",
    "TakaoGothic",
    "Noto Sans CJK JP",
)
_CJK_FILES = ("ipag.ttf", "ipaexg.ttf", "ipagp.ttf", "vl-gothic-regular.ttf", "takaogothic.ttf")
_cjk_lock = threading.Lock()
_cjk: list[str | None] = []


def cjk_family() -> str | None:
    """An installed Japanese font family, registered with matplotlib; None if there is none."""
    with _cjk_lock:
        if not _cjk:
            _cjk.append(_find_cjk())
        return _cjk[0]


def _find_cjk() -> str | None:
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in known:
            return family
    # matplotlib's font cache may predate the font package: look for the files themselves.
    for path in font_manager.findSystemFonts():
        if path.rsplit("/", 1)[-1].lower() in _CJK_FILES:
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    log.warning("no Japanese font found (install fonts-ipafont-gothic): plots stay in English")
    return None


def words(lang: str) -> tuple[str, dict[str, str], list[str]]:
    """The language drawn, its words and font families: English when Japanese cannot be."""
    if lang == "ja":
        family = cjk_family()
        if family is not None:
            return "ja", TEXT["ja"], [BASE_FAMILY, family]
    return "en", TEXT["en"], [BASE_FAMILY]


def number(value: float) -> str:
    """A setting as a student wrote it: 1, 0.01, 1e-5."""
    text = f"{value:.6g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


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


def equation_text(run: Run, eq: Equation | None) -> str:
    """f(x) as a student reads it (x² − 2), shortened to fit one line."""
    text = eq.f_text if eq is not None else run.settings.equation
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1] + "…"


def settings_text(run: Run, words: dict[str, str], lang: str) -> str:
    """x₀ = 1 · lr = 0.01 · 100 steps · SGD · float32 → converged."""
    s = run.settings
    text = words["settings"].format(
        x0=number(s.x0),
        lr=number(s.lr),
        steps=count(words, "step", s.steps),
        opt=OPTIMIZER_NAMES.get(s.optimizer, s.optimizer),
        dtype=s.precision,
    )
    return f"{text}  →  {outcome_words(run, lang)}"


def count(words: dict[str, str], key: str, n: int) -> str:
    """'1 step' or '3 steps' (key 'step'), in the language of `words`."""
    return words[key] if n == 1 else words[key + "s"].format(n=n)


def set_text(text: Text, value: str, family: list[str]) -> None:
    """Set a text artist's words and font families (a fallback list for Japanese)."""
    text.set_text(value)
    text.set_fontfamily(family)
