"""The quiz: a question on a run's step (levels 1–3) or on a learning rate (level 4), and the
check of an answer. Never evaluates what a student types.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._run import Run
from .answer import ABS_TOL, REL_TOL, AnswerError, close_enough, parse_answer
from .question import LEVELS, Choice, Question
from .rates import rate_question
from .steps import step_question

__all__ = [
    "ABS_TOL",
    "LEVELS",
    "REL_TOL",
    "AnswerError",
    "Choice",
    "Question",
    "Verdict",
    "close_enough",
    "judge",
    "make_question",
    "parse_answer",
]


def make_question(run: Run, level: int, pick: int, lang: str = "en") -> Question:
    """The question of `level` on `run`; the same `pick` makes the same question again."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    if level == 4:
        return rate_question(run.settings, pick, lang)
    return step_question(run, level, pick, lang)


@dataclass(frozen=True)
class Verdict:
    """Whether an answer is right, and the answer as read (as typed, or a choice's label)."""

    correct: bool
    given: str


def judge(question: Question, answer: str) -> Verdict:
    """Judge a typed number (levels 2–3) or a choice's value (levels 1 and 4).

    Raises AnswerError("not_a_number", ...) for text that is no plain number, and
    AnswerError("unknown_choice") for a value no button has.
    """
    if question.typed:
        value = parse_answer(answer)
        assert isinstance(question.truth, float)
        return Verdict(close_enough(value, question.truth), answer.strip())
    for choice in question.choices:
        if choice.value == answer:
            return Verdict(answer == question.truth, choice.label)
    raise AnswerError("unknown_choice")
