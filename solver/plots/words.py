"""The pictures' words in English and Japanese, and the fonts that can draw them."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from .._numbers import typed_number
from .._outcome_text import outcome_words

if TYPE_CHECKING:  # the drawing processes import this module without torch or sympy
    from .._run import Run
    from ..equation import Equation

log = logging.getLogger(__name__)

BASE_FAMILY = "DejaVu Sans"
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
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in known:
            return family
    # matplotlib's font cache may predate the font package: look for the files themselves,
    # in our order (findSystemFonts' order changes with the hash seed, and so would the font).
    paths = {p.rsplit("/", 1)[-1].lower(): p for p in sorted(font_manager.findSystemFonts())}
    for path in (paths[name] for name in _CJK_FILES if name in paths):
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


def equation_text(run: Run, eq: Equation | None) -> str:
    """f(x) as a student reads it (x² − 2), shortened to fit one line."""
    text = eq.f_text if eq is not None else run.settings.equation
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1] + "…"


def settings_text(run: Run, words: dict[str, str], lang: str) -> str:
    """x₀ = 1 · lr = 0.01 · 100 steps · SGD · float32 → converged."""
    s = run.settings
    text = words["settings"].format(
        x0=typed_number(s.x0),
        lr=typed_number(s.lr),
        steps=count(words, "step", s.steps),
        opt=OPTIMIZER_NAMES.get(s.optimizer, s.optimizer),
        dtype=s.precision,
    )
    return f"{text}  →  {outcome_words(run, lang)}"


def count(words: dict[str, str], key: str, n: int) -> str:
    """'1 step' or '3 steps' (key 'step'), in the language of `words`."""
    return words[key] if n == 1 else words[key + "s"].format(n=n)
