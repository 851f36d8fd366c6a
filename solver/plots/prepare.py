"""A run turned into what its picture draws (solver.plots.pictures), in the worker that solved it.

This side has torch (the landscape evaluates f) and the Run; the drawing process gets only
the arrays and words made here, long series already cut to one min/max pair per pixel column.
"""

from __future__ import annotations

import numpy as np

from .._numbers import typed_number
from .._outcome_text import outcome_words
from .._run import Run
from ..words import FALLBACK, language
from . import data
from . import words as wd
from .pictures import ComparisonLine, ComparisonPicture, ConvergencePicture, LogSeries
from .ranges import min_max_columns


def drawn_languages(lang: str) -> tuple[str, ...]:
    """The languages a picture asked in `lang` may be drawn in: English, the fallback when
    the drawing process has no font for `lang`, and `lang` itself when it has a catalogue."""
    return tuple(dict.fromkeys((FALLBACK, language(lang).code)))


def convergence_picture(run: Run, lang: str = "en") -> ConvergencePicture:
    """Everything the three-panel picture of `run` draws, in `lang` (a catalogue's code)."""
    eq = data.equation_of(run)
    steps = len(run.iterations)
    span = (0.0, float(max(steps, 1)))
    every_x = data.path_xs(run)  # x_0 … x_n: each field is read from the run once
    every_loss = data.column(run, "loss")
    x_ks, xs = min_max_columns(
        *data.finite(np.arange(every_x.size, dtype=np.float64), every_x), span
    )
    ks, loss = data.finite(np.arange(steps, dtype=np.float64), every_loss)
    floor = data.log_floor(loss)
    positive = data.positive_range(loss)
    loss_ks, loss = min_max_columns(*data.on_log_axis(ks, loss, floor), span)
    stopped = run.outcome in data.STOPPED and bool(run.iterations)
    land = data.landscape(run, eq, every_x, np.append(every_loss, np.nan))
    title = wd.equation_text(run, eq)
    return ConvergencePicture(
        lang=lang,
        headings={
            say.lang: (say("plot.title", f=title), wd.settings_text(run, say))
            for say in _sayers(lang)
        },
        steps=steps,
        x_ks=x_ks,
        xs=xs,
        root=run.root,
        loss=LogSeries(loss_ks, loss, positive, floor),
        stop_loss=run.iterations[-1].loss if stopped else None,
        grid=land.grid,
        curve=land.loss,
        path_x=land.path_x,
        path_loss=land.path_loss,
        roots=land.roots,
        window=land.window,
    )


def comparison_picture(runs: list[Run], lang: str = "en") -> ComparisonPicture:
    """Everything the comparison of `runs` (one per learning rate) draws, in `lang`."""
    if not runs:
        raise ValueError("a comparison needs at least one run")
    series = [data.loss_series(run) for run in runs]
    floor = data.log_floor(*(loss for _, loss in series))
    positive = data.positive_range(*(loss for _, loss in series))
    steps = max(max(len(r.iterations) for r in runs), 1)
    lines = []
    for run, (ks, loss) in zip(runs, series, strict=True):
        ks, loss = min_max_columns(*data.on_log_axis(ks, loss, floor), (0.0, float(steps)))
        stopped = run.outcome in data.STOPPED and bool(run.iterations)
        after = {
            shown: f" ({outcome_words(run, shown)})" if stopped else ""
            for shown in drawn_languages(lang)
        }
        lines.append(
            ComparisonLine(
                lr=run.settings.lr,
                loss=LogSeries(ks, loss, None, floor),
                stop=(len(run.iterations) - 1, run.iterations[-1].loss) if stopped else None,
                labels={shown: _label(run, runs) + text for shown, text in after.items()},
            )
        )
    eq = data.equation_of(runs[0])
    title = wd.equation_text(runs[0], eq)
    return ComparisonPicture(
        lang=lang,
        headings={
            say.lang: (say("plot.title", f=title), _batch_text(runs, say)) for say in _sayers(lang)
        },
        steps=steps,
        lines=lines,
        positive=positive,
        floor=floor,
    )


def _sayers(lang: str) -> list[wd.PlotWords]:
    # Only the words: the fonts are the drawing process's to find.
    return [wd.PlotWords(shown, []) for shown in drawn_languages(lang)]


def _label(run: Run, runs: list[Run]) -> str:
    lr = f"lr={typed_number(run.settings.lr)}"
    if len({r.settings.x0 for r in runs}) > 1:
        return f"x₀={typed_number(run.settings.x0)}, {lr}"
    return lr


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
