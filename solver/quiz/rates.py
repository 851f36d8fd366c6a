"""Level 4: will this lr converge, bounce or diverge? The truth is what the solver then does.

The rates asked about sit around the optimizer's stability bound at the nearest root
(SGD 2 / L'', momentum 2(1 + β) / L''), where the answer turns; Adam and equations without
a bound get multiples of the run's own lr. A rate is asked only when its run lands in one of
the three answers, so the button called right is the outcome the numbers shown produce.
"""

from __future__ import annotations

import dataclasses
import random
from functools import partial

from .._diagnosis import stability_bound
from .._explain import Section
from .._loop import solve_batch
from .._numbers import typed_number
from .._outcome_text import hint_text, outcome_words
from .._roots import nearest
from .._run import Outcome, Run, Settings
from ..equation import parse_equation
from ..words import t
from .question import Choice, Question

MAX_QUIZ_STEPS = 1000  # each candidate is a solve: keep them cheap
BOUND_FACTORS = (0.3, 0.8, 1.1, 1.3, 2.5, 6.0)
LR_FACTORS = (0.1, 0.5, 1.0, 3.0, 10.0, 50.0)
ANSWERS = ("converge", "bounce", "diverge")


def answer_of(run: Run) -> str | None:
    """converge, bounce (x keeps circling a root) or diverge; None for any other ending."""
    if run.outcome is Outcome.CONVERGED:
        return "converge"
    if run.outcome is Outcome.DIVERGED:
        return "diverge"
    circling = ("oscillating", "adam_hovering")
    if run.outcome is Outcome.STILL_MOVING and run.hint is not None and run.hint.key in circling:
        return "bounce"
    return None


def candidate_rates(settings: Settings) -> list[float]:
    """Learning rates worth asking about, each as shown (two significant digits)."""
    eq = parse_equation(settings.equation)
    root = nearest(eq, settings.x0, fallback=settings.x0, path=[settings.x0])
    bound = stability_bound(eq, root, settings.optimizer)
    base, factors = (settings.lr, LR_FACTORS) if bound is None else (bound, BOUND_FACTORS)
    shown = [float(typed_number(base * f, 2)) for f in factors]
    return [lr for lr in dict.fromkeys(shown) if lr > 0]


def quiz_settings(settings: Settings, lr: float) -> Settings:
    """The settings a level-4 question shows: the run's, at `lr`, with at most 1000 steps."""
    return dataclasses.replace(settings, lr=lr, steps=min(settings.steps, MAX_QUIZ_STEPS))


def rate_question(base: Settings, pick: int, lang: str) -> Question:
    """A level-4 question on `base`'s problem at a rate chosen by `pick`, judged by solving it.

    `pick` draws the answer to aim for first, so the three come up alike often where the
    problem has them; the rates are solved together, each as `solve` would alone.
    """
    rng = random.Random(pick)
    wanted = rng.choice(ANSWERS)
    rates = candidate_rates(base)
    rng.shuffle(rates)
    settings = quiz_settings(base, rates[0])
    runs = [
        dataclasses.replace(run, settings=quiz_settings(base, lr))
        for lr, run in zip(rates, solve_batch(settings, rates), strict=True)
    ]
    answered = [(run, answer_of(run)) for run in runs]
    for run, truth in sorted(answered, key=lambda pair: pair[1] != wanted):
        if truth is not None:
            return _question(run.settings, run, truth, lang)
    raise ValueError("no learning rate of this problem ends in one of the three answers")


def _question(settings: Settings, run: Run, truth: str, lang: str) -> Question:
    say = partial(t, lang)
    eq = parse_equation(settings.equation)
    given = say(
        "quiz.rate_given",
        f=eq.f_text,
        x0=typed_number(settings.x0),
        lr=typed_number(settings.lr),
        steps=settings.steps,
        opt=say(f"choice.optimizer.{settings.optimizer}"),
        precision=settings.precision,
    )
    choices = tuple(Choice(name, say(f"quiz.choice_{name}")) for name in ANSWERS)
    label = next(c.label for c in choices if c.value == truth)
    lines = [say("quiz.rate_outcome", outcome=outcome_words(run, lang))]
    hint = hint_text(run, lang)
    if hint is not None:
        lines.append(hint)
    worked = (Section(say("quiz.rate_worked"), tuple(lines)),)
    title = say("quiz.title", level=4, eq=eq.pretty)
    ask = (given, say("quiz.ask_rate"))
    return Question(4, -1, title, ask, choices, truth, label, worked, settings.lr)
