"""The pictures' words in the reader's language (the catalogue's plot.*), and the fonts that draw them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._numbers import typed_number
from .._outcome_text import outcome_words
from ..words import FALLBACK, language, t

if TYPE_CHECKING:  # the drawing processes import this module without torch or sympy
    from matplotlib.text import Text

    from .._run import Run
    from ..equation import Equation

log = logging.getLogger(__name__)

BASE_FAMILY = "DejaVu Sans"
MAX_TITLE = 64
_font_lock = threading.Lock()
_fonts: dict[str, str | None] = {}


@dataclass(frozen=True)
class PlotWords:
    """The language a picture is drawn in and the font families that draw it."""

    lang: str
    families: list[str]

    def __call__(self, key: str, **params: object) -> str:
        """The catalogue's `key` in this language."""
        return t(self.lang, key, **params)

    def count(self, n: int, one: str, many: str) -> str:
        """`one` for a single thing, else `many` filled with n: '1 step' or '3 steps'."""
        return self(one) if n == 1 else self(many, n=n)


def font_family(lang: str) -> str | None:
    """An installed font family for `lang`'s script, registered with matplotlib; None if none.

    Only asked for languages whose catalogue names fonts (Japanese: fonts-ipafont-gothic).
    """
    with _font_lock:
        if lang not in _fonts:
            _fonts[lang] = _find_font(lang)
        return _fonts[lang]


def _find_font(lang: str) -> str | None:
    from matplotlib import font_manager

    wanted = language(lang)
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in wanted.font_families:
        if family in known:
            return family
    # matplotlib's font cache may predate the font package: look for the files themselves,
    # in our order (findSystemFonts' order changes with the hash seed, and so would the font).
    paths = {p.rsplit("/", 1)[-1].lower(): p for p in sorted(font_manager.findSystemFonts())}
    for path in (paths[name] for name in wanted.font_files if name in paths):
        font_manager.fontManager.addfont(path)
        return font_manager.FontProperties(fname=path).get_name()
    log.warning("no font found for %s: its plots stay in English", wanted.name)
    return None


def words(lang: str) -> PlotWords:
    """The words of a picture in `lang`, or in English when no installed font can draw it."""
    if not language(lang).font_families:
        return PlotWords(language(lang).code, [BASE_FAMILY])
    family = font_family(lang)
    if family is None:
        return PlotWords(FALLBACK, [BASE_FAMILY])
    return PlotWords(lang, [BASE_FAMILY, family])


def equation_text(run: Run, eq: Equation | None) -> str:
    """f(x) as a student reads it (x² − 2), shortened to fit one line."""
    text = eq.f_text if eq is not None else run.settings.equation
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1] + "…"


def optimizer_name(say: PlotWords, optimizer: str) -> str:
    """SGD, SGD + momentum or Adam."""
    return say(f"plot.optimizer.{optimizer}")


def settings_text(run: Run, say: PlotWords) -> str:
    """x₀ = 1 · lr = 0.01 · 100 steps · SGD · float32 → converged."""
    s = run.settings
    text = say(
        "plot.settings",
        x0=typed_number(s.x0),
        lr=typed_number(s.lr),
        steps=say.count(s.steps, "plot.step", "plot.steps"),
        opt=optimizer_name(say, s.optimizer),
        dtype=s.precision,
    )
    return f"{text}  →  {outcome_words(run, say.lang)}"


def show_headings(
    title: Text, subtitle: Text, lang: str, headings: Mapping[str, tuple[str, str]]
) -> PlotWords:
    """Put a picture's title and subtitle, in the language it can be drawn in, on the card;
    that language's words and fonts for the rest of the figure."""
    say = words(lang)
    heading, settings = headings[say.lang]
    title.set_text(heading)
    title.set_fontfamily([BASE_FAMILY])
    subtitle.set_text(settings)
    subtitle.set_fontfamily(say.families)
    return say
