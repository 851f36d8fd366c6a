"""Levels 1 to 3: the sign of dL/dx or where x moves, dL/dx itself, and x_{k+1}, from one step.

Every truth is the run's own number: the gradient autograd computed, the x that torch's
optimizer.step() gave.
"""

from __future__ import annotations

import math
import random
from functools import partial

from .._explain import explain
from .._explain_step import CONSTANTS
from .._numbers import article_number as fmt
from .._numbers import typed_number
from .._run import Outcome, Run
from ..equation import parse_equation
from ..words import t
from .answer import REL_TOL
from .question import Choice, Question


def _sign(value: float) -> str:
    return "zero" if value == 0 else ("positive" if value > 0 else "negative")


def stepped(run: Run) -> list[int]:
    """The iterations whose step was taken, with finite numbers (what a question can ask)."""
    last = len(run.iterations) - 1
    stopped = run.outcome in (Outcome.DIVERGED, Outcome.OUT_OF_DOMAIN)
    return [
        it.k
        for it in run.iterations
        if not (stopped and it.k == last)
        and all(math.isfinite(v) for v in (it.x, it.y, it.grad, run.next_x(it.k)))
    ]


def _visible(run: Run, k: int) -> bool:
    """x_{k+1} differs from x_k by more than the tolerance: typing x_k back would be wrong."""
    new = run.next_x(k)
    return abs(new - run.iterations[k].x) > 2 * REL_TOL * abs(new)


def choose_k(run: Run, rng: random.Random) -> int:
    """The iteration to ask about: one whose step moves x beyond the tolerance when there is
    one, so that neither x_k typed back (level 3) nor 0 (level 2) passes for the answer, and
    the way x moves is not lost in rounding (level 1)."""
    ks = stepped(run)
    if not ks:
        raise ValueError("this run has no step to ask about")
    return rng.choice([k for k in ks if _visible(run, k)] or ks)


def _state_words(run: Run, k: int, lang: str) -> str:
    """The optimizer's state before step k, which x_{k+1} needs besides x, dL/dx and lr."""
    s = run.settings
    prev = run.iterations[k - 1].state if k > 0 else {}
    lr, it = typed_number(s.lr), run.iterations[k]
    if s.optimizer == "sgd":
        return t(lang, "quiz.step_sgd", k=k, x=fmt(it.x), g=fmt(it.grad), lr=lr)
    if s.optimizer == "momentum":
        v = fmt(prev.get("momentum_buffer", 0.0))
        return t(
            lang, "quiz.step_momentum", k=k, x=fmt(it.x), g=fmt(it.grad), lr=lr, v=v, **CONSTANTS
        )
    m, v = fmt(prev.get("exp_avg", 0.0)), fmt(prev.get("exp_avg_sq", 0.0))
    return t(
        lang,
        "quiz.step_adam",
        k=k,
        x=fmt(it.x),
        g=fmt(it.grad),
        lr=lr,
        m=m,
        v=v,
        t=k + 1,
        **CONSTANTS,
    )


def step_question(run: Run, level: int, pick: int, lang: str) -> Question:
    """A level 1, 2 or 3 question on a step of `run` chosen by `pick`."""
    rng = random.Random(pick)
    k = choose_k(run, rng)
    say = partial(t, lang)
    eq = parse_equation(run.settings.equation)
    it, new = run.iterations[k], run.next_x(k)
    worked = explain(run, k, lang).sections
    title = say("quiz.title", level=level, eq=eq.pretty)
    f_line = say("quiz.f_at", k=k, f=eq.f_text, x=fmt(it.x))
    if level == 2:
        lines = (f_line, say("quiz.ask_grad", k=k))
        return Question(2, k, title, lines, (), it.grad, fmt(it.grad), worked)
    if level == 3:
        lines = (_state_words(run, k, lang), say("quiz.ask_next", k1=k + 1))
        return Question(3, k, title, lines, (), new, fmt(new), worked)
    # Which way x moves depends on more than dL/dx once momentum or Adam remember steps.
    plain_step = run.settings.optimizer == "sgd" or k == 0
    if plain_step and rng.random() < 0.5:
        opt = say(f"explain.opt_{run.settings.optimizer}", **CONSTANTS)
        given = say(
            "quiz.move_given",
            k=k,
            x=fmt(it.x),
            g=fmt(it.grad),
            lr=typed_number(run.settings.lr),
            opt=opt,
        )
        names = ("right", "left", "stays")
        truth = "stays" if new == it.x else ("right" if new > it.x else "left")
        lines = (given, say("quiz.ask_move"))
    else:
        given = say("quiz.sign_given", k=k, f=eq.f_text, x=fmt(it.x), y=fmt(it.y))
        names = ("positive", "negative", "zero")
        truth = _sign(it.grad)
        lines = (given, say("quiz.ask_sign", k=k))
    choices = tuple(Choice(name, say(f"quiz.choice_{name}")) for name in names)
    label = next(c.label for c in choices if c.value == truth)
    return Question(1, k, title, lines, choices, truth, label, worked)
